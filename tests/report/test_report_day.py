"""What the report reads of a screened day: the window's tracks, by vessel then time."""

from __future__ import annotations

import numpy as np
import pytest

from tests.report import report_builders as rb
from vessel_risk.common import columns as c
from vessel_risk.report import load_day


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> rb.Scenario:
    return rb.build_store(tmp_path_factory.mktemp("store"))


def test_load_day_gives_the_windows_tracks_by_vessel_then_time_across_its_days(
        scenario: rb.Scenario) -> None:
    tracks = load_day(scenario.out, rb.DAY, rb.LOOKBACK_DAYS).positions
    expected = scenario.positions.sort_values([c.MMSI, c.TIMESTAMP], kind="mergesort")
    assert list(tracks.columns) == [c.MMSI, c.TIMESTAMP, c.LAT, c.LON]
    assert np.array_equal(tracks[c.MMSI].to_numpy(), expected[c.MMSI].to_numpy())
    assert np.array_equal(tracks[c.TIMESTAMP].to_numpy(), expected[c.TIMESTAMP].to_numpy())
    assert np.array_equal(tracks[c.LAT].to_numpy(), expected[c.LAT].to_numpy())


def test_load_day_of_a_one_day_window_keeps_the_stored_order(scenario: rb.Scenario) -> None:
    tracks = load_day(scenario.out, rb.DAY, 1).positions
    on_day = scenario.positions[scenario.positions[c.TIMESTAMP].dt.date == rb.DAY]
    expected = on_day.sort_values([c.MMSI, c.TIMESTAMP], kind="mergesort")
    assert np.array_equal(tracks[c.MMSI].to_numpy(), expected[c.MMSI].to_numpy())
    assert np.array_equal(tracks[c.TIMESTAMP].to_numpy(), expected[c.TIMESTAMP].to_numpy())
