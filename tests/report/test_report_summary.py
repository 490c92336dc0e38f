"""The day at a glance: coverage counted from the window's positions."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from tests.report import report_builders as rb
from vessel_risk.common import columns as c
from vessel_risk.report import load_day
from vessel_risk.report.summary import coverage


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> rb.Scenario:
    return rb.build_store(tmp_path_factory.mktemp("store"))


def test_coverage_counts_the_days_positions_by_hour_and_the_windows_by_day(
        scenario: rb.Scenario) -> None:
    cov = coverage(load_day(scenario.out, rb.DAY, rb.LOOKBACK_DAYS))
    stamps = scenario.positions[c.TIMESTAMP]
    on_day = scenario.positions[stamps.dt.date == rb.DAY]
    by_hour = on_day[c.TIMESTAMP].dt.hour.value_counts()
    assert cov.positions == len(on_day)
    assert cov.vessels_heard == on_day[c.MMSI].nunique()
    assert cov.positions_by_hour == tuple(int(by_hour.get(h, 0)) for h in range(24))
    assert cov.positions_by_day == tuple(
        (d, int((stamps.dt.date == d).sum())) for d in (rb.DAY - timedelta(days=1), rb.DAY))
    silence = pd.Series([pd.Timestamp(rb.DAY, tz="UTC"), *sorted(on_day[c.TIMESTAMP]),
                         pd.Timestamp(rb.DAY, tz="UTC") + pd.Timedelta(days=1)]).diff().max()
    assert cov.longest_silence_h == pytest.approx(silence / pd.Timedelta(hours=1))
