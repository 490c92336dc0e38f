"""The training table: features as of the day before each outcome, joined to its label.

A boarding on day D was decided on what was known by the end of D-1, so features are computed for
the window ending D-1: nothing seen on the boarding day (or after) leaks into training.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd

from features.build import DetectionParams, Reference, Window, screen
from ingest.registry import Registry
from vessel_risk import columns as c


@dataclass(frozen=True)
class TrainingTable:
    rows: pd.DataFrame  # date, mmsi, label and every catalog feature
    outcomes_without_ais: int  # outcomes whose vessel was not heard in its window


def training_table(
    positions: pd.DataFrame,
    statics: pd.DataFrame,
    registry: Registry | None,
    outcomes: pd.DataFrame,
    lookback_days: int,
    detection: DetectionParams = DetectionParams(),
    reference: Reference | None = None,
) -> TrainingTable:
    """One row per outcome whose vessel was heard in the window before the outcome's date."""
    parts = []
    missing = 0
    for day in sorted(outcomes[c.DATE].unique()):
        todays = outcomes[outcomes[c.DATE] == day]
        window = Window(day - timedelta(days=1), lookback_days)
        features = screen(positions, statics, registry, window, detection, reference).features
        joined = todays[[c.DATE, c.MMSI, c.LABEL]].merge(features, on=c.MMSI, how="inner")
        missing += len(todays) - len(joined)
        parts.append(joined)
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return TrainingTable(rows, missing)
