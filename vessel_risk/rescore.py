"""Rescore a stored day with another model, without re-ingesting."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from vessel_risk import storage
from vessel_risk.common import columns as c
from vessel_risk.models.card import load_model
from vessel_risk.models.score import risk_list
from vessel_risk.storage.layout import final_path
from vessel_risk.storage.transaction import transaction
from vessel_risk.views import latest_day

RESCORES = "rescores"


def rescore(out: Path, day: date | None, model_dir: Path, mmsis: list[int]) -> tuple[pd.DataFrame, Path]:
    """Score the day's stored features with ``model_dir``; rank among all the day's vessels, then
    keep ``mmsis`` (all when empty). Written to ``<out>/rescores/date=DAY``."""
    model = load_model(model_dir)
    with transaction(out) as staged:  # a writer: the store's lock, one commit
        day = day or latest_day(staged, storage.FEATURES)
        features = storage.read_partition(staged, storage.FEATURES, day).drop(columns=[c.DATE])
        vessels = storage.read_partition(staged, storage.VESSELS, day).drop(columns=[c.DATE])
        events = storage.read_partition(staged, storage.EVENTS, day).drop(columns=[c.DATE])
        listed = risk_list(features, vessels, events, model, day)
        if mmsis:
            listed = listed[listed[c.MMSI].isin(mmsis)].reset_index(drop=True)
        written = storage.write_partition(listed, staged, RESCORES, day)
    return listed, final_path(written, staged)
