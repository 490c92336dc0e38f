"""Flow modules stay loadable where Prefect runs them: in a served child process that gets the
flow function by cloudpickle, by value (STACK.md). String annotations from
``from __future__ import annotations`` cannot be resolved there, and every run fails parameter
validation before any task runs; these tests keep that from coming back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO

FLOW_MODULES = sorted((REPO / "flows").glob("*.py"))

CHILD = """
import sys, cloudpickle
flow = cloudpickle.loads(sys.stdin.buffer.read())
flow.validate_parameters({"ais": ["a.nmea"], "registry": None, "out": "o", "model": "m",
                          "day": "2026-11-22", "capture_time": "2026-11-22T00:00:00"})
print("validated")
"""


def future_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
            and node.module == "__future__" for alias in node.names]


@pytest.mark.parametrize("path", FLOW_MODULES, ids=lambda p: p.name)
def test_flow_module_has_no_future_annotations(path: Path) -> None:
    assert "annotations" not in future_imports(path), (
        f"{path.name}: `from __future__ import annotations` breaks served flows (STACK.md)")


def test_daily_flow_validates_its_parameters_after_cloudpickle_by_value() -> None:
    """What `.serve()` does with the flow: pickle it by value, load it in a fresh interpreter
    that has not imported the flow's module, validate a run's parameters there."""
    import cloudpickle

    import vessel_risk.flows.daily
    from vessel_risk.flows.daily import daily_screening

    cloudpickle.register_pickle_by_value(vessel_risk.flows.daily)
    try:
        payload = cloudpickle.dumps(daily_screening)
    finally:
        cloudpickle.unregister_pickle_by_value(vessel_risk.flows.daily)
    child = subprocess.run([sys.executable, "-c", CHILD], input=payload, capture_output=True,
                           cwd=REPO, timeout=120)
    assert child.returncode == 0, child.stderr.decode()[-2000:]
    assert b"validated" in child.stdout
