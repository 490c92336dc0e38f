"""AIS dark periods at sea: a vessel stops transmitting where it would have been heard.

A gap is two consecutive fixes of one vessel at least ``min_gap_h`` apart (and at least
``min_gap_intervals`` times the vessel's own median interval between fixes, so a sparse feed does
not make every pause a gap) where

- the vessel went dark at sea (``features.context``: not in a port area, not at an anchorage), and
- the receivers would have heard it: at least ``min_covered_share`` of ``path_points`` points along
  its way through the silence (a straight line from where it went dark to where it reappeared,
  at even speed) lie outside coverage holes, poorly heard cells and receiver outages
  (``features.coverage``), and neither end lies next to a hole. A vessel crossing or working in a
  coverage hole, or in a thinned feed, is silent for a reason; open water nobody else sailed
  gives no such reason.

A vessel last heard at sea is "still dark" when the last message heard in its area
(``Coverage.area_end``: the end of the feed there, not midnight) came long enough after its own,
and its way ahead (dead reckoning on its last course and speed) stays in well-heard cells: with
no fix to say where it went, open water nobody else sailed may be out of range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features.coverage import Coverage
from vessel_risk.features.events import empty_events, make_events
from vessel_risk.features.geo import bearing_deg, describe_places
from vessel_risk.features.tracks import US_PER_H, require_columns, require_track_order, timestamp_us

REQUIRED_COLUMNS = [c.MMSI, c.TIMESTAMP, c.LAT, c.LON, c.DT_H, c.DIST_NM, c.IMPLIED_SPEED_KNOTS,
                    c.PLACE]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GapParams:
    """Thresholds of the gap detector."""

    # Shortest silence that counts. Class A transponders report every 2-10 s under way and every
    # 3 min at anchor; 6 h is a silence no routine explains, and a common choice in published
    # dark-period work on terrestrial AIS.
    min_gap_h: float = 6.0
    # The silence must also last this many of the vessel's own usual intervals between fixes:
    # in a feed thinned to a fix every 2 h, 6 h of silence is three missed fixes, not a gap.
    min_gap_intervals: float = 6.0
    # Points checked for coverage along the way through the silence (both ends included).
    path_points: int = 12
    # Share of those points that must lie where vessels are heard: a silence that is mostly in a
    # coverage hole or out of range is explained by the receivers, not by the vessel.
    min_covered_share: float = 0.9
    # "Still dark": the way ahead is projected on the last course and speed for at most this long
    # ...
    max_projection_h: float = 24.0
    # ... unless the vessel was no faster than this (the loitering speed): a drifting or waiting
    # vessel stays where it was last heard; its last course means little.
    max_stay_knots: float = 2.0


def detect_gaps(
    tracks: pd.DataFrame,
    coverage: Coverage,
    ports: pd.DataFrame,
    params: GapParams = GapParams(),
) -> pd.DataFrame:
    """Dark periods at sea, as ``gap`` events (``features.events`` contract).

    One event per silence: start/end are the fixes around it ("still dark": the last message heard
    in its area), lat/lon where the vessel went dark, detail with the duration, where (against the
    nearest port of ``ports``), how many other vessels were heard there meanwhile, and where it
    reappeared. ``tracks`` comes from ``features.context.situate``.
    """
    require_columns(tracks, REQUIRED_COLUMNS, "detect_gaps(tracks)")
    require_track_order(tracks, "detect_gaps(tracks)")
    if len(tracks) == 0:
        return empty_events()
    own_h = _own_interval_h(tracks)
    found = [f for f in (_closed_gaps(tracks, own_h, coverage, ports, params),
                         _open_gaps(tracks, own_h, coverage, ports, params)) if len(f)]
    return make_events(pd.concat(found, ignore_index=True)) if found else empty_events()


def _own_interval_h(tracks: pd.DataFrame) -> FloatArray:
    """Each row's vessel's median interval between fixes (hours; NaN with a single fix)."""
    dt = tracks[c.DT_H].astype("float64")
    return dt.groupby(tracks[c.MMSI].to_numpy()).transform("median").to_numpy(dtype="float64")


def _long_enough(silent_h: FloatArray, own_h: FloatArray, params: GapParams) -> np.ndarray:
    return (silent_h >= params.min_gap_h) & ~(silent_h < params.min_gap_intervals * own_h)


def _covered_share(coverage: Coverage, lat: FloatArray, lon: FloatArray, t_us: np.ndarray,
                   unknown_covered: bool) -> FloatArray:
    """Share of each path's points (rows of the n x path_points arrays) in coverage."""
    covered = coverage.covered(lat.ravel(), lon.ravel(), t_us.ravel().astype("int64"),
                               unknown_covered)
    return covered.reshape(lat.shape).mean(axis=1)


