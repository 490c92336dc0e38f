"""Tests of features.context.situate: port, anchorage, sea or land for every fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.features import builders as b
from vessel_risk.common import columns as c
from vessel_risk.features.context import ContextParams, situate
from vessel_risk.features.land import LandMask

ESBJERG_BERTH = (55.465, 8.44)
ROADS = (55.30, 7.90)  # 9 nm off the coast, no port within 3 nm
BIRMINGHAM = (52.48, -1.90)


def _places(tracks: pd.DataFrame) -> dict[int, set[str]]:
    return {int(m): set(g[c.PLACE].astype(str)) for m, g in tracks.groupby(c.MMSI)}


def test_situate_puts_fixes_within_the_port_radius_in_port_and_names_it() -> None:
    tracks = b.tracks(b.stationary_track(1, ESBJERG_BERTH, 1.0), b.stationary_track(2, ROADS, 1.0))
    assert _places(tracks) == {1: {c.PLACE_PORT}, 2: {c.PLACE_SEA}}
    assert set(tracks.loc[tracks[c.MMSI] == 1, c.PORT_NAME]) == {"Esbjerg"}
    assert tracks.loc[tracks[c.MMSI] == 2, c.PORT_NAME].isna().all()


def test_situate_learns_an_anchorage_where_three_ships_lay_still() -> None:
    ships = [b.stationary_track(m, ROADS, 4.0, jitter_nm=0.05, seed=m) for m in (1, 2, 3)]
    ctx = b.context(*ships)
    assert _places(ctx.tracks) == {m: {c.PLACE_ANCHORAGE} for m in (1, 2, 3)}
    assert len(ctx.anchorages) >= 1 and set(ctx.evidence[c.MMSI]) == {1, 2, 3}


def test_situate_remembers_anchorages_from_history() -> None:
    earlier = b.context(*[b.stationary_track(m, ROADS, 4.0, jitter_nm=0.05, seed=m)
                          for m in (1, 2, 3)]).evidence
    today = b.positions(b.stationary_track(4, ROADS, 4.0, t0=b.T0 + pd.Timedelta(days=1)))
    alone = situate(today, b.statics(), b.ports())
    assert _places(alone.tracks) == {4: {c.PLACE_SEA}}
    known = situate(today, b.statics(), b.ports(), history=earlier)
    assert _places(known.tracks) == {4: {c.PLACE_ANCHORAGE}}


def test_situate_takes_anchored_status_near_a_port_as_anchorage_but_not_far_out() -> None:
    near = b.stationary_track(1, (55.40, 8.25), 3.0)  # ~8 nm off Esbjerg
    far = b.stationary_track(2, b.OPEN_SEA, 3.0)
    pos = b.positions(near, far)
    pos[c.NAV_STATUS] = 1.0  # at anchor
    tracks = situate(pos, b.statics(), b.ports()).tracks
    assert _places(tracks) == {1: {c.PLACE_ANCHORAGE}, 2: {c.PLACE_SEA}}


def test_situate_takes_lying_slow_off_the_port_entered_next_as_waiting_at_anchorage() -> None:
    off_esbjerg = (55.43, 8.30)  # 5 nm off the port position
    wait = b.stationary_track(1, off_esbjerg, 6.0, sog_knots=0.1)
    enter = b.straight_track(1, off_esbjerg, ESBJERG_BERTH, 8.0, t0=b.T0 + pd.Timedelta(hours=6.1))
    tracks = b.tracks(wait, enter)
    waiting = tracks[tracks[c.TIMESTAMP] <= b.T0 + pd.Timedelta(hours=6)]
    assert (waiting[c.PLACE] == c.PLACE_ANCHORAGE).all()
    elsewhere = b.tracks(wait)  # it never went in: lying there is at sea
    assert (elsewhere[c.PLACE] == c.PLACE_SEA).all()


def test_situate_flags_fishing_vessels_and_fishing_fixes() -> None:
    boat = b.stationary_track(1, ROADS, 1.0)
    other = b.stationary_track(2, ROADS, 1.0)
    pos = b.positions(boat, other)
    pos.loc[pos[c.MMSI] == 2, c.NAV_STATUS] = 7.0  # engaged in fishing
    tracks = situate(pos, b.statics((1, 30)), b.ports()).tracks
    assert tracks[c.FISHING].all()


def test_situate_of_no_positions_gives_empty_tracks_and_tables() -> None:
    ctx = situate(b.positions(b.stationary_track(1, ROADS, 1.0)).iloc[:0], b.statics(), b.ports())
    assert ctx.tracks.empty and ctx.anchorages.empty and ctx.evidence.empty
    assert not ctx.coverage.covered([ROADS[0]], [ROADS[1]], [0], unknown_covered=False)[0]


def test_situate_does_not_modify_its_inputs() -> None:
    pos = b.positions(b.stationary_track(1, ROADS, 1.0))
    before = pos.copy()
    situate(pos, b.statics(), b.ports())
    pd.testing.assert_frame_equal(pos, before)


def test_situate_says_how_often_vessels_are_heard_where_each_fix_is() -> None:
    heard = [b.stationary_track(m, ROADS, 2.0, interval_min=6.0, jitter_nm=0.2, seed=m,
                                sog_knots=3.0) for m in (1, 2)]
    tracks = b.tracks(*heard)
    assert tracks[c.AREA_HEARD_EVERY_MIN].median() == pytest.approx(6.0)


def test_situate_follows_params() -> None:
    tracks = situate(b.positions(b.stationary_track(1, ROADS, 1.0)), b.statics(), b.ports(),
                     params=ContextParams(port_radius_nm=25.0)).tracks
    assert _places(tracks) == {1: {c.PLACE_PORT}}


@pytest.mark.slow
def test_situate_with_land_mask_calls_deep_inland_fixes_land_and_harbour_basins_berths(
        land_mask: LandMask) -> None:
    inland = b.stationary_track(1, BIRMINGHAM, 1.0, sog_knots=5.0)
    harbour = b.stationary_track(2, (53.55, 9.96), 2.0)  # a Hamburg basin, no port list given
    tracks = situate(b.positions(inland, harbour), b.statics(), b.ports([]), land_mask).tracks
    assert _places(tracks) == {1: {c.PLACE_LAND}, 2: {c.PLACE_LAND}}
    near = situate(b.positions(harbour), b.statics(), b.ports([("Hamburg", 53.55, 9.93)]),
                   land_mask).tracks
    assert _places(near) == {2: {c.PLACE_PORT}}


@pytest.mark.slow
def test_situate_treats_a_busy_waterway_on_land_as_water(land_mask: LandMask) -> None:
    river = (51.507, -0.087)  # the Thames at London: land to the 1 km mask
    barges = [b.stationary_track(m, river, 2.0, sog_knots=4.0, jitter_nm=0.1, seed=m)
              for m in (1, 2, 3)]
    tracks = situate(b.positions(*barges), b.statics(), b.ports([]), land_mask).tracks
    assert not (tracks[c.PLACE] == c.PLACE_LAND).any()
    assert np.isin(tracks[c.PLACE].astype(str), [c.PLACE_SEA, c.PLACE_ANCHORAGE]).all()
