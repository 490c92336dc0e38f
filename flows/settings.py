"""The one typed settings object flows pass down, and where things are by default.

The paths and :func:`prefect_environment` live in :mod:`vessel_risk.common.workspace` (light to import,
for the CLI's early checks) and are re-exported here.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vessel_risk.common import config
from vessel_risk.common.days import DayParams
from vessel_risk.common.errors import ConfigError
from vessel_risk.common.workspace import (  # noqa: F401  (re-exported)
    CACHE_DIR,
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_MODEL,
    DEFAULT_OUT,
    MAX_LOOKBACK_DAYS,
    PROJECT_ROOT,
    SAMPLE_AIS,
    SAMPLE_DIR,
    SAMPLE_MODEL_NOTE,
    SAMPLE_OUTCOMES,
    SAMPLE_REGISTRY,
    WORKSPACE,
    prefect_environment,
)
from vessel_risk.features.build import DetectionParams
from vessel_risk.ingest.ais import IngestParams
from vessel_risk.models.score import ScoreParams
from vessel_risk.models.train import TrainParams
from vessel_risk.report.params import ReportParams
from vessel_risk.storage.transaction import StoreParams


@dataclass(frozen=True)
class Settings:
    """Every tunable of a run, validated once.

    Each field (and each field of a nested ``...Params``) is a key of the ``--config`` TOML file:
    see :func:`load_settings`.
    """

    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    # Where derived data built once per machine is kept (the packed land mask), as a path.
    cache_dir: str = str(CACHE_DIR)
    ingest: IngestParams = field(default_factory=IngestParams)
    detection: DetectionParams = field(default_factory=DetectionParams)
    scoring: ScoreParams = field(default_factory=ScoreParams)
    training: TrainParams = field(default_factory=TrainParams)
    report: ReportParams = field(default_factory=ReportParams)
    screening_day: DayParams = field(default_factory=DayParams)
    store: StoreParams = field(default_factory=StoreParams)

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
