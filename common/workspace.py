"""Where things are by default, and the offline Prefect workspace.

Light to import (no pandas, no Prefect): the CLI reads its defaults and checks its options with
this alone. Nothing here reads the environment except :func:`prefect_environment`, which the CLI
and the test set-up call once, before Prefect is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
SAMPLE_AIS = SAMPLE_DIR / "ais"
SAMPLE_REGISTRY = SAMPLE_DIR / "registry"
SAMPLE_OUTCOMES = SAMPLE_DIR / "outcomes.csv"
DEFAULT_MODEL = PROJECT_ROOT / "models" / "default"
SAMPLE_MODEL_NOTE = (
    "Trained on the bundled synthetic sample (data/sample, made by simulator/): for demonstration "
    "and tests only; it says nothing about real vessels."
)
DEFAULT_OUT = Path("data/out")
WORKSPACE = Path(".workspace")
# Derived data the product builds once per machine and reuses (the packed land mask).
CACHE_DIR = WORKSPACE / "cache"

# Days of AIS before and including the screening day that features look at: a week covers a
# short-sea voyage and the days of waiting before a port call.
DEFAULT_LOOKBACK_DAYS = 7
MAX_LOOKBACK_DAYS = 90


def prefect_environment(workspace: Path = WORKSPACE) -> dict[str, str]:
    """Environment for an offline Prefect whose state lives in the project's workspace.

    Sets (without overriding what the user set) PREFECT_HOME, telemetry off, and a generous
    start-up timeout for the temporary local server. Call before importing Prefect.
    """
    home = (Path(workspace) / "prefect").resolve()
    wanted = {
        "PREFECT_HOME": str(home),
        "PREFECT_PROFILES_PATH": str(home / "profiles.toml"),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    for key, value in wanted.items():
        os.environ.setdefault(key, value)
    home.mkdir(parents=True, exist_ok=True)
    return wanted
