"""The bundled sample screened once per test session by the daily flow (which writes the report)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def sample_store(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory
                 ) -> tuple[Path, dict[str, Any]]:
    """(out folder, run summary) of the daily flow on data/sample."""
    from flows.daily import daily_screening
    from vessel_risk.settings import DEFAULT_MODEL, SAMPLE_AIS, SAMPLE_REGISTRY

    out = tmp_path_factory.mktemp("sample-out")
    summary = daily_screening(ais=[str(SAMPLE_AIS)], registry=str(SAMPLE_REGISTRY), out=str(out),
                              model=str(DEFAULT_MODEL))
    return out, summary
