"""The tree's floors (docs/architecture.md): one package name, each folder on one floor, every
import going down. Read from the source with ``ast``, so a new upward import fails here."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "vessel_risk"
# Lowest first; a folder may import only folders on lower floors (and itself).
FLOORS: list[tuple[str, ...]] = [
    ("common",),
    ("ingest", "storage", "simulator"),
    ("features",),
    ("models",),
    ("report",),
    ("flows",),
    ("vessel_risk",),
]
LEGACY_TOP_LEVEL = {"features", "ingest", "models", "flows", "simulator", "common", "storage",
                    "report"}


def package_dirs() -> dict[str, str]:
    """Subpackage name (``features``; ``vessel_risk`` for the root) -> folder, from pyproject."""
    mapping = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-dir"]
    return {name.split(".", 1)[1] if "." in name else name: folder
            for name, folder in mapping.items()}


def imported_modules(path: Path) -> list[str]:
    """Absolute module names a file imports (``from a import b`` gives ``a`` and ``a.b``)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def folder_imports() -> dict[str, set[str]]:
    """Folder -> the other product folders its files import."""
    dirs = package_dirs()
    found: dict[str, set[str]] = {}
    for folder in dirs.values():
        targets: set[str] = set()
        for path in (REPO / folder).glob("*.py"):
            for module in imported_modules(path):
                parts = module.split(".")
                if parts[0] != PACKAGE:
                    continue
                if len(parts) > 1 and parts[1] in dirs:
                    targets.add(dirs[parts[1]])
                elif len(parts) > 1 and (REPO / dirs[PACKAGE] / f"{parts[1]}.py").exists():
                    targets.add(dirs[PACKAGE])
        found[folder] = targets - {folder}
    return found


def module_names() -> dict[str, Path]:
    """Every product module's dotted name -> its file."""
    modules = {}
    for sub, folder in package_dirs().items():
        prefix = PACKAGE if sub == PACKAGE else f"{PACKAGE}.{sub}"
        for path in (REPO / folder).glob("*.py"):
            modules[prefix if path.stem == "__init__" else f"{prefix}.{path.stem}"] = path
    return modules


def module_imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The product modules a file imports anywhere in its code (inside functions too):
    ``from a import b`` is an import of ``a.b`` where that is a module, else of ``a``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{a.name}" for a in node.names} & modules.keys()
            found.update(subs or ({node.module} & modules.keys()))
    return found


def test_no_module_imports_itself_back_through_others() -> None:
    """No import cycle between modules, even through imports inside functions (which is how
    ingest/ais.py and ingest/csv_exports.py once hid one)."""
    modules = module_names()
    graph = {name: module_imports(path, modules) - {name} for name, path in modules.items()}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())
    assert "vessel_risk.ingest.csv_exports" in graph["vessel_risk.ingest.ais"]


def test_every_product_folder_is_on_exactly_one_floor() -> None:
    on_floors = [f for floor in FLOORS for f in floor]
    assert sorted(on_floors) == sorted(package_dirs().values())


@pytest.mark.parametrize("folder", sorted(f for floor in FLOORS for f in floor))
def test_a_folder_imports_only_folders_below_it(folder: str) -> None:
    level = {f: i for i, floor in enumerate(FLOORS) for f in floor}
    upward = sorted(t for t in folder_imports()[folder] if level[t] >= level[folder])
    assert upward == [], f"{folder}/ imports {upward}, which are not below it"


def test_product_code_imports_the_one_package_name_only() -> None:
    """``import features`` would load a second copy of the module beside
    ``vessel_risk.features`` (and collide with any other project's ``features``)."""
    bare = []
    for folder in [*package_dirs().values(), "benchmarks", "tests"]:
        for path in (REPO / folder).rglob("*.py"):
            bare += [f"{path.relative_to(REPO)}: {m}" for m in imported_modules(path)
                     if m.split(".")[0] in LEGACY_TOP_LEVEL]
    assert bare == []


def test_prefect_is_imported_only_by_flows_and_the_application() -> None:
    dirs = package_dirs()
    allowed = {dirs["flows"], dirs[PACKAGE]}
    found = sorted(
        f"{folder}/{path.name}" for folder in dirs.values() if folder not in allowed
        for path in (REPO / folder).glob("*.py")
        if any(m.split(".")[0] == "prefect" for m in imported_modules(path)))
    assert found == []


def test_benchmarks_import_nothing_from_the_tests() -> None:
    """A benchmark runs from a checkout without the test suite: what it needs lives in the
    package (the simulator) or in benchmarks/."""
    found = sorted(f"{path.name}: {m}" for path in (REPO / "benchmarks").glob("*.py")
                   for m in imported_modules(path) if m.split(".")[0] == "tests")
    assert found == []
