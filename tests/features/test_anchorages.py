"""Tests of features.anchorages: anchorages and berths learned from ships lying still."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.features import builders as b
from vessel_risk.common import columns as c
from vessel_risk.common.errors import DetectionError
from vessel_risk.features.anchorages import (
    AnchorageParams,
    anchorage_cells,
    anchorage_evidence,
    learn_anchorages,
)
from vessel_risk.features.grid import cell_keys, member

ROADS = (55.30, 7.90)
H = pd.Timedelta(hours=1)


def _waiting(*mmsis: int, at: tuple[float, float] = ROADS, hours: float = 3.0) -> pd.DataFrame:
    return b.positions(*[b.stationary_track(m, at, hours, jitter_nm=0.05, seed=m) for m in mmsis])


def test_anchorage_evidence_gives_one_row_per_vessel_day_and_cell_it_lay_still_in() -> None:
    evidence = anchorage_evidence(b.tracks_at_place(_waiting(1, 2)))
    assert list(evidence.columns) == [c.DATE, *c.ANCHORAGE_EVIDENCE_COLUMNS]
    assert sorted(evidence[c.MMSI].unique()) == [1, 2]
    assert evidence[c.STATIONARY_H].max() == pytest.approx(3.0, abs=0.1)
    assert (evidence[c.DATE] == b.T0.date()).all()


def test_anchorage_evidence_ignores_moving_fishing_and_brief_stops() -> None:
    sailing = b.straight_track(1, ROADS, b.OPEN_SEA, 10.0)
    brief = b.stationary_track(2, ROADS, 0.2)
    assert anchorage_evidence(b.tracks_at_place(sailing, brief)).empty
    assert anchorage_evidence(b.tracks_at_place(_waiting(3), fishing=True)).empty


def test_learn_anchorages_needs_three_distinct_vessels() -> None:
    two = anchorage_evidence(b.tracks_at_place(_waiting(1, 2)))
    assert learn_anchorages(two).empty
    three = anchorage_evidence(b.tracks_at_place(_waiting(1, 2, 3)))
    learned = learn_anchorages(three)
    assert list(learned.columns) == c.ANCHORAGE_COLUMNS
    assert learned[c.VESSELS].max() == 3
    assert learned[c.LAT].iloc[0] == pytest.approx(ROADS[0], abs=0.01)


def test_learn_anchorages_grows_with_evidence_of_earlier_days() -> None:
    monday = anchorage_evidence(b.tracks_at_place(_waiting(1, 2)))
    tuesday = anchorage_evidence(b.tracks_at_place(
        b.stationary_track(3, ROADS, 3.0, t0=b.T0 + 24 * H, jitter_nm=0.05, seed=3)))
    assert learn_anchorages(tuesday).empty
    assert len(learn_anchorages(pd.concat([monday, tuesday], ignore_index=True))) >= 1


def test_anchorage_cells_include_a_buffer_round_each_learned_cell() -> None:
    learned = learn_anchorages(anchorage_evidence(b.tracks_at_place(_waiting(1, 2, 3))))
    cells = anchorage_cells(learned)
    params = AnchorageParams()
    near = (ROADS[0] + 0.012, ROADS[1])  # the next cell north
    far = (ROADS[0] + 0.05, ROADS[1])
    keys = cell_keys([near[0], far[0]], [near[1], far[1]], params.cell_deg)
    assert member(keys, cells).tolist() == [True, False]


def test_learn_anchorages_raises_naming_missing_columns() -> None:
    with pytest.raises(DetectionError, match=c.FIRST_SEEN):
        learn_anchorages(pd.DataFrame({c.MMSI: [1], c.LAT: [1.0], c.LON: [1.0]}))
