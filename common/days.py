"""Which day a run screens.

A scheduled run screens the day that ended before its scheduled start (in UTC or a configured
time zone), never a day read off the clock or off the data: a stalled feed then gives a failed run
for the missing day, not a success that screens an old one again. A manual run with no ``--date``
screens the latest day that holds a real share of the input's positions, so a handful of lines
with a wrong clock cannot choose the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from vessel_risk.common.errors import ConfigError, InputError

UTC_NAME = "UTC"
# A backfill screens at most a year of days at once.
MAX_BACKFILL_DAYS = 366


@dataclass(frozen=True)
class DayParams:
    """How a manual run picks its day when none is given."""

    # A day holding fewer positions than this share of the busiest day's is stragglers (late
    # lines from an earlier day) or a receiver with a wrong clock, not a day of data. A real day
    # cut short by the end of a capture keeps far more than a tenth of a full day's reports
    # unless it is under ~2.4 hours long, and such a day is not worth screening on its own.
    min_share_of_busiest: float = 0.1

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_share_of_busiest <= 1.0:
            raise ConfigError(
                f"min_share_of_busiest must be between 0 and 1, got {self.min_share_of_busiest}")


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (e.g. ``Europe/Oslo``); an unknown name is a ConfigError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"unknown time zone {name!r}: give an IANA name such as "
                          "UTC or Europe/Oslo") from exc


def day_that_ended(scheduled_start: datetime, zone: str = UTC_NAME) -> date:
    """The calendar day (in ``zone``) before the one the run was scheduled in."""
    if scheduled_start.tzinfo is None:
        raise ConfigError("a scheduled start time must carry its time zone")
    local = scheduled_start.astimezone(time_zone(zone))
    return local.date() - timedelta(days=1)


def localized(stamps: np.ndarray, zone: str | tzinfo = UTC_NAME
              ) -> pd.api.extensions.ExtensionArray:
    """Naive ``datetime64`` values as time stamps of ``zone``, without a Series' ``.dt``.

    A Series and its ``.dt`` accessor refer to each other: the pair, and the column of values it
    holds, outlives its last use until Python's cycle collector next runs. At 9 million rows that
    is 72 MB per column kept for a whole stage, so day-sized time stamps go through arrays.
    """
    return pd.DatetimeIndex(stamps, copy=False).tz_localize(zone).array


def day_numbers(timestamps: pd.Series) -> np.ndarray:
    """The calendar day of each time stamp (in the series' own time zone, as ``.dt.date``) as
    ``datetime64[D]``, NaT where missing: vectorised, where ``.dt.date`` builds one Python
    object per row (seconds on a day of AIS). Through the array, not ``.dt``: see
    :func:`localized`."""
    stamps = timestamps.array
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.tz_localize(None)  # the wall clock of the series' own zone
    return np.asarray(stamps.to_numpy()).astype("datetime64[D]")


def dates_of(timestamps: pd.Series) -> np.ndarray:
    """``timestamps.dt.date.to_numpy()``: the same ``datetime.date`` objects (``NaT`` where
    missing), made once per distinct day instead of once per row."""
    codes, distinct = _distinct_days(timestamps)
    return _date_objects(distinct)[codes]


def _distinct_days(timestamps: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct days as ``datetime64[D]``): each stamp's day is ``distinct[codes]``.
    Found by hashing, not sorting: a day of AIS holds millions of stamps and a handful of days."""
    numbers = day_numbers(timestamps)
    codes, distinct = pd.factorize(numbers.view("int64"))
    return codes, distinct.view("datetime64[D]")


def _date_objects(days: np.ndarray) -> np.ndarray:
    """``datetime64[D]`` values as ``datetime.date`` objects, ``NaT`` where missing."""
    objects = np.array([pd.NaT] * len(days), dtype=object)
    known = ~np.isnat(days)
    objects[known] = days[known].astype(object)  # datetime64[D] -> datetime.date
    return objects


def on_day(timestamps: pd.Series, day: date) -> np.ndarray:
    """``timestamps.dt.date == day``, vectorised."""
    return day_numbers(timestamps) == np.datetime64(day, "D")


def positions_per_day(timestamps: pd.Series) -> pd.Series:
    """Count of positions per UTC day, oldest day first (NaT ignored)."""
    codes, distinct = _distinct_days(timestamps)
    counts = np.bincount(codes, minlength=len(distinct))
    known = ~np.isnat(distinct)
    if not known.any():
        return pd.Series([], dtype="int64")
    return pd.Series(counts[known], index=_date_objects(distinct[known])).sort_index()


def default_day(timestamps: pd.Series, params: DayParams = DayParams()) -> date:
    """The latest UTC day holding at least ``params.min_share_of_busiest`` of the busiest day's
    positions."""
    return day_of_counts(positions_per_day(timestamps), params)


def day_of_counts(counts: pd.Series, params: DayParams = DayParams()) -> date:
    """:func:`default_day` from the count of positions per UTC day (indexed by day)."""
    counts = counts[counts > 0].sort_index()
    if counts.empty:
        raise InputError("no AIS position with a receive time in the input: nothing to screen "
                         "(give --capture-time for a capture whose lines carry no time)")
    enough = counts[counts >= params.min_share_of_busiest * counts.max()]
    return enough.index[-1]


def day_range(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last``, both included (a backfill's days)."""
    if last < first:
        raise ConfigError(f"--to {last.isoformat()} is before --from {first.isoformat()}")
    count = (last - first).days + 1
    if count > MAX_BACKFILL_DAYS:
        raise ConfigError(f"--from/--to span {count} days; at most {MAX_BACKFILL_DAYS} at once")
    return [first + timedelta(days=i) for i in range(count)]
