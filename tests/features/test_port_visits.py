"""Tests of features.port_visits.detect_port_visits: slow stays within a port's radius."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.features import builders as b
from vessel_risk.common import columns as c
from vessel_risk.common.errors import DetectionError
from vessel_risk.features.port_visits import PortVisitParams, detect_port_visits

H = pd.Timedelta(hours=1)
ESBJERG_BERTH = (55.465, 8.44)
CUXHAVEN_BERTH = (53.872, 8.705)
ESBJERG_ROADS = (55.40, 8.25)  # ~8 nm out: an anchorage, not the port


def test_detect_port_visits_finds_stay_at_berth() -> None:
    events = detect_port_visits(b.tracks(b.stationary_track(1, ESBJERG_BERTH, 5.0)))
    assert len(events) == 1
    ev = events.iloc[0]
    assert ev[c.EVENT_TYPE] == c.PORT_VISIT and ev[c.MMSI] == 1
    assert ev[c.START] == b.T0 and ev[c.END] == b.T0 + 5 * H
    assert (ev[c.LAT], ev[c.LON]) == pytest.approx(ESBJERG_BERTH)
    assert ev[c.DETAIL] == "in port Esbjerg: 5.0 h"


def test_detect_port_visits_finds_visit_between_arrival_and_departure() -> None:
    arrive = b.straight_track(1, b.OPEN_SEA, ESBJERG_BERTH, 10.0)
    hours_in = (arrive[c.TIMESTAMP].iloc[-1] - b.T0) / H
    stay = b.stationary_track(1, ESBJERG_BERTH, 3.0, t0=b.T0 + (hours_in + 0.05) * H)
    leave = b.straight_track(1, ESBJERG_BERTH, b.OPEN_SEA, 10.0, t0=b.T0 + (hours_in + 3.1) * H)
    events = detect_port_visits(b.tracks(arrive, stay, leave))
    assert len(events) == 1
    assert events[c.DURATION_H].iloc[0] == pytest.approx(3.0, abs=0.01)


def test_detect_port_visits_names_each_port_of_a_voyage() -> None:
    first = b.stationary_track(1, ESBJERG_BERTH, 2.0)
    second = b.stationary_track(1, CUXHAVEN_BERTH, 2.0, t0=b.T0 + 14 * H)
    events = detect_port_visits(b.tracks(first, second))
    assert events[c.DETAIL].str.extract(r"in port (\w+)")[0].tolist() == ["Esbjerg", "Cuxhaven"]


def test_detect_port_visits_ignores_vessel_passing_through_port_radius() -> None:
    passing = b.straight_track(1, (55.55, 8.20), (55.40, 8.60), 10.0, interval_min=1.0)
    assert passing[c.LAT].sub(55.4667).abs().min() < 0.05  # it does pass close
    assert detect_port_visits(b.tracks(passing)).empty


def test_detect_port_visits_ignores_short_stops_and_stays_away_from_port() -> None:
    short = b.stationary_track(1, ESBJERG_BERTH, 0.5)
    roads = b.stationary_track(2, ESBJERG_ROADS, 10.0)
    at_sea = b.stationary_track(3, b.OPEN_SEA, 10.0)
    assert detect_port_visits(b.tracks(short, roads, at_sea)).empty


def test_detect_port_visits_splits_visit_at_long_silence() -> None:
    before = b.stationary_track(1, ESBJERG_BERTH, 2.0)
    after = b.stationary_track(1, ESBJERG_BERTH, 2.0, t0=b.T0 + 12 * H)
    tracks = b.tracks(before, after)
    assert len(detect_port_visits(tracks)) == 2
    assert len(detect_port_visits(tracks, PortVisitParams(max_fix_gap_h=24.0))) == 1


def test_detect_port_visits_uses_implied_speed_when_sog_is_missing() -> None:
    moored = b.stationary_track(1, ESBJERG_BERTH, 2.0).assign(**{c.SOG_KNOTS: np.nan})
    passing = b.straight_track(2, (55.50, 8.30), (55.43, 8.60), 3.0, interval_min=1.0)
    passing = passing.assign(**{c.SOG_KNOTS: np.nan})  # ~1.1 h within 3 nm, but at 3 kn
    events = detect_port_visits(b.tracks(moored, passing))
    assert events[c.MMSI].tolist() == [1]


def test_detect_port_visits_does_not_modify_tracks() -> None:
    tracks = b.tracks(b.stationary_track(1, ESBJERG_BERTH, 2.0))
    before = tracks.copy()
    events = detect_port_visits(tracks)
    assert list(events.columns) == c.EVENT_COLUMNS
    pd.testing.assert_frame_equal(tracks, before)


def test_detect_port_visits_raises_detection_error_naming_missing_column() -> None:
    tracks = b.tracks(b.stationary_track(1, ESBJERG_BERTH, 2.0)).drop(columns=[c.PORT_NAME])
    with pytest.raises(DetectionError, match=c.PORT_NAME):
        detect_port_visits(tracks)

