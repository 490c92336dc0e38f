"""Tests of features.coverage: where and when the receivers hear vessels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.features import builders as b
from vessel_risk.common import columns as c
from vessel_risk.features.coverage import (
    CoverageParams,
    coverage_table,
    learn_coverage,
    nominal_interval_s,
)

H = pd.Timedelta(hours=1)
HOLE = (55.70, 6.10)  # a cell centre: no position of the test sits on a cell edge
US_PER_H = 3_600_000_000


def _t_us(hours: float) -> int:
    return int((b.T0 + hours * H).value // 1000)


def test_coverage_well_heard_cell_is_covered_and_unknown_depends_on_the_question() -> None:
    heard = [b.stationary_track(m, b.OPEN_SEA, 10.0, interval_min=6.0, jitter_nm=0.2, seed=m)
             for m in (1, 2)]
    cov = learn_coverage(b.tracks_at_place(*heard))
    lat, lon = [b.OPEN_SEA[0], 58.0], [b.OPEN_SEA[1], 3.0]
    t = [_t_us(5.0)] * 2
    assert cov.covered(lat, lon, t).tolist() == [True, True]  # nobody sailed at 58N 3E
    assert cov.covered(lat, lon, t, unknown_covered=False).tolist() == [True, False]
    assert cov.interval_h(lat, lon)[0] == pytest.approx(0.1)


def test_coverage_learns_a_hole_from_three_vessels_going_silent_across_it() -> None:
    west, east = (HOLE[0], HOLE[1] - 0.3), (HOLE[0], HOLE[1] + 0.3)
    parts = []
    for m in (1, 2, 3):
        t0 = b.T0 + m * H
        parts += [b.straight_track(m, (HOLE[0], HOLE[1] - 0.8), west, 10.0, t0=t0),
                  b.straight_track(m, east, (HOLE[0], HOLE[1] + 0.8), 10.0, t0=t0 + 3 * H)]
    cov = learn_coverage(b.tracks_at_place(*parts))
    assert not cov.covered([HOLE[0]], [HOLE[1]], [_t_us(4.0)])[0]
    cov2 = learn_coverage(b.tracks_at_place(*parts[:4]))  # two vessels: not yet a hole
    assert cov2.covered([HOLE[0]], [HOLE[1]], [_t_us(4.0)])[0]


def test_coverage_calls_a_thinned_feed_poorly_heard() -> None:
    thinned = [b.stationary_track(m, b.OPEN_SEA, 30.0, interval_min=120.0) for m in (1, 2, 3)]
    cov = learn_coverage(b.tracks_at_place(*thinned))
    assert not cov.covered([b.OPEN_SEA[0]], [b.OPEN_SEA[1]], [_t_us(5.0)])[0]


def test_coverage_finds_receiver_outage_hours_in_a_busy_region() -> None:
    busy = [b.stationary_track(m, b.OPEN_SEA, 24.0, interval_min=1.0, jitter_nm=0.1, seed=m)
            for m in range(1, 6)]
    pos = b.positions(*busy)
    hour = (pos[c.TIMESTAMP] - b.T0) / H
    cov = learn_coverage(b.tracks_at_place(pos[(hour < 10) | (hour >= 13)]))
    lat, lon = [b.OPEN_SEA[0]] * 2, [b.OPEN_SEA[1]] * 2
    assert cov.covered(lat, lon, [_t_us(11.5), _t_us(15.0)]).tolist() == [False, True]


def test_coverage_area_end_is_the_last_fix_heard_in_the_region() -> None:
    early = b.stationary_track(1, b.OPEN_SEA, 2.0)
    late = b.stationary_track(2, (b.OPEN_SEA[0] + 0.05, b.OPEN_SEA[1]), 9.0)  # same region
    cov = learn_coverage(b.tracks_at_place(early, late))
    assert cov.area_end([b.OPEN_SEA[0], 10.0], [b.OPEN_SEA[1], 10.0]).tolist() == [_t_us(9.0), -1]


def test_coverage_heard_during_counts_other_vessels_in_the_cells_and_hours() -> None:
    parts = [b.stationary_track(m, b.OPEN_SEA, 6.0, jitter_nm=0.1, seed=m) for m in (1, 2, 3)]
    cov = learn_coverage(b.tracks_at_place(*parts))
    lat, lon = np.array([b.OPEN_SEA[0]]), np.array([b.OPEN_SEA[1]])
    assert cov.heard_during(lat, lon, _t_us(1.0), _t_us(2.0), exclude_mmsi=1) == 2
    assert cov.heard_during(lat, lon, _t_us(8.0), _t_us(9.0), exclude_mmsi=1) == 0


def test_coverage_table_gives_one_row_per_cell_and_hour_with_heard_share() -> None:
    sailing = b.straight_track(1, b.OPEN_SEA, (55.5, 7.2), 10.0, interval_min=6.0)
    table = coverage_table(b.tracks_at_place(sailing))
    assert list(table.columns) == c.COVERAGE_COLUMNS
    assert table[c.FIXES].sum() == len(sailing)
    assert table[c.HEARD_SHARE].between(0, 1).all()
    # a class A ship at 10 kn sends every 10 s: a fix every 6 min is 1/36 of what it sent
    assert table[c.HEARD_SHARE].median() == pytest.approx(1 / 36, rel=0.05)


def test_nominal_interval_follows_itu_reporting_rates() -> None:
    sog = np.array([0.0, 10.0, 20.0, 30.0, 1.0, 5.0, np.nan])
    types = np.array([1, 1, 1, 1, 18, 18, 1])
    assert nominal_interval_s(sog, types).tolist() == [180, 10, 6, 2, 180, 30, 10]


def test_coverage_params_are_settable() -> None:
    thinned = [b.stationary_track(m, b.OPEN_SEA, 30.0, interval_min=120.0) for m in (1, 2, 3)]
    cov = learn_coverage(b.tracks_at_place(*thinned), CoverageParams(max_interval_h=3.0))
    assert cov.covered([b.OPEN_SEA[0]], [b.OPEN_SEA[1]], [_t_us(5.0)])[0]
