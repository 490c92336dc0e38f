"""Label probability: rises with behaviour seen before the date and with poor condition."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.simulator.fleet import make_fleet
from vessel_risk.simulator.outcomes import label_probability

VESSEL = next(v for v in make_fleet(30, np.random.default_rng(1)) if v.role == "cargo")


def _truth(kind: str, start: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.MMSI: [VESSEL.mmsi],
            c.EVENT_TYPE: [kind],
            c.START: [start],
            c.END: [start],
            c.OTHER_MMSI: [pd.NA],
            c.DETAIL: [""],
        }
    )


def test_behaviour_before_the_date_raises_the_probability() -> None:
    none = label_probability(
        VESSEL, _truth(c.GAP, "2026-11-01T00:00:00Z"), "NL", 0, date(2026, 11, 19)
    )
    gap = label_probability(
        VESSEL, _truth(c.GAP, "2026-11-17T03:00:00Z"), "NL", 0, date(2026, 11, 19)
    )
    assert gap > none + 0.1


def test_behaviour_on_or_after_the_date_is_not_seen() -> None:
    later = label_probability(
        VESSEL, _truth(c.GAP, "2026-11-19T03:00:00Z"), "NL", 0, date(2026, 11, 19)
    )
    clean = label_probability(
        VESSEL, _truth(c.GAP, "2026-10-01T00:00:00Z"), "NL", 0, date(2026, 11, 19)
    )
    assert later == clean


def test_poor_flag_and_detentions_raise_the_probability() -> None:
    t = _truth(c.GAP, "2026-10-01T00:00:00Z")
    base = label_probability(VESSEL, t, "NL", 0, date(2026, 11, 19))
    assert label_probability(VESSEL, t, "KM", 0, date(2026, 11, 19)) > base
    assert label_probability(VESSEL, t, "NL", 2, date(2026, 11, 19)) > base
