"""Tests of features.identity_shared.detect_identity_shared: two transmitters on one MMSI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.features import builders as b
from vessel_risk.common import columns as c
from vessel_risk.common.errors import ConfigError, DetectionError
from vessel_risk.features.identity_shared import IdentitySharedParams, detect_identity_shared
from vessel_risk.features.spoofing import implausible_jumps

M = pd.Timedelta(minutes=1)
H = pd.Timedelta(hours=1)
OTHER_SEA = (56.50, 5.00)  # 122 nm from OPEN_SEA


def _interleaved(mmsi: int, first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Two transmitters' fixes on one MMSI: the second's fixes shifted to fall between the first's."""
    first, second = first.copy(), second.copy()
    first[c.MMSI] = second[c.MMSI] = mmsi
    second[c.TIMESTAMP] = second[c.TIMESTAMP] + 1.5 * M
    return b.positions(first, second)


def test_detect_identity_shared_finds_two_transmitters_lying_still() -> None:
    pos = _interleaved(7, b.stationary_track(0, b.OPEN_SEA, 2.0),
                       b.stationary_track(0, OTHER_SEA, 2.0))
    events = detect_identity_shared(b.tracks(pos))
    assert len(events) == 1
    ev = events.iloc[0]
    assert ev[c.EVENT_TYPE] == c.IDENTITY_SHARED and ev[c.MMSI] == 7
    assert (ev[c.LAT], ev[c.LON]) == pytest.approx(b.OPEN_SEA)
    assert ev[c.START] == b.T0 and ev[c.END] >= b.T0 + 1.9 * H
    assert "two transmitters on one MMSI" in ev[c.DETAIL]
    assert "~54.90N 7.20E and ~56.50N 5.00E, ~122 nm apart" in ev[c.DETAIL]


def test_detect_identity_shared_finds_two_transmitters_under_way() -> None:
    north = b.straight_track(0, b.OPEN_SEA, (55.30, 7.20), 12.0, interval_min=3.0)
    west = b.straight_track(0, OTHER_SEA, (56.50, 4.30), 12.0, interval_min=3.0)
    events = detect_identity_shared(b.tracks(_interleaved(7, north, west)))
    assert events[c.MMSI].tolist() == [7]


def test_detect_identity_shared_ignores_a_stray_fix_and_a_teleport() -> None:
    stray = b.stationary_track(1, b.OPEN_SEA, 2.0)
    stray.loc[stray.index[20], [c.LAT, c.LON]] = OTHER_SEA
    here = b.stationary_track(2, b.OPEN_SEA, 1.0)
    there = b.stationary_track(2, OTHER_SEA, 1.0, t0=b.T0 + 63 * M)
    assert detect_identity_shared(b.tracks(stray, here, there)).empty


def test_detect_identity_shared_ignores_repeated_glitches_to_random_places() -> None:
    pos = b.stationary_track(1, b.OPEN_SEA, 3.0)
    rng = np.random.default_rng(2)
    glitches = pos.index[10::6][:8]  # eight stray fixes, each somewhere else, in 3 h
    pos.loc[glitches, c.LAT] = rng.uniform(50.0, 60.0, len(glitches))
    pos.loc[glitches, c.LON] = rng.uniform(-5.0, 15.0, len(glitches))
    assert detect_identity_shared(b.tracks(pos)).empty


def test_detect_identity_shared_ignores_two_vessels_with_their_own_mmsi() -> None:
    pos = b.positions(b.stationary_track(1, b.OPEN_SEA, 2.0), b.stationary_track(2, OTHER_SEA, 2.0))
    assert detect_identity_shared(b.tracks(pos)).empty


def test_detect_identity_shared_needs_alternations_close_in_time() -> None:
    legs = [
        b.stationary_track(7, b.OPEN_SEA if k % 2 == 0 else OTHER_SEA, 4.9, t0=b.T0 + k * 5 * H)
        for k in range(6)
    ]  # switches place every 5 h: alternations 10 h apart
    tracks = b.tracks(*legs)
    assert detect_identity_shared(tracks).empty
    assert len(detect_identity_shared(tracks, IdentitySharedParams(window_h=12.0))) == 1


def test_detect_identity_shared_does_not_modify_tracks() -> None:
    tracks = b.tracks(_interleaved(7, b.stationary_track(0, b.OPEN_SEA, 1.0),
                                   b.stationary_track(0, OTHER_SEA, 1.0)))
    before = tracks.copy()
    events = detect_identity_shared(tracks)
    assert list(events.columns) == c.EVENT_COLUMNS
    pd.testing.assert_frame_equal(tracks, before)


def test_detect_identity_shared_raises_detection_error_naming_missing_column() -> None:
    tracks = b.tracks(b.stationary_track(1, b.OPEN_SEA, 1.0)).drop(columns=[c.DIST_NM])
    with pytest.raises(DetectionError, match=c.DIST_NM):
        detect_identity_shared(tracks)


def test_identity_shared_params_reject_zero_alternations() -> None:
    with pytest.raises(ConfigError, match="min_alternations"):
        IdentitySharedParams(min_alternations=0)


def test_detect_identity_shared_ignores_isolated_glitches_across_a_large_fleet() -> None:
    tracks = b.fleet_tracks()
    params = IdentitySharedParams()
    jumps = implausible_jumps(tracks, params.max_speed_knots, params.min_jump_nm)
    assert jumps.sum() > b.FLEET_GLITCHES  # out and back: plenty of jumps to misread
    assert detect_identity_shared(tracks, params).empty
