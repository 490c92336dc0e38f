"""Tests of features.gaps.detect_gaps: AIS dark periods at sea, where the vessel would be heard."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.features import builders as b
from vessel_risk.common import columns as c
from vessel_risk.common.errors import DetectionError
from vessel_risk.features.gaps import GapParams, detect_gaps

H = pd.Timedelta(hours=1)
ESBJERG_BERTH = (55.465, 8.44)
NEAR_SEA_PLACE = (55.00, 7.40)  # 9 nm from OPEN_SEA, still at sea
HOLE = (55.60, 6.00)  # a patch of sea the receivers do not reach


def _dark_then_back(mmsi: int, dark_h: float, first: tuple[float, float] = b.OPEN_SEA,
                    then: tuple[float, float] = NEAR_SEA_PLACE, interval_min: float = 3.0
                    ) -> pd.DataFrame:
    """Two hours at ``first``, silent for ``dark_h``, then two hours at ``then``."""
    before = b.stationary_track(mmsi, first, 2.0, interval_min=interval_min)
    after = b.stationary_track(mmsi, then, 2.0, t0=b.T0 + (2.0 + dark_h) * H,
                               interval_min=interval_min)
    return b.positions(before, after)


def _heard_all_along(*mmsis: int, hours: float = 14.0) -> list[pd.DataFrame]:
    """Vessels lying near OPEN_SEA and NEAR_SEA_PLACE, heard every 6 minutes for ``hours``."""
    return [b.stationary_track(m, b.OPEN_SEA if i % 2 else NEAR_SEA_PLACE, hours, interval_min=6.0,
                               jitter_nm=0.2, seed=m, sog_knots=1.5)
            for i, m in enumerate(mmsis)]


def _gaps(*parts: pd.DataFrame, params: GapParams = GapParams()) -> pd.DataFrame:
    ctx = b.context(*parts)
    return detect_gaps(ctx.tracks, ctx.coverage, ctx.ports, params)


def test_detect_gaps_finds_dark_period_at_sea_where_others_are_heard() -> None:
    events = _gaps(_dark_then_back(1, 8.0), *_heard_all_along(2, 3))
    assert len(events) == 1
    ev = events.iloc[0]
    assert ev[c.EVENT_TYPE] == c.GAP and ev[c.MMSI] == 1
    assert ev[c.START] == b.T0 + 2 * H and ev[c.END] == b.T0 + 10 * H
    assert ev[c.DURATION_H] == pytest.approx(8.0)
    assert (ev[c.LAT], ev[c.LON]) == pytest.approx(b.OPEN_SEA)
    assert ev[c.DETAIL].startswith("dark 8.0 h at sea 49 nm NNW of Helgoland, ")
    assert "where 2 other vessels were heard meanwhile" in ev[c.DETAIL]
    assert "reappeared 9 nm away, 46 nm SW of Esbjerg (avg 1.1 kn)" in ev[c.DETAIL]


def test_detect_gaps_finds_dark_period_in_open_water_nobody_else_sails() -> None:
    events = _gaps(_dark_then_back(1, 8.0))
    assert len(events) == 1
    assert "where 0 other vessels were heard meanwhile" in events[c.DETAIL].iloc[0]


def test_detect_gaps_says_where_vessel_reappeared() -> None:
    events = _gaps(_dark_then_back(1, 8.0, then=ESBJERG_BERTH))
    assert len(events) == 1
    assert "reappeared 54 nm away, in Esbjerg (avg 6.8 kn)" in events[c.DETAIL].iloc[0]


def test_detect_gaps_ignores_silence_at_berth() -> None:
    pos = _dark_then_back(1, 12.0, first=ESBJERG_BERTH, then=ESBJERG_BERTH)
    assert _gaps(pos).empty


def test_detect_gaps_ignores_silence_at_an_anchorage_learned_from_other_ships() -> None:
    anchorage = (55.30, 7.90)  # 9 nm off the coast: no port area, but three ships lie there
    waiting = [b.stationary_track(m, anchorage, 10.0, jitter_nm=0.05, seed=m) for m in (2, 3, 4)]
    pos = _dark_then_back(1, 12.0, first=anchorage, then=b.OPEN_SEA)
    assert _gaps(pos, *waiting).empty
    assert len(_gaps(pos, *waiting[:1])) == 1  # one ship there is no anchorage


def test_detect_gaps_ignores_silence_across_a_coverage_hole() -> None:
    west, east = (HOLE[0], HOLE[1] - 0.8), (HOLE[0], HOLE[1] + 0.8)

    def crossing(mmsi: int, t0: pd.Timestamp) -> list[pd.DataFrame]:
        """Heard up to the hole's edge, silent across it, heard again beyond (10 kn)."""
        return [b.straight_track(mmsi, west, (HOLE[0], HOLE[1] - 0.3), 10.0, t0=t0),
                b.straight_track(mmsi, (HOLE[0], HOLE[1] + 0.3), east, 10.0, t0=t0 + 3 * H)]

    others = [part for m in (2, 3, 4) for part in crossing(m, b.T0 + m * H)]
    dark = _dark_then_back(1, 9.0, first=(HOLE[0], HOLE[1] - 0.3), then=(HOLE[0], HOLE[1] + 0.3))
    assert _gaps(dark, *others).empty
    assert len(_gaps(dark, *others[:2])) == 1  # one other vessel's silence makes no hole


