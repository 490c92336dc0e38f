"""A small labelled training table: vessels whose behaviour features drive their label."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features import catalog


def training_rows(n: int = 400, seed: int = 1, days: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = pd.DataFrame({
        c.DATE: [date(2026, 11, 16) + timedelta(days=int(d)) for d in rng.integers(0, days, n)],
        c.MMSI: 219_000_000 + np.arange(n),
    })
    for name in catalog.FEATURE_NAMES:
        rows[name] = rng.poisson(0.3, n).astype("float64")
    for name in (catalog.WATCHLIST_HIT, catalog.INVALID_MMSI, catalog.FLAG_MISMATCH,
                 catalog.MET_WATCHLISTED):  # rare facts: set them where a test needs them
        rows[name] = 0.0
    rows[catalog.AGE_YEARS] = rng.uniform(1, 40, n)
    rows.loc[rng.random(n) < 0.2, catalog.AGE_YEARS] = np.nan  # not in registry
    risk = 1.5 * rows[catalog.GAP_COUNT] + 1.5 * rows[catalog.ENCOUNTER_COUNT] - 1.5
    rows[c.LABEL] = (rng.random(n) < 1 / (1 + np.exp(-risk))).astype("int64")
    return rows
