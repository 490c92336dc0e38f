"""Tests of features.spoofing.detect_spoofing: implausible position jumps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.features import builders as b
from vessel_risk.common import columns as c
from vessel_risk.common.errors import DetectionError
from vessel_risk.features.spoofing import SpoofingParams, detect_spoofing

M = pd.Timedelta(minutes=1)
FAR_AWAY = (56.50, 5.00)  # 122 nm from OPEN_SEA


def _teleport(mmsi: int = 1) -> pd.DataFrame:
    """An hour at OPEN_SEA, then six minutes later an hour at FAR_AWAY."""
    here = b.stationary_track(mmsi, b.OPEN_SEA, 1.0)
    there = b.stationary_track(mmsi, FAR_AWAY, 1.0, t0=b.T0 + 66 * M)
    return b.positions(here, there)


def _stray_fix(mmsi: int = 1, stray_at: tuple[float, float] = FAR_AWAY) -> pd.DataFrame:
    """A vessel lying at OPEN_SEA whose fix at minute 30 lands at ``stray_at``."""
    pos = b.stationary_track(mmsi, b.OPEN_SEA, 1.0)
    stray = pos[c.TIMESTAMP] == b.T0 + 30 * M
    pos.loc[stray, [c.LAT, c.LON]] = stray_at
    return pos


def test_detect_spoofing_finds_position_jump() -> None:
    events = detect_spoofing(b.tracks(_teleport()))
    assert len(events) == 1
    ev = events.iloc[0]
    assert ev[c.EVENT_TYPE] == c.SPOOFING and ev[c.MMSI] == 1
    assert ev[c.START] == b.T0 + 60 * M and ev[c.END] == b.T0 + 66 * M
    assert (ev[c.LAT], ev[c.LON]) == pytest.approx(FAR_AWAY)
    assert ev[c.DETAIL].startswith("position jumped 122 nm in 6 min (implied 1,215 kn) to 56.50N 5.00E")


def test_detect_spoofing_reports_a_stray_fix_once() -> None:
    events = detect_spoofing(b.tracks(_stray_fix()))
    assert len(events) == 1
    assert (events[c.LAT].iloc[0], events[c.LON].iloc[0]) == pytest.approx(FAR_AWAY)
    assert events[c.END].iloc[0] == b.T0 + 30 * M
    assert events[c.DETAIL].iloc[0].endswith("back on track at the next fix")


def test_detect_spoofing_reports_out_and_back_separately_when_vessel_stays_away() -> None:
    away = b.stationary_track(1, FAR_AWAY, 0.5, t0=b.T0 + 66 * M)
    back = b.stationary_track(1, b.OPEN_SEA, 1.0, t0=b.T0 + 102 * M)
    events = detect_spoofing(b.tracks(_teleport(), away, back))
    assert len(events) == 2
    assert not events[c.DETAIL].str.contains("back on track").any()


def test_detect_spoofing_ignores_fast_craft_below_the_limit() -> None:
    ferry = b.straight_track(1, b.OPEN_SEA, FAR_AWAY, 40.0, interval_min=1.0)
    assert detect_spoofing(b.tracks(ferry)).empty


def test_detect_spoofing_ignores_gps_noise_and_timestamp_jitter() -> None:
    noisy = _stray_fix(stray_at=(b.OPEN_SEA[0] + 0.01, b.OPEN_SEA[1]))  # 0.6 nm off for a fix
    jitter = b.fixes(2, [b.T0, b.T0 + pd.Timedelta(seconds=1)], [55.0, 55.003], [7.0, 7.0])
    assert detect_spoofing(b.tracks(noisy, jitter)).empty


def test_detect_spoofing_ignores_long_move_during_dark_period() -> None:
    before = b.stationary_track(1, b.OPEN_SEA, 1.0)
    after = b.stationary_track(1, FAR_AWAY, 1.0, t0=b.T0 + 13 * 60 * M)  # 122 nm in 12 h
    assert detect_spoofing(b.tracks(before, after)).empty


def test_detect_spoofing_flags_two_places_at_the_same_instant() -> None:
    tracks = b.tracks(_teleport())
    jump_row = int(np.flatnonzero(tracks[c.DIST_NM] > 100)[0])
    tracks.loc[jump_row, c.DT_H] = 0.0  # as if both fixes carried one receive time
    tracks.loc[jump_row, c.IMPLIED_SPEED_KNOTS] = np.nan
    events = detect_spoofing(tracks)
    assert len(events) == 1 and "no time between fixes" in events[c.DETAIL].iloc[0]


def test_detect_spoofing_skips_excluded_vessels() -> None:
    tracks = b.tracks(_teleport(1), _stray_fix(2))
    assert detect_spoofing(tracks, exclude_mmsi=[1])[c.MMSI].tolist() == [2]
    assert detect_spoofing(tracks, exclude_mmsi=iter([1, 2])).empty


def test_detect_spoofing_follows_params() -> None:
    tracks = b.tracks(_teleport())
    assert detect_spoofing(tracks, SpoofingParams(min_jump_nm=200.0)).empty
    assert detect_spoofing(tracks, SpoofingParams(max_speed_knots=2_000.0)).empty


def test_detect_spoofing_does_not_modify_tracks() -> None:
    tracks = b.tracks(_teleport(), _stray_fix(2))
    before = tracks.copy()
    events = detect_spoofing(tracks)
    assert list(events.columns) == c.EVENT_COLUMNS
    pd.testing.assert_frame_equal(tracks, before)


def test_detect_spoofing_raises_detection_error_naming_missing_column() -> None:
    tracks = b.tracks(_teleport()).drop(columns=[c.IMPLIED_SPEED_KNOTS])
    with pytest.raises(DetectionError, match=c.IMPLIED_SPEED_KNOTS):
        detect_spoofing(tracks)


def test_detect_spoofing_finds_most_glitches_of_a_large_fleet_and_nothing_else() -> None:
    events = detect_spoofing(b.fleet_tracks())
    # Each glitch gives at most one event (a stray fix is reported once) and honest vessels at
    # 0-15 kn none; a glitch next to a long reporting gap may be reachable, hence "most".
    assert 0.8 * b.FLEET_GLITCHES <= len(events) <= b.FLEET_GLITCHES
    assert events[c.DETAIL].str.contains("back on track at the next fix").mean() > 0.5
