"""What one vessel's map shows, in degrees: its track split where it fell silent or jumped, the
places of its events, and the tracks of the vessels it met. Pure data; ``maps`` draws it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features.geo import haversine_nm
from vessel_risk.report.day import DayData
from vessel_risk.report.dossier import Dossier, EventLine, vessel_track
from vessel_risk.report.params import ReportParams

Point = tuple[float, float]  # (lon, lat)
Line = tuple[Point, Point]
FloatArray = npt.NDArray[np.float64]

# Track points kept per map: one every ~5 min over a week. Denser tracks are thinned (fixes beside
# a silence or a jump are always kept); the eye cannot tell more apart on a 640 px map.
MAX_TRACK_POINTS = 2000
# Smallest loitering circle drawn (nm): a vessel that lay still still gets a visible ring.
MIN_LOITER_RADIUS_NM = 0.3


@dataclass(frozen=True)
class Partner:
    """The other vessel of an encounter and its track around the meeting."""

    event_id: str
    mmsi: int
    lon: FloatArray
    lat: FloatArray


@dataclass(frozen=True)
class EventMark:
    """Where an event is drawn: its place, and for some a second place or a radius."""

    event: EventLine
    at: Point
    other: Point | None = None  # gap: where the vessel reappeared; spoofing: the fix before
    radius_nm: float = 0.0  # loitering: the area it kept to


@dataclass(frozen=True)
class MapLayers:
    mmsi: int
    track_lon: FloatArray  # heard stretches, NaN between them
    track_lat: FloatArray
    silent: tuple[Line, ...]  # from the last fix before a silence to the first after it
    jumps: tuple[Line, ...]  # between two fixes no ship could join in the time between them
    first: Point | None
    last: Point | None
    marks: tuple[EventMark, ...]
    partners: tuple[Partner, ...]
    lon_offset: float  # added to every longitude (0, or 360 for maps across the antimeridian)

    def points(self) -> tuple[FloatArray, FloatArray]:
        """Every drawn point (lon, lat): the map's extent must hold them all."""
        lons = [self.track_lon]
        lats = [self.track_lat]
        for a, b in self.silent + self.jumps:
            lons.append(np.array([a[0], b[0]]))
            lats.append(np.array([a[1], b[1]]))
        for m in self.marks:
            lons.append(np.array([m.at[0]] + ([m.other[0]] if m.other else [])))
            lats.append(np.array([m.at[1]] + ([m.other[1]] if m.other else [])))
        for p in self.partners:
            lons.append(p.lon)
            lats.append(p.lat)
        lon, lat = np.concatenate(lons), np.concatenate(lats)
        ok = np.isfinite(lon) & np.isfinite(lat)
        return lon[ok], lat[ok]


def map_layers(dossier: Dossier, data: DayData, params: ReportParams) -> MapLayers:
    track = vessel_track(data.positions, dossier.mmsi)
    t_us = _us(track[c.TIMESTAMP])
    lat = track[c.LAT].to_numpy(dtype="float64")
    lon_raw = track[c.LON].to_numpy(dtype="float64")
    offset = _lon_offset(lon_raw, dossier)
    lon = _wrap(lon_raw, offset)
    dt_h = np.diff(t_us) / 3.6e9
    dist = haversine_nm(lat[:-1], lon[:-1], lat[1:], lon[1:])
    silent = dt_h > params.silent_after_h
    with np.errstate(divide="ignore", invalid="ignore"):
        jump = ~silent & (dist > params.jump_speed_knots * np.maximum(dt_h, 0.0))
    breaks = silent | jump
    keep = _thin(len(lat), breaks)
    track_lon, track_lat = _broken_line(lon, lat, breaks, keep)
    return MapLayers(
        mmsi=dossier.mmsi,
        track_lon=track_lon,
        track_lat=track_lat,
        silent=_links(lon, lat, silent),
        jumps=_links(lon, lat, jump),
        first=(float(lon[0]), float(lat[0])) if len(lat) else None,
        last=(float(lon[-1]), float(lat[-1])) if len(lat) else None,
        marks=tuple(_mark(e, track, t_us, lon, lat, offset) for e in dossier.events if e.spatial),
        partners=_partners(dossier, data, params, offset),
        lon_offset=offset,
    )


