"""Tracks: each vessel's valid positions in time order, with per-step columns.

``build_tracks`` is the one place where positions become tracks; every movement detector reads its
output. Per-vessel differences are taken on whole arrays (one sort, one diff, a vessel-boundary
mask), never with a groupby-apply, so 10M rows stay in seconds.

The module also holds the small helpers the feature modules share, so each exists once: input
checks (:func:`require_columns`, also used by identity and condition; :func:`require_track_order`),
what counts as a position (:func:`has_position_fix`) and track arrays (:func:`timestamp_us` with
``US_PER_H``, :func:`speed_for_rules_knots`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.common.errors import DetectionError
from vessel_risk.features.geo import haversine_nm

# What build_tracks needs from positions; every other column is carried through unchanged.
REQUIRED_POSITION_COLUMNS = [c.MMSI, c.TIMESTAMP, c.LAT, c.LON]
# The columns build_tracks adds.
DERIVED_COLUMNS = [c.DT_H, c.DIST_NM, c.IMPLIED_SPEED_KNOTS]
# Microseconds per hour: turns differences of timestamp_us into hours.
US_PER_H = 3_600_000_000
# Largest one-column sort key build_tracks makes of (vessel rank, microseconds); beyond it, it
# sorts the two columns (slower).
_MAX_KEY = 2**62


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise DetectionError naming every column of ``columns`` that ``frame`` lacks."""
    missing = [col for col in columns if col not in frame.columns]
    if missing:
        raise DetectionError(f"{what}: missing required column(s) {', '.join(missing)}")


def timestamp_us(frame: pd.DataFrame) -> npt.NDArray[np.int64]:
    """The timestamp column as int64 microseconds since the epoch (UTC), without object arrays."""
    return frame[c.TIMESTAMP].to_numpy(dtype="datetime64[us]").astype("int64")


def speed_for_rules_knots(tracks: pd.DataFrame) -> npt.NDArray[np.float64]:
    """Reported SOG where present, else the implied speed from the previous fix (NaN if neither).

    Detectors judge "slow" on this: SOG is the transponder's own measurement, the implied speed
    covers vessels that do not report it. Without a ``sog_knots`` column the implied speed is used
    throughout.
    """
    implied = tracks[c.IMPLIED_SPEED_KNOTS].to_numpy(dtype="float64", na_value=np.nan)
    if c.SOG_KNOTS not in tracks.columns:
        return implied
    sog = tracks[c.SOG_KNOTS].to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isnan(sog), implied, sog)


