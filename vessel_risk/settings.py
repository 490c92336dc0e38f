"""Where things are by default, and the one typed settings object flows pass down.

Nothing here reads the environment except :func:`prefect_environment`, which the CLI and the test
set-up call once, before Prefect is imported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from features.build import DetectionParams
from ingest.ais import IngestParams
from models.score import ScoreParams
from models.train import TrainParams
from vessel_risk import config
from vessel_risk.days import DayParams
from vessel_risk.errors import ConfigError

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

# Days of AIS before and including the screening day that features look at: a week covers a
# short-sea voyage and the days of waiting before a port call.
DEFAULT_LOOKBACK_DAYS = 7
MAX_LOOKBACK_DAYS = 90


@dataclass(frozen=True)
class Settings:
    """Every tunable of a run, validated once.

    Each field (and each field of a nested ``...Params``) is a key of the ``--config`` TOML file:
    see :func:`load_settings`.
    """

    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    ingest: IngestParams = field(default_factory=IngestParams)
    detection: DetectionParams = field(default_factory=DetectionParams)
    scoring: ScoreParams = field(default_factory=ScoreParams)
    training: TrainParams = field(default_factory=TrainParams)
    screening_day: DayParams = field(default_factory=DayParams)

    def __post_init__(self) -> None:
        if not 1 <= self.lookback_days <= MAX_LOOKBACK_DAYS:
            raise ConfigError(
                f"lookback days must be between 1 and {MAX_LOOKBACK_DAYS}, got {self.lookback_days}"
            )


def load_settings(path: Path | str | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Settings:
    """The defaults, then the TOML file at ``path``, then ``overrides`` (dotted keys such as
    ``"ingest.format"``, from command-line options; ``None`` values are left out).

    Raises :class:`ConfigError` naming the file and the key of any bad setting.
    """
    settings = Settings()
    if path is not None:
        try:
            settings = config.apply(settings, config.read_toml(Path(path)))
        except ConfigError as exc:
            where = str(path)
            raise ConfigError(str(exc) if str(exc).startswith(where) else f"{where}: {exc}") from exc
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    return config.apply(settings, config.unflatten(given)) if given else settings


def settings_record(settings: Settings) -> dict[str, Any]:
    """What a run records of its settings: every value, and those that differ from defaults."""
    return {"values": config.as_dict(settings),
            "changed": config.differences(settings, Settings())}


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
