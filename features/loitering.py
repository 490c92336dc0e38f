"""Loitering: one vessel staying slow in a small area far from any port.

Smuggling hand-overs, waiting for a rendezvous and drifting off a coast all look like this in AIS:
hours at walking pace, far from an anchorage, without going anywhere. Waiting at anchor off a port
is normal and must not fire, so positions near a port never count.

Rule. A position is *slow* when its speed (``sog_knots``, or the implied speed from the previous fix
when the vessel does not report SOG) is at most ``max_speed_knots`` and it lies at least
``min_port_dist_nm`` from the nearest port. Consecutive slow positions of one vessel form a *slow
run*; a reporting gap longer than ``max_report_gap_h`` ends the run (dark periods are the gap
detector's business). Inside a run, every stretch of at least ``min_duration_h`` whose positions
stay within ``max_radius_nm`` of their centre is a *loitering window*; overlapping windows merge into
one event. So a vessel that waits six hours on one spot and then trawls away slowly gives one event
for the wait, and a slow trawler sweeping a large area gives none, while a vessel slowly drifting
for a day (each few hours within a small area) is one long event.

Limitation: the area test uses a latitude/longitude box, so a vessel loitering exactly across the
180th meridian is not detected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from features.events import empty_events, make_events
from features.geo import haversine_nm
from vessel_risk import columns as c
from vessel_risk.errors import DetectionError

REQUIRED_COLUMNS = [
    c.MMSI, c.TIMESTAMP, c.LAT, c.LON, c.SOG_KNOTS, c.DT_H, c.IMPLIED_SPEED_KNOTS,
    c.PORT_DIST_NM, c.NEAREST_PORT,
]


@dataclass(frozen=True)
class LoiteringParams:
    """Thresholds of the loitering rule (units in the names)."""

    # A ship under way rarely holds less than ~3 kn; 2 kn covers drifting and dead-slow station
    # keeping while leaving slow steaming out.
    max_speed_knots: float = 2.0
    # Shorter waits happen for pilots, traffic and weather; four hours is a deliberate stop.
    min_duration_h: float = 4.0
    # Anchorages and pilot stations lie within ~10 nm of their port; waiting there is normal.
    min_port_dist_nm: float = 10.0
    # Swinging at anchor or drifting for a few hours stays within a few nm; a trawler at 2 kn
    # covers 8 nm in four hours, so 3 nm separates "staying" from "working an area".
    max_radius_nm: float = 3.0
    # A silence longer than this is a dark period (the gap detector's event), not loitering
    # evidence: we do not assume what the vessel did while silent.
    max_report_gap_h: float = 2.0


def speed_for_rules_knots(tracks: pd.DataFrame) -> npt.NDArray[np.float64]:
    """Reported SOG where present, else the implied speed from the previous fix (NaN if neither)."""
    sog = tracks[c.SOG_KNOTS].to_numpy(dtype="float64")
    implied = tracks[c.IMPLIED_SPEED_KNOTS].to_numpy(dtype="float64")
    return np.where(np.isnan(sog), implied, sog)


def require_columns(frame: pd.DataFrame, required: list[str], who: str) -> None:
    """Raise DetectionError naming every required column the frame lacks."""
    missing = [col for col in required if col not in frame.columns]
    if missing:
        raise DetectionError(f"{who}: tracks table lacks column(s) {', '.join(missing)}")


def detect_loitering(tracks: pd.DataFrame, params: LoiteringParams = LoiteringParams()) -> pd.DataFrame:
    """Loitering events, one per merged loitering stretch (see the module docstring for the rule).

    ``tracks`` is the tracks table (features/tracks.py). Returns the events table with
    ``event_type = loitering``, start/end = first/last fix of the stretch, lat/lon = its mean
    position, and a detail such as "slow 6.2 h (mean 0.4 kn) within 1.1 nm, 24 nm from Esbjerg".
    """
    require_columns(tracks, REQUIRED_COLUMNS, "detect_loitering")
    if tracks.empty:
        return empty_events()
    frame = tracks[REQUIRED_COLUMNS].sort_values([c.MMSI, c.TIMESTAMP], kind="mergesort")
    frame = frame.reset_index(drop=True)

    speed = speed_for_rules_knots(frame)
    port_dist = frame[c.PORT_DIST_NM].to_numpy(dtype="float64")
    slow = (speed <= params.max_speed_knots) & (port_dist >= params.min_port_dist_nm)
    mmsi = frame[c.MMSI].to_numpy()
    new_vessel = np.r_[True, mmsi[1:] != mmsi[:-1]]
    prev_slow = np.r_[False, slow[:-1]]
    long_gap = frame[c.DT_H].to_numpy(dtype="float64") > params.max_report_gap_h
    run_start = slow & (new_vessel | ~prev_slow | long_gap)
    run_id = np.cumsum(run_start)[slow]  # run label of each slow row
    rows = np.flatnonzero(slow)  # slow rows, in (mmsi, time) order; each run is contiguous
    if rows.size == 0:
        return empty_events()

    times = utc_naive(frame[c.TIMESTAMP])
    t_s = times.astype("datetime64[us]").astype("int64")[rows] / 1e6
    lat = frame[c.LAT].to_numpy(dtype="float64")[rows]
    lon = frame[c.LON].to_numpy(dtype="float64")[rows]

    # Window ending at each slow row j: from the latest row k of the same run at least
    # min_duration_h earlier. Runs are contiguous and time-ordered, so one searchsorted on a
    # (run, time) key finds k for all rows at once.
    span_s = t_s.max() - t_s.min() + params.min_duration_h * 3600.0 + 1.0
    key = run_id * span_s + (t_s - t_s.min())
    k = np.searchsorted(key, key - params.min_duration_h * 3600.0, side="right") - 1
    has_window = (k >= 0) & (run_id[np.maximum(k, 0)] == run_id)
    ends = np.flatnonzero(has_window)
    starts = k[ends]
    if ends.size == 0:
        return empty_events()
    lat_min, lat_max = _range_min_max(lat, starts, ends)
    lon_min, lon_max = _range_min_max(lon, starts, ends)
    mid_lat = np.radians((lat_min + lat_max) / 2.0)
    half_diag_nm = 30.0 * np.hypot(lat_max - lat_min, (lon_max - lon_min) * np.cos(mid_lat))
    small = half_diag_nm <= params.max_radius_nm
    starts, ends = starts[small], ends[small]
    if ends.size == 0:
        return empty_events()

    # Merge overlapping windows of one run: ends increase and starts never decrease, so a window
    # opens a new event exactly when it starts after the previous window ended.
    # Windows that touch or follow on without a missing fix belong to the same stretch.
    opens = np.r_[True, (starts[1:] > ends[:-1] + 1) | (run_id[starts[1:]] != run_id[ends[:-1]])]
    first = starts[opens]
    last = np.maximum.reduceat(ends, np.flatnonzero(opens))
    return _summarise(frame, times, rows, speed, first, last)


def utc_naive(timestamps: pd.Series) -> npt.NDArray[np.datetime64]:
    """UTC timestamps as a tz-naive numpy datetime64 array (fast arithmetic, no objects)."""
    return pd.to_datetime(timestamps, utc=True).dt.tz_localize(None).to_numpy()


def _summarise(
    frame: pd.DataFrame,
    times: npt.NDArray[np.datetime64],
    rows: npt.NDArray[np.intp],
    speed: npt.NDArray[np.float64],
    first: npt.NDArray[np.intp],
    last: npt.NDArray[np.intp],
) -> pd.DataFrame:
    """One event row per [first, last] interval of slow-row positions."""
    lengths = last - first + 1
    member = np.repeat(first - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + np.arange(lengths.sum())
    label = np.repeat(np.arange(first.size), lengths)
    src = rows[member]
    part = pd.DataFrame(
        {
            "event": label,
            c.LAT: frame[c.LAT].to_numpy()[src],
            c.LON: frame[c.LON].to_numpy()[src],
            "speed": speed[src],
            c.PORT_DIST_NM: frame[c.PORT_DIST_NM].to_numpy()[src],
        }
    )
    agg = part.groupby("event", sort=True).agg(
        lat=(c.LAT, "mean"), lon=(c.LON, "mean"), speed=("speed", "mean"),
        port_dist=(c.PORT_DIST_NM, "min"),
    )
    part["spread_nm"] = haversine_nm(
        part[c.LAT], part[c.LON], agg["lat"].to_numpy()[label], agg["lon"].to_numpy()[label]
    )
    spread = part.groupby("event", sort=True)["spread_nm"].max().to_numpy()
    # Name the port nearest to the stretch: the one of its closest fix.
    closest = part.groupby("event", sort=True)[c.PORT_DIST_NM].idxmin().to_numpy()
    port_name = frame[c.NEAREST_PORT].to_numpy()[src[closest]]
    start = times[rows[first]]
    end = times[rows[last]]
    hours = (end - start) / np.timedelta64(1, "h")
    detail = [
        f"slow {h:.1f} h (mean {v:.1f} kn) within {r:.1f} nm, {d:.0f} nm from {p}"
        for h, v, r, d, p in zip(hours, agg["speed"], spread, agg["port_dist"], port_name)
    ]
    found = pd.DataFrame(
        {
            c.MMSI: frame[c.MMSI].to_numpy()[rows[first]],
            c.EVENT_TYPE: c.LOITERING,
            c.START: start,
            c.END: end,
            c.LAT: agg["lat"].to_numpy(),
            c.LON: agg["lon"].to_numpy(),
            c.DETAIL: detail,
        }
    )
    return make_events(found)


def _range_min_max(
    values: npt.NDArray[np.float64], lo: npt.NDArray[np.intp], hi: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Min and max of ``values[lo[i]..hi[i]]`` (inclusive) for every i, in O(n log n).

    A sparse table built level by level: at level l, ``mins[i]`` is the minimum of the 2**l values
    starting at i; a range of length L is covered by two overlapping blocks of the largest
    2**l <= L. Only the current level is kept, so memory stays O(n).
    """
    length = hi - lo + 1
    level = np.floor(np.log2(length)).astype(np.intp)
    out_min = np.empty(lo.size, dtype="float64")
    out_max = np.empty(lo.size, dtype="float64")
    mins, maxs = values.copy(), values.copy()
    for lv in range(int(level.max()) + 1):
        sel = np.flatnonzero(level == lv)
        if sel.size:
            right = hi[sel] - (1 << lv) + 1
            out_min[sel] = np.minimum(mins[lo[sel]], mins[right])
            out_max[sel] = np.maximum(maxs[lo[sel]], maxs[right])
        step = 1 << lv
        mins = np.minimum(mins[:-step], mins[step:])
        maxs = np.maximum(maxs[:-step], maxs[step:])
    return out_min, out_max
