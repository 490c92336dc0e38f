"""Loitering: one vessel staying slow in a small area at sea.

Smuggling hand-overs, waiting for a rendezvous and drifting off a coast all look like this in AIS:
hours at walking pace, away from any anchorage, without going anywhere. Waiting at anchor off a port
is normal and must not fire, so only fixes at sea count (``features.context``: not in a port area,
not at a learned anchorage or berth, not lying at anchor near a port), and a fishing vessel working
its ground is not loitering.

Rule (after Global Fishing Watch's loitering: under 2 kn for at least 4 h, offshore). A position
is *slow* when its speed (``sog_knots``, or the implied speed from the previous fix when the vessel
does not report SOG) is at most ``max_speed_knots``, its place is ``sea`` and it is not
``fishing``. Consecutive slow positions of one vessel form a *slow run*; a reporting gap longer
than ``max_report_gap_h`` ends the run (dark periods are the gap detector's business). The run's *core* is its positions within ``max_radius_nm`` of the run's median
position; every unbroken sequence of core positions lasting at least ``min_duration_h`` is one
loitering event.

When the whole run stays within the radius, the event is the whole run. The median (not the mean)
sits where the vessel spent most of its time, so a long stop followed by a slow departure is still
found (the departure is cut off where it leaves the radius), while a slow trawler sweeping a large
area has no long unbroken core and gives no event.

Limitations: a slow run with two separate stops of similar length joined by a slow (<= 2 kn)
transit may be missed (its median falls between them; a faster transit splits the run, and then both
are found); the median is taken on latitude and longitude, so a stop exactly on the 180th meridian
may be missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features.events import empty_events, make_events
from vessel_risk.features.geo import describe_places, haversine_nm
from vessel_risk.features.tracks import (
    US_PER_H,
    in_track_order,
    require_columns,
    speed_for_rules_knots,
    timestamp_us,
)

REQUIRED_COLUMNS = [
    c.MMSI,
    c.TIMESTAMP,
    c.LAT,
    c.LON,
    c.SOG_KNOTS,
    c.DT_H,
    c.IMPLIED_SPEED_KNOTS,
    c.PLACE,
]


# Internal working columns (not part of any contract).
_RUN = "run"  # slow-run label
_SEQ = "seq"  # label of an unbroken core sequence (one candidate event)
_SPEED_KNOTS = "speed_knots"  # SOG, or implied speed where SOG is missing
_SPREAD_NM = "spread_nm"  # distance of a fix from its sequence's mean position
_T_US = "t_us"  # fix time, microseconds since the epoch (UTC)


@dataclass(frozen=True)
class LoiteringParams:
    """Thresholds of the loitering rule (units in the names)."""

    # A ship under way rarely holds less than ~3 kn; 2 kn covers drifting and dead-slow station
    # keeping while leaving slow steaming out.
    max_speed_knots: float = 2.0
    # Shorter waits happen for pilots, traffic and weather; four hours is a deliberate stop.
    min_duration_h: float = 4.0
    # Swinging at anchor or drifting for a few hours stays within a few nm; a trawler at 2 kn
    # covers 8 nm in four hours, so 3 nm separates "staying" from "working an area".
    max_radius_nm: float = 3.0
    # A silence longer than this is a dark period (the gap detector's event), not loitering
    # evidence: we do not assume what the vessel did while silent.
    max_report_gap_h: float = 2.0


def detect_loitering(
    tracks: pd.DataFrame, ports: pd.DataFrame, params: LoiteringParams = LoiteringParams()
) -> pd.DataFrame:
    """Loitering events, one per unbroken core of a slow run (rule: module docstring).

    ``tracks`` comes from ``features.context.situate``. Returns the events table with
    ``event_type = loitering``, start/end = first/last fix of the stretch, lat/lon = its mean
    position, and a detail such as "slow 6.2 h (mean 0.4 kn) within 1.1 nm, 24 nm SW of Esbjerg"
    (against the nearest port of ``ports``).
    """
    require_columns(tracks, REQUIRED_COLUMNS, "detect_loitering")
    wanted = REQUIRED_COLUMNS + ([c.FISHING] if c.FISHING in tracks else [])
    frame = in_track_order(tracks, wanted)

    speed = speed_for_rules_knots(frame)
    slow = (speed <= params.max_speed_knots) & (frame[c.PLACE] == c.PLACE_SEA).to_numpy()
    if c.FISHING in frame:
        slow &= ~frame[c.FISHING].to_numpy(dtype=bool)
    mmsi = frame[c.MMSI].to_numpy()
    new_vessel = np.r_[True, mmsi[1:] != mmsi[:-1]]
    long_gap = frame[c.DT_H].to_numpy(dtype="float64") > params.max_report_gap_h
    run_start = slow & (new_vessel | ~np.r_[False, slow[:-1]] | long_gap)
    runs = pd.DataFrame(
        {
            _RUN: np.cumsum(run_start),
            c.LAT: frame[c.LAT].to_numpy(dtype="float64"),
            c.LON: frame[c.LON].to_numpy(dtype="float64"),
        }
    )[slow]
    if runs.empty:
        return empty_events()

    by_run = runs.groupby(_RUN, sort=False)
    dist_to_median = haversine_nm(
        runs[c.LAT],
        runs[c.LON],
        by_run[c.LAT].transform("median"),
        by_run[c.LON].transform("median"),
    )
    # Core rows, then unbroken sequences of them (slow rows of one run are contiguous in `runs`).
    core = dist_to_median <= params.max_radius_nm
    run = runs[_RUN].to_numpy()
    seq_start = core & (~np.r_[False, core[:-1]] | np.r_[True, run[1:] != run[:-1]])
    seq = np.cumsum(seq_start)[core]
    rows = runs.index.to_numpy()[core]  # row numbers in `frame`, grouped by sequence
    if rows.size == 0:
        return empty_events()

    t_us = timestamp_us(frame)
    first = np.flatnonzero(np.r_[True, seq[1:] != seq[:-1]])
    last = np.r_[first[1:] - 1, seq.size - 1]
    hours = (t_us[rows[last]] - t_us[rows[first]]) / US_PER_H
    long_enough = hours >= params.min_duration_h
    if not long_enough.any():
        return empty_events()
    keep = np.repeat(long_enough, last - first + 1)
    return _summarise(frame, t_us, rows[keep], seq[keep], speed, ports)


def _summarise(
    frame: pd.DataFrame,
    t_us: npt.NDArray[np.int64],
    rows: npt.NDArray[np.intp],
    seq: npt.NDArray[np.int64],
    speed: npt.NDArray[np.float64],
    ports: pd.DataFrame,
) -> pd.DataFrame:
    """One loitering event per sequence label in ``seq`` (rows: positions in ``frame``)."""
    part = pd.DataFrame(
        {
            _SEQ: seq,
            c.MMSI: frame[c.MMSI].to_numpy()[rows],
            _T_US: t_us[rows],
            c.LAT: frame[c.LAT].to_numpy()[rows],
            c.LON: frame[c.LON].to_numpy()[rows],
            _SPEED_KNOTS: speed[rows],
        }
    )
    grouped = part.groupby(_SEQ, sort=True)
    agg = grouped.agg(
        start_us=(_T_US, "min"),
        end_us=(_T_US, "max"),
        **{
            c.MMSI: (c.MMSI, "first"),
            c.LAT: (c.LAT, "mean"),
            c.LON: (c.LON, "mean"),
            _SPEED_KNOTS: (_SPEED_KNOTS, "mean"),
        },
    )
    part[_SPREAD_NM] = haversine_nm(
        part[c.LAT], part[c.LON], grouped[c.LAT].transform("mean"), grouped[c.LON].transform("mean")
    )
    agg["spread"] = part.groupby(_SEQ, sort=True)[_SPREAD_NM].max()
    hours = (agg["end_us"] - agg["start_us"]) / US_PER_H
    where = describe_places(agg[c.LAT], agg[c.LON], ports)
    detail = [
        f"slow {h:.1f} h (mean {v:.1f} kn) within {r:.1f} nm, at sea {w}"
        for h, v, r, w in zip(hours, agg[_SPEED_KNOTS], agg["spread"], where, strict=True)
    ]
    found = pd.DataFrame(
        {
            c.MMSI: agg[c.MMSI].to_numpy(),
            c.EVENT_TYPE: c.LOITERING,
            c.START: pd.to_datetime(agg["start_us"].to_numpy(), unit="us", utc=True),
            c.END: pd.to_datetime(agg["end_us"].to_numpy(), unit="us", utc=True),
            c.LAT: agg[c.LAT].to_numpy(),
            c.LON: agg[c.LON].to_numpy(),
            c.DETAIL: detail,
        }
    )
    return make_events(found)
