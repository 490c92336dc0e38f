"""The day at a glance: vessels and bands, events by type, how well the day was covered, the model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features.events import per_vessel_events
from vessel_risk.features.tracks import US_PER_H, timestamp_us
from vessel_risk.report.day import DayData
from vessel_risk.report.model_info import ModelInfo

BANDS = ("high", "medium", "low")


@dataclass(frozen=True)
class EventCount:
    event_type: str
    events: int
    vessels: int  # vessels involved (both of a pair)


@dataclass(frozen=True)
class Coverage:
    """How much of the screening day the AIS data covers."""

    positions: int
    vessels_heard: int
    static_reports: int
    positions_by_hour: tuple[int, ...]  # 24 counts, 00-01 UTC first
    longest_silence_h: float  # longest stretch of the day with no position from any vessel
    positions_by_day: tuple[tuple[date, int], ...]  # every day of the window
    quarantined: tuple[tuple[str, int], ...]  # lines quarantined on the day, by reason

    @property
    def hours_with_positions(self) -> int:
        return sum(1 for n in self.positions_by_hour if n)


@dataclass(frozen=True)
class DaySummary:
    day: date
    lookback_days: int
    vessels: int
    bands: tuple[tuple[str, int], ...]
    events: tuple[EventCount, ...]
    coverage: Coverage
    model: ModelInfo


def summarise(data: DayData) -> DaySummary:
    bands = data.listed[c.RISK_BAND].value_counts()
    return DaySummary(
        day=data.day,
        lookback_days=data.lookback_days,
        vessels=len(data.listed),
        bands=tuple((b, int(bands.get(b, 0))) for b in BANDS),
        events=event_counts(data.events),
        coverage=coverage(data),
        model=data.model,
    )


def event_counts(events: pd.DataFrame) -> tuple[EventCount, ...]:
    """Events and vessels involved, by type, most frequent first."""
    if events.empty:
        return ()
    counts = events[c.EVENT_TYPE].value_counts()
    involved = per_vessel_events(events).groupby(c.EVENT_TYPE)[c.MMSI].nunique()
    rows = [EventCount(str(t), int(n), int(involved.get(t, 0))) for t, n in counts.items()]
    return tuple(sorted(rows, key=lambda r: (-r.events, r.event_type)))


def coverage(data: DayData) -> Coverage:
    positions = data.positions
    start = pd.Timestamp(data.day, tz="UTC")
    end = data.window_end
    stamps = timestamp_us(positions)  # the window's, in µs (integers count fast)
    on_day = (stamps >= _us(start)) & (stamps < _us(end))
    hour = (stamps[on_day] - _us(start)) // US_PER_H
    by_hour = np.bincount(hour, minlength=24)[:24]
    times = np.sort(stamps[on_day])
    edges = np.r_[_us(start), times, _us(end)]
    longest = float(np.diff(edges).max()) / 3.6e9 if len(edges) > 1 else 24.0
    day_of = (stamps - _us(data.window_start)) // (24 * US_PER_H)
    days = np.bincount(day_of[(day_of >= 0) & (day_of < data.lookback_days)],
                       minlength=data.lookback_days)
    quarantine = data.quarantine
    reasons = quarantine[c.REASON].value_counts() if c.REASON in quarantine else pd.Series()
    return Coverage(
        positions=int(on_day.sum()),
        vessels_heard=len(pd.unique(positions[c.MMSI].to_numpy()[on_day])),  # hashed
        static_reports=data.statics_count,
        positions_by_hour=tuple(int(n) for n in by_hour),
        longest_silence_h=longest,
        positions_by_day=tuple((d, int(n)) for d, n in zip(data.window_days, days)),
        quarantined=tuple(sorted(((str(r), int(n)) for r, n in reasons.items()),
                                 key=lambda x: (-x[1], x[0]))),
    )


def _us(ts: pd.Timestamp) -> int:
    return int(ts.value // 1000)