def test_detect_gaps_finds_nothing_in_a_thinned_feed() -> None:
    # a feed keeping one fix every 2 hours: 8 h without a fix is four missed fixes, not a gap
    thinned = [b.stationary_track(m, b.OPEN_SEA, 40.0, interval_min=120.0, sog_knots=1.0)
               for m in (2, 3, 4)]
    dark = _dark_then_back(1, 8.0, interval_min=120.0)
    assert _gaps(dark, *thinned).empty


def test_detect_gaps_ignores_normal_reporting_intervals() -> None:
    sailing = b.straight_track(1, b.OPEN_SEA, NEAR_SEA_PLACE, 10.0, interval_min=3.0)
    patchy = _dark_then_back(2, 3.0)
    assert _gaps(sailing, patchy).empty


def test_detect_gaps_counts_a_gap_of_exactly_the_minimum() -> None:
    assert len(_gaps(_dark_then_back(1, 6.0))) == 1
    assert _gaps(_dark_then_back(1, 5.9)).empty


def test_detect_gaps_never_joins_two_vessels() -> None:
    first = b.stationary_track(1, b.OPEN_SEA, 2.0)
    second = b.stationary_track(2, b.OPEN_SEA, 2.0, t0=b.T0 + 12 * H)
    events = _gaps(first, second)
    # vessel 1 is still dark while vessel 2 is heard at its place; no gap runs from one to the other
    assert events[c.MMSI].tolist() == [1]
    assert events[c.DETAIL].iloc[0].startswith("still dark")


def test_detect_gaps_follows_params() -> None:
    assert len(_gaps(_dark_then_back(1, 3.0), params=GapParams(min_gap_h=2.0))) == 1
    assert _gaps(_dark_then_back(1, 8.0), params=GapParams(min_gap_h=9.0)).empty


def test_detect_gaps_reports_vessel_still_dark_until_the_last_message_heard_in_its_area() -> None:
    silent = b.stationary_track(1, b.OPEN_SEA, 2.0, sog_knots=0.5)
    neighbour = b.stationary_track(2, b.OPEN_SEA, 20.0, interval_min=6.0, jitter_nm=0.2, seed=2)
    events = _gaps(silent, neighbour)
    assert events[c.MMSI].tolist() == [1]
    assert events[c.START].iloc[0] == b.T0 + 2 * H and events[c.END].iloc[0] == b.T0 + 20 * H
    assert events[c.DETAIL].iloc[0].startswith("still dark: silent 18.0 h at sea ")
    assert "until the last message heard in its area (20:00 UTC)" in events[c.DETAIL].iloc[0]


def test_detect_gaps_open_gap_needs_minimum_silence_and_sea() -> None:
    at_sea = b.stationary_track(1, b.OPEN_SEA, 2.0)
    in_port = b.stationary_track(2, ESBJERG_BERTH, 2.0)
    short = b.stationary_track(3, b.OPEN_SEA, 7.0, interval_min=6.0, jitter_nm=0.2, seed=3)
    assert _gaps(at_sea, in_port, short).empty  # 5 h of silence only
    longer = b.stationary_track(3, b.OPEN_SEA, 9.0, interval_min=6.0, jitter_nm=0.2, seed=3)
    assert _gaps(at_sea, in_port, longer)[c.MMSI].tolist() == [1]


def test_detect_gaps_does_not_call_a_vessel_sailing_out_of_range_still_dark() -> None:
    leaving = b.straight_track(1, NEAR_SEA_PLACE, b.OPEN_SEA, 12.0, interval_min=6.0)
    neighbour = b.stationary_track(2, b.OPEN_SEA, 20.0, interval_min=6.0, jitter_nm=0.2, seed=2)
    assert _gaps(leaving, neighbour).empty  # it steamed on, out of the cells anyone is heard in


def test_detect_gaps_returns_contract_columns_and_does_not_modify_tracks() -> None:
    ctx = b.context(_dark_then_back(1, 8.0), *_heard_all_along(2, hours=30.0))
    before = ctx.tracks.copy()
    events = detect_gaps(ctx.tracks, ctx.coverage, ctx.ports)
    assert list(events.columns) == c.EVENT_COLUMNS and len(events) == 2  # closed, still dark
    pd.testing.assert_frame_equal(ctx.tracks, before)


def test_detect_gaps_of_empty_tracks_is_empty() -> None:
    ctx = b.context(b.stationary_track(1, b.OPEN_SEA, 1.0))
    events = detect_gaps(ctx.tracks.iloc[:0], ctx.coverage, ctx.ports)
    assert events.empty and list(events.columns) == c.EVENT_COLUMNS


def test_detect_gaps_raises_detection_error_naming_missing_column() -> None:
    ctx = b.context(_dark_then_back(1, 8.0))
    with pytest.raises(DetectionError, match=c.PLACE):
        detect_gaps(ctx.tracks.drop(columns=[c.PLACE]), ctx.coverage, ctx.ports)


def test_detect_gaps_rejects_unsorted_tracks() -> None:
    ctx = b.context(_dark_then_back(1, 8.0))
    with pytest.raises(DetectionError, match="sorted"):
        detect_gaps(ctx.tracks.iloc[::-1].reset_index(drop=True), ctx.coverage, ctx.ports)
