"""Which day a run screens: the schedule's day that ended, or the data's last real day."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from vessel_risk.common.days import (
    DayParams,
    dates_of,
    day_numbers,
    day_range,
    day_that_ended,
    default_day,
    localized,
    on_day,
    positions_per_day,
    time_zone,
)
from vessel_risk.common.errors import ConfigError, InputError


def stamps(per_day: dict[str, int]) -> pd.Series:
    values = []
    for day, count in per_day.items():
        start = pd.Timestamp(day, tz="UTC")
        values += [start + pd.Timedelta(seconds=30 * i) for i in range(count)]
    return pd.Series(values, dtype="datetime64[ns, UTC]")


def test_day_that_ended_is_the_utc_day_before_the_scheduled_start() -> None:
    assert day_that_ended(datetime(2026, 11, 23, 5, 0, tzinfo=UTC)) == date(2026, 11, 22)
    assert day_that_ended(datetime(2026, 11, 23, 0, 0, tzinfo=UTC)) == date(2026, 11, 22)


def test_day_that_ended_follows_the_configured_time_zone() -> None:
    # 23:30 UTC on the 22nd is already the 23rd in Oslo (UTC+1 in November)
    late = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert day_that_ended(late) == date(2026, 11, 21)
    assert day_that_ended(late, "Europe/Oslo") == date(2026, 11, 22)
    west = datetime(2026, 11, 23, 3, 0, tzinfo=timezone(timedelta(hours=0)))
    assert day_that_ended(west, "America/New_York") == date(2026, 11, 21)


def test_day_that_ended_refuses_a_naive_time() -> None:
    with pytest.raises(ConfigError):
        day_that_ended(datetime(2026, 11, 23, 5, 0))


def test_time_zone_names_an_unknown_zone() -> None:
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        time_zone("Mars/Olympus")


def test_default_day_is_the_last_day_with_data() -> None:
    assert default_day(stamps({"2026-11-21": 100, "2026-11-22": 90})) == date(2026, 11, 22)


def test_default_day_ignores_a_handful_of_outlying_timestamps() -> None:
    data = stamps({"2026-11-21": 1000, "2026-11-22": 900, "2031-05-01": 5, "2026-11-23": 3})
    assert default_day(data) == date(2026, 11, 22)


def test_default_day_takes_a_short_capture_on_its_own() -> None:
    assert default_day(stamps({"2024-12-09": 40})) == date(2024, 12, 9)


def test_default_day_share_is_a_named_parameter() -> None:
    data = stamps({"2026-11-21": 1000, "2026-11-22": 50})
    assert default_day(data) == date(2026, 11, 21)
    assert default_day(data, DayParams(min_share_of_busiest=0.01)) == date(2026, 11, 22)


def test_default_day_without_any_timed_position_asks_for_a_capture_time() -> None:
    with pytest.raises(InputError, match="--capture-time"):
        default_day(pd.Series([pd.NaT], dtype="datetime64[ns, UTC]"))


def test_day_range_lists_every_day_and_refuses_a_reversed_range() -> None:
    assert day_range(date(2026, 11, 21), date(2026, 11, 23)) == [
        date(2026, 11, 21), date(2026, 11, 22), date(2026, 11, 23)]
    with pytest.raises(ConfigError, match="before --from"):
        day_range(date(2026, 11, 23), date(2026, 11, 21))


def _stamps() -> pd.Series:
    return pd.Series(pd.to_datetime(
        ["2026-11-16 23:59:59", None, "2026-11-17 00:00:00", "2026-11-16 00:00:00"], utc=True))


def test_dates_of_gives_what_dt_date_gives_with_nat_where_missing() -> None:
    stamps = _stamps()
    assert list(dates_of(stamps)) == list(stamps.dt.date)
    assert dates_of(stamps)[1] is pd.NaT


def test_dates_of_reads_the_day_in_the_series_own_time_zone() -> None:
    local = _stamps().dt.tz_convert("Europe/Oslo")
    assert list(dates_of(local)) == list(local.dt.date)


def test_on_day_marks_the_stamps_of_that_day_only() -> None:
    assert on_day(_stamps(), date(2026, 11, 16)).tolist() == [True, False, False, True]


def test_positions_per_day_counts_each_day_oldest_first_without_nat() -> None:
    counts = positions_per_day(_stamps())
    assert counts.to_dict() == {date(2026, 11, 16): 2, date(2026, 11, 17): 1}


def garbage_cycles_left_by(work: Callable[[], object]) -> int:
    """Objects ``work`` left in reference cycles: what only Python's cycle collector frees."""
    gc.collect()
    gc.disable()
    try:
        work()
        return gc.collect()
    finally:
        gc.enable()


def test_day_numbers_leaves_no_cycle_that_would_keep_the_column_alive() -> None:
    # a Series' .dt accessor and the Series refer to each other: 72 MB a column on a large day
    local = _stamps().dt.tz_convert("Europe/Oslo").array
    assert garbage_cycles_left_by(lambda: day_numbers(pd.Series(local))) == 0
    assert garbage_cycles_left_by(lambda: pd.Series(local).dt.tz_localize(None)) > 0  # avoided


def test_localized_gives_utc_stamps_of_naive_values_without_a_cycle() -> None:
    naive = np.array(["2026-11-16T23:59:59.5", "NaT"], dtype="datetime64[us]")
    assert list(localized(naive)) == [pd.Timestamp("2026-11-16 23:59:59.5", tz="UTC"), pd.NaT]
    assert str(localized(naive).dtype) == "datetime64[us, UTC]"
    assert garbage_cycles_left_by(lambda: localized(naive)) == 0