def _closed_gaps(tracks: pd.DataFrame, own_h: FloatArray, coverage: Coverage,
                 ports: pd.DataFrame, params: GapParams) -> pd.DataFrame:
    dt_h = tracks[c.DT_H].to_numpy(dtype="float64", na_value=np.nan)
    at_sea = (tracks[c.PLACE] == c.PLACE_SEA).to_numpy()
    after = np.flatnonzero(_long_enough(dt_h, own_h, params))  # the fix that ends a silence
    before = after - 1  # dt_h is NaN on a vessel's first row, so this is the same vessel
    keep = at_sea[before]
    before, after = before[keep], after[keep]
    if len(after) == 0:
        return empty_events()
    lat = tracks[c.LAT].to_numpy(dtype="float64")
    lon = tracks[c.LON].to_numpy(dtype="float64")
    t_us = timestamp_us(tracks)
    frac = np.linspace(0.0, 1.0, params.path_points)[None, :]
    dlon = (lon[after] - lon[before] + 180.0) % 360.0 - 180.0
    p_lat = lat[before, None] + frac * (lat[after] - lat[before])[:, None]
    p_lon = (lon[before, None] + frac * dlon[:, None] + 180.0) % 360.0 - 180.0
    p_t = t_us[before, None] + frac * (t_us[after] - t_us[before])[:, None]
    keep = _covered_share(coverage, p_lat, p_lon, p_t, True) >= params.min_covered_share
    keep &= ~coverage.near_hole(lat[before], lon[before]) & ~coverage.near_hole(lat[after],
                                                                                 lon[after])
    before, after, p_lat, p_lon = before[keep], after[keep], p_lat[keep], p_lon[keep]
    if len(after) == 0:
        return empty_events()

    mmsi = tracks[c.MMSI].to_numpy(dtype="int64")
    went = describe_places(lat[before], lon[before], ports)
    back = describe_places(lat[after], lon[after], ports)
    moved = tracks[c.DIST_NM].to_numpy(dtype="float64")[after]
    hours = dt_h[after]
    detail = [
        f"dark {h:.1f} h at sea {w}, {_heard(coverage, pl, po, t_us[b], t_us[a], mmsi[b])}; "
        f"reappeared {m:.0f} nm away, {r} (avg {m / h:.1f} kn)"
        for h, w, pl, po, b, a, m, r in zip(hours, went, p_lat, p_lon, before, after, moved, back)
    ]
    return _events(tracks, before, t_us[after], detail)


