"""The training table: features as of the day before each outcome, joined to its label.

A boarding on day D was decided on what was known by the end of D-1, so an outcome's features
describe the lookback window ending D-1: nothing seen on the boarding day (or after) counts.

Built once over the stored history, not re-screened per outcome date: tracks and events are
computed once on the whole period the outcomes look at (``features.build.screen``), then every
outcome's window is aggregated from those events (``features.evidence.window_features``, the
same function the daily screening uses) and its registry condition is taken as of its own day.
Cost grows with the history and the number of outcomes, not with dates x history.

What the once-only detection can see that a day's screening could not: an event that starts in
a window and ends after it (its hours are clipped at the window's end, so its length does not
leak), and a broadcast IMO heard after the window links the vessel to the registry (identity
only, no behaviour).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features import catalog, evidence
from vessel_risk.features.build import DetectionParams, Reference, Window, screen
from vessel_risk.features.condition import condition_features
from vessel_risk.ingest.registry import Registry


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
    columns = [c.DATE, c.MMSI, c.LABEL, *catalog.FEATURE_NAMES]
    if outcomes.empty:
        return TrainingTable(pd.DataFrame(columns=columns), 0)
    keys = outcomes[[c.DATE, c.MMSI, c.LABEL]].reset_index(drop=True)
    keys[evidence.AS_OF] = keys[c.DATE].map(lambda d: d - timedelta(days=1))
    first, last = keys[evidence.AS_OF].min(), keys[evidence.AS_OF].max()
    history = Window(last, (last - first).days + lookback_days)
    found = screen(positions, statics, registry, history, detection, reference)  # once, over all

    rows = evidence.window_features(
        keys, found.events, found.activity, found.vessels.set_index(c.MMSI)[c.SHIP_TYPE],
        evidence.EvidenceParams(lookback_days))
    rows = evidence.mark_unjudged(rows, found.links, registry)
    rows[c.DATE], rows[c.LABEL] = keys[c.DATE].to_numpy(), keys[c.LABEL].to_numpy()
    heard = rows[catalog.DAYS_SEEN].to_numpy() > 0
    rows = rows.loc[heard].reset_index(drop=True)
    links = found.links.set_index(c.MMSI)
    parts = []
    for as_of, group in rows.groupby(evidence.AS_OF, sort=True):  # registry only, per day
        mine = links.reindex(group[c.MMSI].unique()).rename_axis(c.MMSI).reset_index()
        condition = condition_features(mine, registry, as_of, detection.condition)
        parts.append(group.merge(condition, on=c.MMSI, how="left"))
    table = pd.concat(parts, ignore_index=True) if parts else rows.reindex(columns=columns)
    table = table.sort_values([c.DATE, c.MMSI], kind="mergesort").reset_index(drop=True)
    table = table[columns].astype({name: "float64" for name in catalog.FEATURE_NAMES})
    return TrainingTable(table, int((~heard).sum()))