def has_position_fix(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where lat/lon is a usable position: present, in range, and not "null island" (0, 0).

    AIS encodes "no position" as 91/181 (null after ingest), but transponders without a GPS fix
    often send exactly 0, 0 instead; no ship reports from that exact point, so it is dropped too.
    """
    lat_a = np.asarray(lat, dtype="float64")
    lon_a = np.asarray(lon, dtype="float64")
    in_range = np.isfinite(lat_a) & np.isfinite(lon_a)
    in_range &= (np.abs(lat_a) <= 90.0) & (np.abs(lon_a) <= 180.0)
    return in_range & ((lat_a != 0.0) | (lon_a != 0.0))


def require_track_order(tracks: pd.DataFrame, what: str) -> None:
    """Raise DetectionError unless rows are sorted by (mmsi, timestamp) with index 0..n-1.

    Detectors read "the previous fix" as the previous row, which is only true for build_tracks'
    output; this cheap check turns a silent wrong answer into an error.
    """
    if len(tracks) == 0:
        return
    mmsi = tracks[c.MMSI].to_numpy()
    ts = timestamp_us(tracks)
    same = mmsi[1:] == mmsi[:-1]
    ordered = bool(np.all(mmsi[1:] >= mmsi[:-1])) and bool(np.all(ts[1:][same] >= ts[:-1][same]))
    if not ordered or not tracks.index.equals(pd.RangeIndex(len(tracks))):
        raise DetectionError(
            f"{what}: tracks must be sorted by (mmsi, timestamp) with a 0..n-1 index; "
            "build them with features.tracks.build_tracks"
        )


def in_track_order(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """``frame`` in (mmsi, timestamp) order (stable) with a 0..n-1 index. Tracks that
    ``build_tracks`` made are already in it: they are returned whole, sharing their columns
    (no sort, no copy); others are sorted, only their ``columns`` if given."""
    mmsi = frame[c.MMSI].to_numpy()
    ts = timestamp_us(frame)
    if _in_order(mmsi, ts, repeats=True):
        rows = frame.copy(deep=False)
    else:
        rows = (frame if columns is None else frame[columns]).sort_values(
            [c.MMSI, c.TIMESTAMP], kind="mergesort")
    rows.index = pd.RangeIndex(len(rows))  # reset_index would copy every column
    return rows


def frame_of(columns: dict[str, object]) -> pd.DataFrame:
    """A DataFrame of ``columns`` (arrays of one length) that shares them: pandas' own
    ``DataFrame(dict)`` copies every column into 2-D blocks, a day's worth of copies at 10M rows."""
    return pd.concat([pd.Series(v, name=k, copy=False) for k, v in columns.items()], axis=1,
                     copy=False)


def build_tracks(positions: pd.DataFrame) -> pd.DataFrame:
    """Positions with a usable fix, in (mmsi, timestamp) order, plus per-vessel derived columns.

    Drops rows without a usable position (missing, out of range, or exactly 0, 0: see
    :func:`has_position_fix`) or timestamp, and repeated (mmsi, timestamp) rows (keeping the first
    as given). Adds ``dt_h`` (hours since the vessel's previous fix),
    ``dist_nm`` (great-circle nm from it), ``implied_speed_knots`` (dist_nm / dt_h; NaN when
    dt_h is 0), all NaN on a vessel's first row. Where each fix is (port, anchorage, sea) is
    ``features.context``'s business. ``timestamp`` becomes datetime64[us, UTC]; the index is
    0..n-1; ``positions`` is not modified.
    """
    require_columns(positions, REQUIRED_POSITION_COLUMNS, "build_tracks(positions)")

    lat = positions[c.LAT].to_numpy(dtype="float64", na_value=np.nan)
    lon = positions[c.LON].to_numpy(dtype="float64", na_value=np.nan)
    stamps = _timestamps_utc(positions[c.TIMESTAMP])
    usable = has_position_fix(lat, lon) & ~stamps.isna()
    rows = np.flatnonzero(usable)

    mmsi = positions[c.MMSI].to_numpy(dtype="int64")[rows]
    ts = stamps.to_numpy(dtype="int64", na_value=0)[rows]
    first = _first_of_each_key(mmsi, ts)
    rows, mmsi, ts = rows[first], mmsi[first], ts[first]

    # Column by column, joined without consolidating: pandas' own row take, or a frame built
    # from a dict, copies every column into 2-D blocks (3-5 s more at 10M rows).
    taken = {col: _take(positions[col], rows) for col in positions.columns}
    taken[c.TIMESTAMP] = stamps.take(rows)
    tracks = frame_of(taken)
    lat, lon = lat[rows], lon[rows]
    same_vessel = np.zeros(len(rows), dtype=bool)
    same_vessel[1:] = mmsi[1:] == mmsi[:-1]

    dt_h = np.full(len(rows), np.nan)
    dt_h[1:] = np.diff(ts) / US_PER_H  # ts in microseconds since the epoch
    dist_nm = np.full(len(rows), np.nan)
    if len(rows) > 1:
        dist_nm[1:] = haversine_nm(lat[:-1], lon[:-1], lat[1:], lon[1:])
    dt_h[~same_vessel] = np.nan
    dist_nm[~same_vessel] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(dt_h > 0, dist_nm / dt_h, np.nan)

    tracks[c.DT_H] = dt_h
    tracks[c.DIST_NM] = dist_nm
    tracks[c.IMPLIED_SPEED_KNOTS] = speed
    return tracks


def _first_of_each_key(mmsi: npt.NDArray[np.int64], ts: npt.NDArray[np.int64]
                       ) -> npt.NDArray[np.intp]:
    """Indices that put (mmsi, ts) in order, one per distinct pair: the first given of repeats.

    Rows already in order (a stored day) cost two comparison passes. Otherwise the pair becomes one
    int64 key (the vessel's rank, then microseconds since the earliest fix), sorted with numpy's
    fast unstable sort, and the smallest index of each run of equal keys is kept: what a stable
    sort would have put first. Where the key would pass ``_MAX_KEY`` (vessels x microseconds
    spanned: over a year of 100,000 vessels) the two columns are sorted as they are.
    """
    if _in_order(mmsi, ts, repeats=True):  # a stored day: repeats, if any, are neighbours
        new = np.ones(len(mmsi), dtype=bool)
        new[1:] = (mmsi[1:] != mmsi[:-1]) | (ts[1:] != ts[:-1])
        return np.arange(len(mmsi)) if new.all() else np.flatnonzero(new)
    codes, vessels = pd.factorize(mmsi, sort=True)
    t0 = int(ts.min())
    span = int(ts.max()) - t0 + 1
    if len(vessels) * span <= _MAX_KEY:
        key = codes.astype("int64") * span + (ts - t0)
        order = np.argsort(key)
        key = key[order]
        new = key[1:] != key[:-1]
    else:
        order = np.lexsort((ts, mmsi))
        m, t = mmsi[order], ts[order]
        new = (m[1:] != m[:-1]) | (t[1:] != t[:-1])
    return np.minimum.reduceat(order, np.flatnonzero(np.r_[True, new]))


def _take(column: pd.Series, rows: npt.NDArray[np.intp]) -> object:
    """The values of ``column`` at ``rows``, a numpy gather where the dtype is numpy's own."""
    if isinstance(column.dtype, np.dtype):
        return column.to_numpy()[rows]
    return column.array.take(rows)


def _in_order(mmsi: np.ndarray, ts: np.ndarray, repeats: bool) -> bool:
    """True when rows run in (mmsi, ts) order (with ``repeats``, equal pairs may follow)."""
    later = ts[1:] >= ts[:-1] if repeats else ts[1:] > ts[:-1]
    return bool(np.all((mmsi[1:] > mmsi[:-1]) | ((mmsi[1:] == mmsi[:-1]) & later)))


def _timestamps_utc(ts: pd.Series) -> pd.api.extensions.ExtensionArray:
    """The timestamp column's values as datetime64[us, UTC], whatever resolution they came in.
    Through the array, not ``.dt``: see ``common.days.localized``."""
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        raise DetectionError(
            f"build_tracks(positions): column {c.TIMESTAMP} must be tz-aware UTC, got {ts.dtype}"
        )
    return ts.array.tz_convert("UTC").astype("datetime64[us, UTC]")
