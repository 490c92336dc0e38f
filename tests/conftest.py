"""Test-wide set-up: an isolated, offline Prefect, and paths to shared data.

Prefect reads its settings when imported, so the environment is fixed here, at collection time,
before any test module imports a flow.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="vessel-risk-prefect-"))
for _key in ("PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_PROFILE"):
    os.environ.pop(_key, None)
os.environ.update(
    {
        "PREFECT_HOME": str(_PREFECT_HOME),
        "PREFECT_PROFILES_PATH": str(_PREFECT_HOME / "profiles.toml"),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }
)

@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """Prefect's test harness: a temporary database and server for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
# The packed land mask is built once per checkout (~6 s) and reused by later test sessions.
LAND_CACHE = Path(__file__).resolve().parents[1] / ".workspace" / "cache"


@pytest.fixture(scope="session")
def land_mask():  # type: ignore[no-untyped-def]
    """The 1 km land mask, packed and memory-mapped (features.land)."""
    from vessel_risk.features.land import load_land_mask

    return load_land_mask(LAND_CACHE)


@pytest.fixture(scope="session")
def sample_store(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory
                 ) -> tuple[Path, dict[str, Any]]:
    """The bundled sample screened once per test session by the daily flow (which writes the
    report): (out folder, run summary) of the daily flow on data/sample."""
    from vessel_risk.common.workspace import DEFAULT_MODEL, SAMPLE_AIS, SAMPLE_REGISTRY
    from vessel_risk.flows.daily import daily_screening

    out = tmp_path_factory.mktemp("sample-out")
    summary = daily_screening(ais=[str(SAMPLE_AIS)], registry=str(SAMPLE_REGISTRY), out=str(out),
                              model=str(DEFAULT_MODEL))
    return out, summary