def _lon_offset(lon: FloatArray, dossier: Dossier) -> float:
    """360 when the vessel's longitudes straddle the antimeridian (drawn east of it), else 0."""
    lons = np.r_[lon, [e.lon for e in dossier.events if e.spatial]]
    lons = lons[np.isfinite(lons)]
    if len(lons) and lons.max() - lons.min() > 180.0:
        return 360.0
    return 0.0


def _wrap(lon: FloatArray, offset: float) -> FloatArray:
    return np.where(lon < 0.0, lon + offset, lon) if offset else lon


def _thin(n: int, breaks: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Which of ``n`` fixes to draw: every k-th, plus both ends of every break and the last."""
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    step = max(1, -(-n // MAX_TRACK_POINTS))
    keep[::step] = True
    keep[np.flatnonzero(breaks)] = True
    keep[np.flatnonzero(breaks) + 1] = True
    keep[-1] = True
    return keep


def _broken_line(lon: FloatArray, lat: FloatArray, breaks: npt.NDArray[np.bool_],
                 keep: npt.NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
    """The kept fixes as one polyline with a NaN (pen up) after each break."""
    if len(lon) == 0:
        return np.zeros(0), np.zeros(0)
    idx = np.flatnonzero(keep)
    after_break = np.r_[breaks, False][idx]  # a break follows this kept fix
    n_out = len(idx) + int(after_break.sum())
    pos = np.arange(len(idx)) + np.r_[0, np.cumsum(after_break)[:-1]]
    out_lon, out_lat = np.full(n_out, np.nan), np.full(n_out, np.nan)
    out_lon[pos], out_lat[pos] = lon[idx], lat[idx]
    return out_lon, out_lat


def _links(lon: FloatArray, lat: FloatArray, where: npt.NDArray[np.bool_]) -> tuple[Line, ...]:
    return tuple(((float(lon[i]), float(lat[i])), (float(lon[i + 1]), float(lat[i + 1])))
                 for i in np.flatnonzero(where))


def _mark(event: EventLine, track: pd.DataFrame, t_us: npt.NDArray[np.int64], lon: FloatArray,
          lat: FloatArray, offset: float) -> EventMark:
    at = (float(_wrap(np.array([event.lon]), offset)[0]), event.lat)
    if event.event_type == c.GAP:
        return EventMark(event, at, other=_fix_at(t_us, lon, lat, event.end))
    if event.event_type == c.SPOOFING:
        return EventMark(event, at, other=_fix_at(t_us, lon, lat, event.start))
    if event.event_type == c.LOITERING:
        inside = (t_us >= _ts_us(event.start)) & (t_us <= _ts_us(event.end))
        radius = float(np.max(haversine_nm(event.lat, event.lon, lat[inside], lon[inside]),
                              initial=0.0)) if inside.any() else 0.0
        return EventMark(event, at, radius_nm=max(radius, MIN_LOITER_RADIUS_NM))
    return EventMark(event, at)


def _fix_at(t_us: npt.NDArray[np.int64], lon: FloatArray, lat: FloatArray,
            when: pd.Timestamp) -> Point | None:
    """The vessel's fix at exactly ``when`` (events start and end on fixes), if it has one."""
    i = int(np.searchsorted(t_us, _ts_us(when)))
    if i < len(t_us) and t_us[i] == _ts_us(when):
        return (float(lon[i]), float(lat[i]))
    return None


def _partners(dossier: Dossier, data: DayData, params: ReportParams,
              offset: float) -> tuple[Partner, ...]:
    out = []
    context = pd.Timedelta(hours=params.encounter_context_h)
    for e in dossier.events:
        if e.event_type != c.ENCOUNTER or e.other_mmsi is None:
            continue
        track = vessel_track(data.positions, e.other_mmsi)
        stamps = track[c.TIMESTAMP]
        near = track.loc[(stamps >= e.start - context) & (stamps <= e.end + context)]
        lon = _wrap(near[c.LON].to_numpy(dtype="float64"), offset)
        out.append(Partner(e.event_id, e.other_mmsi, lon, near[c.LAT].to_numpy(dtype="float64")))
    return tuple(out)


def _us(times: pd.Series) -> npt.NDArray[np.int64]:
    return times.to_numpy(dtype="datetime64[us]").astype("int64")


def _ts_us(ts: pd.Timestamp) -> int:
    return int(pd.Timestamp(ts).value // 1000)
