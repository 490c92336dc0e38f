"""Tests of features.areas.detect_area_visits: entries into user-given areas of interest."""

from __future__ import annotations

import pandas as pd
import pytest
from shapely.geometry import box

from tests.features import builders as b
from vessel_risk.common import columns as c
from vessel_risk.common.errors import DetectionError
from vessel_risk.features.areas import AreaVisitParams, detect_area_visits
from vessel_risk.ingest.areas import Area

H = pd.Timedelta(hours=1)
BOX = Area("Approaches to Esbjerg", box(7.9, 55.3, 8.3, 55.5))  # lon/lat


def test_detect_area_visits_finds_an_entry_with_the_area_name_and_time_inside() -> None:
    through = b.straight_track(1, (55.4, 7.5), (55.4, 8.6), 10.0, interval_min=6.0)
    events = detect_area_visits(b.tracks_at_place(through), [BOX])
    assert len(events) == 1
    ev = events.iloc[0]
    assert ev[c.EVENT_TYPE] == c.AREA_VISIT and ev[c.MMSI] == 1
    assert ev[c.DETAIL] == "inside Approaches to Esbjerg 1.3 h (14 positions)"
    assert 7.9 <= ev[c.LON] <= 8.0  # where it entered


def test_detect_area_visits_splits_visits_by_long_silence_and_by_vessel() -> None:
    first = b.stationary_track(1, (55.4, 8.0), 1.0)
    again = b.stationary_track(1, (55.4, 8.0), 1.0, t0=b.T0 + 10 * H)
    other = b.stationary_track(2, (55.4, 8.1), 1.0)
    outside = b.stationary_track(3, b.OPEN_SEA, 1.0)
    events = detect_area_visits(b.tracks_at_place(first, again, other, outside), [BOX])
    assert sorted(events[c.MMSI].tolist()) == [1, 1, 2]
    merged = detect_area_visits(b.tracks_at_place(first, again), [BOX],
                                AreaVisitParams(max_fix_gap_h=12.0))
    assert len(merged) == 1


def test_detect_area_visits_without_areas_is_empty() -> None:
    events = detect_area_visits(b.tracks_at_place(b.stationary_track(1, (55.4, 8.0), 1.0)), [])
    assert events.empty and list(events.columns) == c.EVENT_COLUMNS


def test_detect_area_visits_raises_naming_missing_column() -> None:
    tracks = b.tracks_at_place(b.stationary_track(1, (55.4, 8.0), 1.0)).drop(columns=[c.LAT])
    with pytest.raises(DetectionError, match=c.LAT):
        detect_area_visits(tracks, [BOX])
