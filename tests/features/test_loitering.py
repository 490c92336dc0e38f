"""Loitering detector: what it must find, what it must not find, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.features import builders as b
from vessel_risk.common import columns as c
from vessel_risk.common.errors import DetectionError
from vessel_risk.features.loitering import LoiteringParams, detect_loitering

H = pd.Timedelta(hours=1)
MIN = pd.Timedelta(minutes=1)
VESSEL, OTHER = 219000001, 219000002
STOP = (56.0, 7.0)


def test_detect_loitering_finds_vessel_stopped_far_from_port() -> None:
    stopped = b.stationary_track(VESSEL, STOP, 6.0, sog_knots=0.2, jitter_nm=0.3)
    tracks = b.tracks_at_place(stopped)

    events = detect_loitering(tracks, b.ports())

    assert len(events) == 1
    event = events.iloc[0]
    assert event[c.MMSI] == VESSEL
    assert event[c.EVENT_TYPE] == c.LOITERING
    assert event[c.START] == b.T0
    assert event[c.END] == b.T0 + 6 * H
    assert event[c.LAT] == pytest.approx(56.0, abs=0.01)
    assert event[c.LON] == pytest.approx(7.0, abs=0.01)
    assert pd.isna(event[c.OTHER_MMSI])
    assert "6.0 h" in event[c.DETAIL]
    assert "0.2 kn" in event[c.DETAIL]
    assert event[c.DETAIL].endswith("at sea 38 nm W of Hvide Sande")


def test_detect_loitering_ignores_vessel_waiting_near_port() -> None:
    waiting = b.stationary_track(VESSEL, STOP, 12.0)

    assert detect_loitering(b.tracks_at_place(waiting, place=c.PLACE_ANCHORAGE), b.ports()).empty


def test_detect_loitering_ignores_stop_shorter_than_min_duration() -> None:
    short = b.stationary_track(VESSEL, STOP, 3.5)

    assert detect_loitering(b.tracks_at_place(short), b.ports()).empty


def test_detect_loitering_ignores_vessel_under_way() -> None:
    under_way = b.straight_track(VESSEL, STOP, b.destination(STOP, 45.0, 120.0), 12.0)

    assert detect_loitering(b.tracks_at_place(under_way), b.ports()).empty


def test_detect_loitering_ignores_slow_trawler_sweeping_large_area() -> None:
    turn = b.destination(STOP, 90.0, 10.0)  # 5 h east at 2 kn, then 5 h back west
    legs = [
        b.straight_track(VESSEL, STOP, turn, 2.0),
        b.straight_track(VESSEL, turn, STOP, 2.0, t0=b.T0 + 5 * H + 10 * MIN),
    ]

    assert detect_loitering(b.tracks_at_place(*legs), b.ports()).empty


def test_detect_loitering_reports_the_wait_but_not_the_slow_departure() -> None:
    wait = b.stationary_track(VESSEL, STOP, 6.0, jitter_nm=0.1)
    departure = b.straight_track(
        VESSEL, STOP, b.destination(STOP, 90.0, 12.0), 2.0, t0=b.T0 + 6 * H + 10 * MIN
    )

    events = detect_loitering(b.tracks_at_place(wait, departure), b.ports())

    assert len(events) == 1
    assert events[c.START].iloc[0] == b.T0
    # The stretch ends where the departure leaves the 3 nm radius (~1.5 h at 2 kn), not 6 h later.
    assert b.T0 + 6 * H <= events[c.END].iloc[0] <= b.T0 + 8 * H
    assert events[c.LON].iloc[0] == pytest.approx(7.0, abs=0.05)


def test_detect_loitering_splits_at_reporting_gap() -> None:
    before = b.stationary_track(VESSEL, STOP, 3.0)
    after = b.stationary_track(VESSEL, STOP, 3.0, t0=b.T0 + 6 * H)
    tracks = b.tracks_at_place(before, after)

    assert detect_loitering(tracks, b.ports()).empty
    assert len(detect_loitering(tracks, b.ports(), LoiteringParams(max_report_gap_h=4.0))) == 1


def test_detect_loitering_uses_implied_speed_when_sog_missing() -> None:
    # 10-minute reports keep the drift's implied speed (jitter between fixes) below 2 kn.
    drifting = b.stationary_track(
        VESSEL, STOP, 6.0, interval_min=10.0, sog_knots=np.nan, jitter_nm=0.05
    )
    start = (55.0, 6.0)
    steaming = b.straight_track(OTHER, start, b.destination(start, 0.0, 72.0), 12.0)
    steaming = steaming.assign(**{c.SOG_KNOTS: np.nan})

    events = detect_loitering(b.tracks_at_place(drifting, steaming), b.ports())

    assert events[c.MMSI].tolist() == [VESSEL]


def test_detect_loitering_gives_one_event_per_episode_and_vessel() -> None:
    second_stop = (56.5, 7.0)
    first = b.stationary_track(VESSEL, STOP, 5.0)
    moving = b.straight_track(VESSEL, STOP, second_stop, 10.0, t0=b.T0 + 5 * H + 10 * MIN)
    second = b.stationary_track(VESSEL, second_stop, 5.0, t0=b.T0 + 8 * H + 20 * MIN)
    other = b.stationary_track(OTHER, (54.0, 5.0), 5.0)

    events = detect_loitering(b.tracks_at_place(first, moving, second, other), b.ports())

    assert sorted(events[c.MMSI].tolist()) == [VESSEL, VESSEL, OTHER]
    assert events.loc[events[c.MMSI] == VESSEL, c.LAT].round(1).tolist() == [56.0, 56.5]


def test_detect_loitering_result_does_not_depend_on_row_order() -> None:
    tracks = b.tracks_at_place(
        b.stationary_track(VESSEL, STOP, 6.0, jitter_nm=0.3),
        b.stationary_track(OTHER, (55.0, 7.0), 5.0, jitter_nm=0.3, seed=3),
    )
    shuffled = tracks.sample(frac=1.0, random_state=7)

    pd.testing.assert_frame_equal(
        detect_loitering(shuffled, b.ports()), detect_loitering(tracks, b.ports())
    )


def test_detect_loitering_does_not_mutate_input() -> None:
    tracks = b.tracks_at_place(b.stationary_track(VESSEL, STOP, 6.0, jitter_nm=0.3))
    before = tracks.copy()

    detect_loitering(tracks, b.ports())

    pd.testing.assert_frame_equal(tracks, before)


def test_detect_loitering_returns_empty_events_for_empty_tracks() -> None:
    empty = b.tracks_at_place(b.stationary_track(VESSEL, STOP, 1.0)).iloc[:0]

    events = detect_loitering(empty, b.ports())

    assert events.empty
    assert list(events.columns) == c.EVENT_COLUMNS


def test_detect_loitering_raises_detection_error_naming_missing_columns() -> None:
    tracks = b.tracks_at_place(b.stationary_track(VESSEL, STOP, 6.0)).drop(
        columns=[c.PLACE, c.SOG_KNOTS]
    )

    with pytest.raises(DetectionError, match=f"{c.SOG_KNOTS}.*{c.PLACE}"):
        detect_loitering(tracks, b.ports())


def test_detect_loitering_ignores_a_fishing_vessel_working_its_ground() -> None:
    hauling = b.stationary_track(VESSEL, STOP, 6.0, jitter_nm=0.3)
    assert detect_loitering(b.tracks_at_place(hauling, fishing=True), b.ports()).empty
    tracks = b.tracks(hauling, ship_types=[(VESSEL, 30)])
    assert tracks[c.FISHING].all() and detect_loitering(tracks, b.ports()).empty


def test_detect_loitering_ignores_waiting_at_an_anchorage_other_ships_use() -> None:
    waiting = [b.stationary_track(m, STOP, 6.0, jitter_nm=0.05, seed=m) for m in (1, 2, 3)]
    tracks = b.tracks(*waiting)
    assert (tracks[c.PLACE] == c.PLACE_ANCHORAGE).all()
    assert detect_loitering(tracks, b.ports()).empty
    assert len(detect_loitering(b.tracks(waiting[0]), b.ports())) == 1  # alone, it loiters
