"""Encounter detector: what it must find, what it must not find, bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.features import builders as b
from vessel_risk.common import columns as c
from vessel_risk.common.errors import DetectionError
from vessel_risk.features.encounters import EncounterParams, detect_encounters

H = pd.Timedelta(hours=1)
MIN = pd.Timedelta(minutes=1)
SMALL, LARGE = 219000001, 636000002


def _pair_together(hours: float = 3.0, place: str = c.PLACE_SEA) -> pd.DataFrame:
    """Two vessels drifting 0.18 nm apart, reporting on different clocks."""
    first = b.stationary_track(LARGE, (56.0, 7.0), hours, interval_min=3.0, jitter_nm=0.02)
    second = b.stationary_track(
        SMALL, (56.003, 7.0), hours, t0=b.T0 + 2 * MIN, interval_min=7.0, jitter_nm=0.02, seed=1
    )
    return b.tracks_at_place(first, second, place=place)


def test_detect_encounters_finds_two_vessels_drifting_together_at_sea() -> None:
    events = detect_encounters(_pair_together(hours=3.0), b.ports())

    assert len(events) == 1
    event = events.iloc[0]
    assert event[c.EVENT_TYPE] == c.ENCOUNTER
    assert (event[c.MMSI], event[c.OTHER_MMSI]) == (SMALL, LARGE)  # smaller MMSI first
    assert event[c.START] <= b.T0 + 10 * MIN
    assert event[c.END] >= b.T0 + 3 * H - 10 * MIN
    assert event[c.LAT] == pytest.approx(56.0015, abs=0.001)
    assert event[c.LON] == pytest.approx(7.0, abs=0.001)
    assert f"{SMALL} and {LARGE}" in event[c.DETAIL]
    assert "0.18 nm apart" in event[c.DETAIL]
    assert event[c.DETAIL].endswith("at sea 38 nm W of Hvide Sande")


def test_detect_encounters_ignores_two_vessels_at_anchor_near_port() -> None:
    assert detect_encounters(_pair_together(hours=6.0, place=c.PLACE_ANCHORAGE), b.ports()).empty


def test_detect_encounters_ignores_two_vessels_passing_at_speed() -> None:
    east = b.straight_track(SMALL, (56.0, 6.8), (56.0, 7.6), 12.0)
    west = b.straight_track(LARGE, (56.002, 7.2), (56.002, 6.4), 12.0)

    assert detect_encounters(b.tracks_at_place(east, west), b.ports()).empty


def test_detect_encounters_ignores_vessels_steaming_side_by_side() -> None:
    port_side = b.straight_track(SMALL, (56.0, 7.0), (56.6, 7.0), 12.0)
    starboard = b.straight_track(LARGE, (56.0, 7.003), (56.6, 7.003), 12.0)

    assert detect_encounters(b.tracks_at_place(port_side, starboard), b.ports()).empty


def test_detect_encounters_result_does_not_depend_on_row_order() -> None:
    tracks = _pair_together()

    pd.testing.assert_frame_equal(
        detect_encounters(tracks.sample(frac=1.0, random_state=3), b.ports()),
        detect_encounters(tracks, b.ports()),
    )


def test_detect_encounters_ignores_a_vessel_alone() -> None:
    alone = b.stationary_track(SMALL, (56.0, 7.0), 6.0)

    assert detect_encounters(b.tracks_at_place(alone), b.ports()).empty


@pytest.mark.parametrize(("together_min", "expected"), [(20, 0), (180, 1)])
def test_detect_encounters_needs_min_duration_together(together_min: int, expected: int) -> None:
    waiting = b.stationary_track(SMALL, (56.0, 7.0), 6.0)
    visit = b.stationary_track(LARGE, (56.002, 7.0), together_min / 60, t0=b.T0 + H)
    leaving = b.straight_track(
        LARGE, (56.002, 7.0), (56.335, 7.0), 10.0, t0=b.T0 + H + (together_min + 3) * MIN
    )

    events = detect_encounters(b.tracks_at_place(waiting, visit, leaving), b.ports())

    assert len(events) == expected


def test_detect_encounters_ignores_slow_vessels_two_miles_apart() -> None:
    first = b.stationary_track(SMALL, (56.0, 7.0), 6.0)
    second = b.stationary_track(LARGE, (56.0 + 2.0 / 60, 7.0), 6.0)

    assert detect_encounters(b.tracks_at_place(first, second), b.ports()).empty


@pytest.mark.parametrize(("interruption_min", "expected"), [(30, 1), (0, 0)])
def test_detect_encounters_bridges_a_short_reporting_drop(
    interruption_min: int, expected: int
) -> None:
    first = b.stationary_track(SMALL, (56.0, 7.0), 4.0)
    before = b.stationary_track(LARGE, (56.002, 7.0), 1.5)  # each half alone is too short
    after = b.stationary_track(LARGE, (56.002, 7.0), 1.5, t0=b.T0 + 2 * H + 20 * MIN)
    params = EncounterParams(max_interruption_min=interruption_min)

    tracks = b.tracks_at_place(first, before, after)

    assert len(detect_encounters(tracks, b.ports(), params)) == expected


def test_detect_encounters_splits_meetings_separated_by_a_long_absence() -> None:
    first = b.stationary_track(SMALL, (56.0, 7.0), 9.0)
    meet1 = b.stationary_track(LARGE, (56.002, 7.0), 3.0)
    away = b.stationary_track(LARGE, (56.5, 7.0), 2.0, t0=b.T0 + 3 * H + 10 * MIN)
    meet2 = b.stationary_track(LARGE, (56.002, 7.0), 3.0, t0=b.T0 + 6 * H)

    events = detect_encounters(b.tracks_at_place(first, meet1, away, meet2), b.ports())

    assert len(events) == 2
    assert events[c.START].is_monotonic_increasing


def test_detect_encounters_does_not_stretch_meeting_with_carried_positions() -> None:
    first = b.stationary_track(SMALL, (56.0, 7.0), 6.0)
    second = b.stationary_track(LARGE, (56.002, 7.0), 3.0)  # then silent

    events = detect_encounters(b.tracks_at_place(first, second), b.ports())

    assert len(events) == 1
    assert events[c.END].iloc[0] == b.T0 + 3 * H


def test_detect_encounters_finds_pair_across_the_180th_meridian() -> None:
    east = b.stationary_track(SMALL, (-10.0, 179.999), 3.0)
    west = b.stationary_track(LARGE, (-10.0, -179.999), 3.0)

    events = detect_encounters(b.tracks_at_place(east, west), b.ports())

    assert len(events) == 1
    assert abs(events[c.LON].iloc[0]) == pytest.approx(180.0, abs=0.01)


def test_detect_encounters_honours_distance_parameter() -> None:
    first = b.stationary_track(SMALL, (56.0, 7.0), 4.0)
    second = b.stationary_track(LARGE, (56.0 + 1.5 / 60, 7.0), 4.0)

    tracks = b.tracks_at_place(first, second)

    assert detect_encounters(tracks, b.ports()).empty
    assert len(detect_encounters(tracks, b.ports(), EncounterParams(max_distance_nm=2.0))) == 1


def test_detect_encounters_does_not_mutate_input() -> None:
    tracks = _pair_together()
    before = tracks.copy()

    detect_encounters(tracks, b.ports())

    pd.testing.assert_frame_equal(tracks, before)


def test_detect_encounters_returns_empty_events_for_empty_tracks() -> None:
    events = detect_encounters(_pair_together().iloc[:0], b.ports())

    assert events.empty
    assert list(events.columns) == c.EVENT_COLUMNS


def test_detect_encounters_raises_detection_error_naming_missing_column() -> None:
    with pytest.raises(DetectionError, match=c.IMPLIED_SPEED_KNOTS):
        detect_encounters(_pair_together().drop(columns=[c.IMPLIED_SPEED_KNOTS]), b.ports())


def test_detect_encounters_ignores_ships_at_an_anchorage_other_ships_use() -> None:
    anchorage = (56.0, 7.0)
    ships = [b.stationary_track(m, anchorage, 6.0, jitter_nm=0.05, seed=m, interval_min=5.0)
             for m in (SMALL, LARGE, 219000003)]
    tracks = b.tracks(*ships)
    assert (tracks[c.PLACE] == c.PLACE_ANCHORAGE).all()
    assert detect_encounters(tracks, b.ports()).empty
    assert len(detect_encounters(b.tracks(*ships[:2]), b.ports())) == 1  # two alone: a meeting


def test_detect_encounters_ignores_two_fishing_boats_on_one_ground() -> None:
    tracks = b.tracks_at_place(*_boats_together(), fishing=True)
    assert detect_encounters(tracks, b.ports()).empty


def test_detect_encounters_ignores_ships_farther_apart_than_500_m() -> None:
    first = b.stationary_track(LARGE, (56.0, 7.0), 4.0, interval_min=3.0)
    second = b.stationary_track(SMALL, (56.005, 7.0), 4.0, interval_min=3.0)  # 0.30 nm north
    assert detect_encounters(b.tracks_at_place(first, second), b.ports()).empty


def _boats_together() -> list[pd.DataFrame]:
    return [b.stationary_track(m, (56.0, 7.0 + 0.001 * i), 4.0, interval_min=3.0)
            for i, m in enumerate((SMALL, LARGE))]