def _open_gaps(tracks: pd.DataFrame, own_h: FloatArray, coverage: Coverage,
               ports: pd.DataFrame, params: GapParams) -> pd.DataFrame:
    mmsi = tracks[c.MMSI].to_numpy(dtype="int64")
    last = np.flatnonzero(np.r_[mmsi[1:] != mmsi[:-1], True])
    last = last[(tracks[c.PLACE] == c.PLACE_SEA).to_numpy()[last]]
    lat = tracks[c.LAT].to_numpy(dtype="float64")[last]
    lon = tracks[c.LON].to_numpy(dtype="float64")[last]
    t_us = timestamp_us(tracks)[last]
    end_us = coverage.area_end(lat, lon)
    silent_h = (end_us - t_us) / US_PER_H
    keep = _long_enough(silent_h, own_h[last], params)
    last, lat, lon, t_us, end_us, silent_h = (
        a[keep] for a in (last, lat, lon, t_us, end_us, silent_h))
    if len(last) == 0:
        return empty_events()
    sog, cog = _last_motion(tracks, last)
    moving = np.isfinite(sog) & np.isfinite(cog) & (sog > params.max_stay_knots)
    run_nm = np.where(moving, sog, 0.0) * np.minimum(silent_h, params.max_projection_h)
    frac = np.linspace(0.0, 1.0, params.path_points)[None, :]
    heading = np.radians(np.where(moving, cog, 0.0))[:, None]
    p_lat = lat[:, None] + frac * run_nm[:, None] * np.cos(heading) / 60.0
    p_lon = lon[:, None] + frac * run_nm[:, None] * np.sin(heading) / (
        60.0 * np.maximum(np.cos(np.radians(lat)), 0.01)[:, None])
    p_lat = np.clip(p_lat, -90.0, 90.0)
    p_lon = (p_lon + 180.0) % 360.0 - 180.0
    p_t = t_us[:, None] + frac * (end_us - t_us)[:, None]
    keep = _covered_share(coverage, p_lat, p_lon, p_t, False) >= params.min_covered_share
    keep &= ~coverage.near_hole(lat, lon)
    last, lat, lon, t_us, end_us, silent_h, p_lat, p_lon = (
        a[keep] for a in (last, lat, lon, t_us, end_us, silent_h, p_lat, p_lon))
    if len(last) == 0:
        return empty_events()
    where = describe_places(lat, lon, ports)
    ends = pd.to_datetime(end_us, unit="us", utc=True)
    detail = [
        f"still dark: silent {h:.1f} h at sea {w} until the last message heard in its area "
        f"({e:%H:%M} UTC), {_heard(coverage, pl, po, t, ee, m)}"
        for h, w, e, pl, po, t, ee, m in zip(silent_h, where, ends, p_lat, p_lon, t_us, end_us,
                                              tracks[c.MMSI].to_numpy()[last])
    ]
    return _events(tracks, last, end_us, detail)


def _heard(coverage: Coverage, p_lat: FloatArray, p_lon: FloatArray, start_us: int, end_us: int,
           mmsi: int) -> str:
    """Words for the receivers' evidence: who else was heard on the way, and how often."""
    others = coverage.heard_during(p_lat, p_lon, int(start_us), int(end_us), int(mmsi))
    interval = np.nanmedian(coverage.interval_h(p_lat, p_lon))
    every = f"{interval * 60:.0f} min" if interval * 60 >= 1 else "minute"
    vessels = "1 other vessel was" if others == 1 else f"{others} other vessels were"
    return f"where {vessels} heard meanwhile (vessels there are heard every {every})"


def _events(tracks: pd.DataFrame, rows: np.ndarray, end_us: np.ndarray, detail: list[str]
            ) -> pd.DataFrame:
    here = tracks.iloc[rows].reset_index(drop=True)
    return pd.DataFrame({
        c.MMSI: here[c.MMSI],
        c.EVENT_TYPE: c.GAP,
        c.START: here[c.TIMESTAMP],
        c.END: pd.to_datetime(np.asarray(end_us, dtype="int64"), unit="us", utc=True),
        c.LAT: here[c.LAT],
        c.LON: here[c.LON],
        c.DETAIL: pd.Series(detail, dtype="string"),
    })


def _last_motion(tracks: pd.DataFrame, rows: np.ndarray) -> tuple[FloatArray, FloatArray]:
    """Speed (kn) and course (degrees) at each row: reported SOG and COG, else the implied speed
    and the bearing from the vessel's previous fix (NaN course on a vessel's only fix)."""
    sog = _column(tracks, c.SOG_KNOTS)[rows]
    cog = _column(tracks, c.COG_DEG)[rows]
    implied = _column(tracks, c.IMPLIED_SPEED_KNOTS)[rows]
    has_prev = np.isfinite(_column(tracks, c.DT_H)[rows])
    prev = np.where(has_prev, rows - 1, rows)
    lat = tracks[c.LAT].to_numpy(dtype="float64")
    lon = tracks[c.LON].to_numpy(dtype="float64")
    bearing = np.where(has_prev, bearing_deg(lat[prev], lon[prev], lat[rows], lon[rows]), np.nan)
    return np.where(np.isfinite(sog), sog, implied), np.where(np.isfinite(cog), cog, bearing)


def _column(tracks: pd.DataFrame, name: str) -> FloatArray:
    if name not in tracks:
        return np.full(len(tracks), np.nan)
    return tracks[name].to_numpy(dtype="float64", na_value=np.nan)

