"""Area visits: entries into user-given areas of interest (``ingest.areas``) and time spent there.

A visit is a run of consecutive fixes of one vessel inside the same area with no silence longer
than ``max_fix_gap_h`` between them; every visit is an ``area_visit`` event, however short (an
entry is what the user asked to see), with the area's name in its detail.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from vessel_risk.common import columns as c
from vessel_risk.features.events import empty_events, make_events
from vessel_risk.features.tracks import US_PER_H, require_columns, require_track_order, timestamp_us
from vessel_risk.ingest.areas import Area


@dataclass(frozen=True)
class AreaVisitParams:
    # A silence longer than this inside an area splits the visit: after that long we cannot say
    # the vessel stayed (the gap detector's shortest dark period).
    max_fix_gap_h: float = 6.0


def detect_area_visits(
    tracks: pd.DataFrame, areas: list[Area], params: AreaVisitParams = AreaVisitParams()
) -> pd.DataFrame:
    """One ``area_visit`` event per vessel, area and visit: start/end the first and last fix
    inside, lat/lon where it entered, detail the area's name, hours inside and the fixes heard."""
    require_columns(tracks, [c.MMSI, c.TIMESTAMP, c.LAT, c.LON], "detect_area_visits(tracks)")
    require_track_order(tracks, "detect_area_visits(tracks)")
    if not areas or tracks.empty:
        return empty_events()
    lat = tracks[c.LAT].to_numpy(dtype="float64")
    lon = tracks[c.LON].to_numpy(dtype="float64")
    mmsi = tracks[c.MMSI].to_numpy(dtype="int64")
    t_us = timestamp_us(tracks)
    found = []
    for area in areas:  # a handful of areas: each is tested against every fix at once
        inside = _inside(area, lat, lon)
        rows = np.flatnonzero(inside)
        if len(rows) == 0:
            continue
        new = np.r_[True, (rows[1:] != rows[:-1] + 1) | (mmsi[rows[1:]] != mmsi[rows[:-1]])
                    | (t_us[rows[1:]] - t_us[rows[:-1]] > params.max_fix_gap_h * US_PER_H)]
        first = rows[new]
        last = rows[np.r_[np.flatnonzero(new)[1:] - 1, len(rows) - 1]]
        fixes = np.diff(np.r_[np.flatnonzero(new), len(rows)])
        hours = (t_us[last] - t_us[first]) / US_PER_H
        found.append(pd.DataFrame({
            c.MMSI: mmsi[first],
            c.EVENT_TYPE: c.AREA_VISIT,
            c.START: pd.to_datetime(t_us[first], unit="us", utc=True),
            c.END: pd.to_datetime(t_us[last], unit="us", utc=True),
            c.LAT: lat[first],
            c.LON: lon[first],
            c.DETAIL: [f"inside {area.name} {h:.1f} h ({n} position{'s' if n > 1 else ''})"
                       for h, n in zip(hours, fixes)],
        }))
    return make_events(pd.concat(found, ignore_index=True)) if found else empty_events()


def _inside(area: Area, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    minx, miny, maxx, maxy = area.geometry.bounds
    near = np.flatnonzero((lat >= miny) & (lat <= maxy) & (lon >= minx) & (lon <= maxx))
    out = np.zeros(len(lat), dtype=bool)
    if len(near):
        shapely.prepare(area.geometry)
        out[near] = shapely.contains_xy(area.geometry, lon[near], lat[near])
    return out
