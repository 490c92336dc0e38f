"""Tiny scenario builders for the behaviour detectors (loitering, encounters).

Each builder returns a *tracks* frame (see features/tracks.py) with every tracks column filled in,
so the detectors can be tested without the ingest layer or the port list: the distance to the
nearest port is a parameter of the builder.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from features.geo import haversine_nm
from vessel_risk import columns as c

T0 = pd.Timestamp("2024-03-01T00:00:00Z")


def track_from_points(
    mmsi: int,
    times: Sequence[pd.Timestamp] | pd.DatetimeIndex,
    lats: Sequence[float] | np.ndarray,
    lons: Sequence[float] | np.ndarray,
    sog_knots: float | Sequence[float] | np.ndarray = np.nan,
    port_dist_nm: float | Sequence[float] | np.ndarray = 50.0,
    nearest_port: str = "Testport",
) -> pd.DataFrame:
    """One vessel's fixes as a tracks frame (derived columns computed)."""
    n = len(lats)
    raw = pd.DataFrame(
        {
            c.MMSI: np.full(n, mmsi, dtype="int64"),
            c.TIMESTAMP: pd.DatetimeIndex(times).tz_convert("UTC").astype("datetime64[us, UTC]"),
            c.LAT: np.asarray(lats, dtype="float64"),
            c.LON: np.asarray(lons, dtype="float64"),
            c.SOG_KNOTS: np.broadcast_to(np.asarray(sog_knots, dtype="float64"), (n,)).copy(),
            c.COG_DEG: np.nan,
            c.HEADING_DEG: np.nan,
            c.NAV_STATUS: np.nan,
            c.MSG_TYPE: np.full(n, 1, dtype="int64"),
            c.RECEIVERS: np.full(n, 1, dtype="int64"),
            c.SOURCE_FILE: pd.Series(["builder"] * n, dtype="string"),
            c.LINE_NO: np.arange(1, n + 1, dtype="int64"),
            c.PORT_DIST_NM: np.broadcast_to(np.asarray(port_dist_nm, dtype="float64"), (n,)).copy(),
            c.NEAREST_PORT: pd.Series([nearest_port] * n, dtype="string"),
        }
    )
    return combine_tracks(raw)


def stationary_track(
    mmsi: int,
    lat: float,
    lon: float,
    hours: float,
    start: pd.Timestamp = T0,
    interval_min: float = 10.0,
    sog_knots: float = 0.2,
    jitter_nm: float = 0.0,
    seed: int = 0,
    port_dist_nm: float = 50.0,
    nearest_port: str = "Testport",
) -> pd.DataFrame:
    """A vessel holding one position (optionally with random jitter of about ``jitter_nm``)."""
    times = pd.date_range(
        start, start + pd.Timedelta(hours=hours), freq=pd.Timedelta(minutes=interval_min)
    )
    rng = np.random.default_rng(seed)
    jitter_deg = jitter_nm / 60.0
    lats = lat + rng.uniform(-jitter_deg, jitter_deg, len(times))
    lons = lon + rng.uniform(-jitter_deg, jitter_deg, len(times)) / np.cos(np.radians(lat))
    return track_from_points(mmsi, times, lats, lons, sog_knots, port_dist_nm, nearest_port)


def straight_track(
    mmsi: int,
    lat: float,
    lon: float,
    course_deg: float,
    speed_knots: float,
    hours: float,
    start: pd.Timestamp = T0,
    interval_min: float = 10.0,
    report_sog: bool = True,
    port_dist_nm: float = 50.0,
    nearest_port: str = "Testport",
) -> pd.DataFrame:
    """A vessel steaming on a constant course and speed (flat-earth steps, fine for tests)."""
    times = pd.date_range(
        start, start + pd.Timedelta(hours=hours), freq=pd.Timedelta(minutes=interval_min)
    )
    elapsed_h = (times - start).total_seconds().to_numpy() / 3600.0
    run_nm = speed_knots * elapsed_h
    course = np.radians(course_deg)
    lats = lat + run_nm * np.cos(course) / 60.0
    lons = lon + run_nm * np.sin(course) / (60.0 * np.cos(np.radians(lat)))
    sog = speed_knots if report_sog else np.nan
    return track_from_points(mmsi, times, lats, lons, sog, port_dist_nm, nearest_port)


def combine_tracks(*frames: pd.DataFrame) -> pd.DataFrame:
    """Concatenate track pieces, sort by (mmsi, timestamp) and recompute the per-vessel columns."""
    out = pd.concat(frames, ignore_index=True).sort_values([c.MMSI, c.TIMESTAMP], kind="mergesort")
    out = out.reset_index(drop=True)
    same = out[c.MMSI].eq(out[c.MMSI].shift())
    dt_h = out[c.TIMESTAMP].diff().dt.total_seconds() / 3600.0
    dist = haversine_nm(out[c.LAT].shift(), out[c.LON].shift(), out[c.LAT], out[c.LON])
    out[c.DT_H] = dt_h.where(same)
    out[c.DIST_NM] = pd.Series(dist).where(same)
    out[c.IMPLIED_SPEED_KNOTS] = (out[c.DIST_NM] / out[c.DT_H]).where(out[c.DT_H] > 0)
    return out
