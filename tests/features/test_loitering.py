"""Loitering detector: what it must find, what it must not find, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.loitering import LoiteringParams, detect_loitering
from tests.features.builders_behaviour import (
    T0,
    combine_tracks,
    stationary_track,
    straight_track,
)
from vessel_risk import columns as c
from vessel_risk.errors import DetectionError

H = pd.Timedelta(hours=1)


def test_detect_loitering_finds_vessel_stopped_far_from_port() -> None:
    track = stationary_track(
        219000001, 56.0, 7.0, hours=6, jitter_nm=0.3, port_dist_nm=40.0, nearest_port="Esbjerg"
    )

    events = detect_loitering(track)

    assert len(events) == 1
    event = events.iloc[0]
    assert event[c.MMSI] == 219000001
    assert event[c.EVENT_TYPE] == c.LOITERING
    assert event[c.START] == T0
    assert event[c.END] == T0 + 6 * H
    assert event[c.LAT] == pytest.approx(56.0, abs=0.01)
    assert event[c.LON] == pytest.approx(7.0, abs=0.01)
    assert pd.isna(event[c.OTHER_MMSI])
    assert "6.0 h" in event[c.DETAIL]
    assert "0.2 kn" in event[c.DETAIL]
    assert "40 nm from Esbjerg" in event[c.DETAIL]


def test_detect_loitering_ignores_vessel_waiting_near_port() -> None:
    track = stationary_track(219000001, 56.0, 7.0, hours=12, port_dist_nm=4.0)

    assert detect_loitering(track).empty


def test_detect_loitering_ignores_stop_shorter_than_min_duration() -> None:
    track = stationary_track(219000001, 56.0, 7.0, hours=3.5)

    assert detect_loitering(track).empty


def test_detect_loitering_ignores_vessel_under_way() -> None:
    track = straight_track(219000001, 56.0, 7.0, course_deg=45, speed_knots=12, hours=10)

    assert detect_loitering(track).empty


def test_detect_loitering_ignores_slow_trawler_sweeping_large_area() -> None:
    legs = [
        straight_track(219000001, 56.0, 7.0, 90, 2.0, hours=5),
        straight_track(
            219000001, 56.0, 7.3, 270, 2.0, hours=5, start=T0 + 5 * H + pd.Timedelta(minutes=10)
        ),
    ]

    assert detect_loitering(combine_tracks(*legs)).empty


def test_detect_loitering_reports_the_wait_but_not_the_slow_departure() -> None:
    wait = stationary_track(219000001, 56.0, 7.0, hours=6, jitter_nm=0.1)
    departure = straight_track(
        219000001, 56.0, 7.0, 90, 2.0, hours=6, start=T0 + 6 * H + pd.Timedelta(minutes=10)
    )

    events = detect_loitering(combine_tracks(wait, departure))

    assert len(events) == 1
    assert events[c.START].iloc[0] == T0
    # The stretch ends where the departure leaves the 3 nm radius (~1.5 h at 2 kn), not 6 h later.
    assert T0 + 6 * H <= events[c.END].iloc[0] <= T0 + 8 * H
    assert events[c.LON].iloc[0] == pytest.approx(7.0, abs=0.05)


def test_detect_loitering_splits_at_reporting_gap() -> None:
    before = stationary_track(219000001, 56.0, 7.0, hours=3)
    after = stationary_track(219000001, 56.0, 7.0, hours=3, start=T0 + 6 * H)

    assert detect_loitering(combine_tracks(before, after)).empty
    assert (
        len(detect_loitering(combine_tracks(before, after), LoiteringParams(max_report_gap_h=4.0)))
        == 1
    )


def test_detect_loitering_uses_implied_speed_when_sog_missing() -> None:
    drifting = stationary_track(219000001, 56.0, 7.0, hours=6, sog_knots=np.nan, jitter_nm=0.05)
    steaming = straight_track(219000002, 55.0, 6.0, 0, 12.0, hours=6, report_sog=False)

    events = detect_loitering(combine_tracks(drifting, steaming))

    assert events[c.MMSI].tolist() == [219000001]


def test_detect_loitering_gives_one_event_per_episode_and_vessel() -> None:
    first = stationary_track(219000001, 56.0, 7.0, hours=5)
    moving = straight_track(
        219000001, 56.0, 7.0, 0, 10.0, hours=3, start=T0 + 5 * H + pd.Timedelta(minutes=10)
    )
    second = stationary_track(
        219000001, 56.5, 7.0, hours=5, start=T0 + 8 * H + pd.Timedelta(minutes=20)
    )
    other = stationary_track(219000002, 54.0, 5.0, hours=5)

    events = detect_loitering(combine_tracks(first, moving, second, other))

    assert sorted(events[c.MMSI].tolist()) == [219000001, 219000001, 219000002]
    assert events.loc[events[c.MMSI] == 219000001, c.LAT].round(1).tolist() == [56.0, 56.5]


def test_detect_loitering_result_does_not_depend_on_row_order() -> None:
    tracks = combine_tracks(
        stationary_track(219000001, 56.0, 7.0, hours=6, jitter_nm=0.3),
        stationary_track(219000002, 55.0, 7.0, hours=5, jitter_nm=0.3, seed=3),
    )
    shuffled = tracks.sample(frac=1.0, random_state=7)

    pd.testing.assert_frame_equal(detect_loitering(shuffled), detect_loitering(tracks))


def test_detect_loitering_does_not_mutate_input() -> None:
    tracks = stationary_track(219000001, 56.0, 7.0, hours=6, jitter_nm=0.3)
    before = tracks.copy()

    detect_loitering(tracks)

    pd.testing.assert_frame_equal(tracks, before)


def test_detect_loitering_returns_empty_events_for_empty_tracks() -> None:
    empty = stationary_track(219000001, 56.0, 7.0, hours=1).iloc[:0]

    events = detect_loitering(empty)

    assert events.empty
    assert list(events.columns) == c.EVENT_COLUMNS


def test_detect_loitering_raises_detection_error_naming_missing_columns() -> None:
    tracks = stationary_track(219000001, 56.0, 7.0, hours=6).drop(
        columns=[c.PORT_DIST_NM, c.SOG_KNOTS]
    )

    with pytest.raises(DetectionError, match=f"{c.SOG_KNOTS}.*{c.PORT_DIST_NM}"):
        detect_loitering(tracks)
