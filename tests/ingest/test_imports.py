"""The ingest package's modules import each other in one direction: no cycles, even through
imports inside functions (which is how ingest/ais.py and ingest/csv_exports.py once hid one)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support import REPO

INGEST = REPO / "ingest"


def ingest_imports(path: Path) -> set[str]:
    """The ingest modules ``path`` imports anywhere in its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "ingest":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ingest."):
            found.add(node.module.split(".")[1])  # type: ignore[union-attr]
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("ingest."))
    return found


def test_ingest_modules_import_each_other_without_cycles() -> None:
    graph = {p.stem: ingest_imports(p) for p in INGEST.glob("*.py")}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for imported in sorted(graph.get(module, set())):
            visit(imported, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())
    assert "csv_exports" in graph["ais"] and "ais" not in graph["csv_exports"]
