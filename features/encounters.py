"""Encounters: two vessels together at sea, both slow, for hours (the ship-to-ship transfer).

Rule (after Global Fishing Watch's encounters: within 500 m, under 2 kn, at least 2 h). Positions
of different vessels are not synchronised, so each vessel is first resampled onto a
common grid of ``bin_min`` time bins: a bin holds the vessel's last fix in it, carried forward to
later empty bins for at most ``max_carry_forward_min`` (a vessel that stops reporting is not
assumed to stay put for long). A vessel-bin takes part when its fix is slow (SOG, or implied speed
when SOG is missing, at most ``max_speed_knots``) and at sea (``features.context``: not in a port
area, not at a learned anchorage or berth), so vessels moored or anchored together never fire;
two fishing vessels working one ground are not a meeting either. Vessel-bins in the same time bin
are paired
through a spatial grid (cells at least ``max_distance_nm`` tall, probing the 3 x 3 neighbouring
cells) and kept when the great-circle distance is at most ``max_distance_nm``. Consecutive bins of
the same pair, allowing ``max_interruption_min`` of missing bins, form one meeting; a meeting of at
least ``min_duration_h`` is an event.

Convention: ONE event per pair and meeting, with ``mmsi`` = the smaller MMSI and ``other_mmsi`` =
the larger. A caller that needs the event on both vessels mirrors it (swap mmsi and other_mmsi);
the detail names both vessels so it reads right either way.

Start/end are the first and last moments both vessels' fixes confirm them together (carried
positions do not stretch a meeting). Limitation: pairs above ~85 degrees latitude may be missed (the
grid's longitude cells are sized for 85 degrees).
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
    c.IMPLIED_SPEED_KNOTS,
    c.PLACE,
]
# Internal working columns (not part of any contract).
_BIN = "bin"  # time-bin number since the epoch
_T_US = "t_us"  # fix time, microseconds since the epoch
_DIST_APART_NM = "dist_apart_nm"
_LON_RAD = "lon_rad"  # midpoint longitude, radians (unwrapped)
_T_HI_US = "t_hi_us"  # the later of the two fix times of a pair-bin
_T_LO_US = "t_lo_us"  # the earlier of the two fix times of a pair-bin
_MEETING = "meeting"
_LON_SIN = "lon_sin"
_LON_COS = "lon_cos"
# Longitude cells are wide enough for max_distance_nm up to this latitude.
_GRID_MAX_LAT_DEG = 85.0
_NEIGHBOURS = [(d_lat, d_lon) for d_lat in (-1, 0, 1) for d_lon in (-1, 0, 1)]
# With an absurdly large max_distance_nm the longitude cells collapse into one band; probing only
# it keeps every pair single.
_NEIGHBOURS_NO_WRAP = [(d_lat, 0) for d_lat in (-1, 0, 1)]


@dataclass(frozen=True)
class EncounterParams:
    """Thresholds of the encounter rule (units in the names)."""

    # 500 m (Global Fishing Watch's encounter distance): ships alongside for a transfer lie
    # tens of metres apart; farther apart they are only sharing a stretch of water.
    max_distance_nm: float = 0.27
    # Transfers happen drifting or at dead-slow speed; 2 kn keeps passing ships out.
    max_speed_knots: float = 2.0
    # A ship-to-ship transfer takes hours; shorter proximity is a pilot boat, a tug or a near miss.
    min_duration_h: float = 2.0
    # Class A AIS reports every 3 min at anchor and every 2-10 s under way; 10-minute bins give
    # each vessel a fix in nearly every bin while keeping the number of vessel-bins small.
    bin_min: int = 10
    # A position older than this no longer says where the vessel is (2 kn x 30 min = 1 nm).
    max_carry_forward_min: int = 30
    # One noisy fix or a short reception drop must not split a meeting into two.
    max_interruption_min: int = 30


def detect_encounters(
    tracks: pd.DataFrame, ports: pd.DataFrame, params: EncounterParams = EncounterParams()
) -> pd.DataFrame:
    """Encounter events, one per pair and meeting (mmsi < other_mmsi; see the module docstring).

    ``tracks`` comes from ``features.context.situate``. Returns the events table with
    ``event_type = encounter``, lat/lon = mean meeting position, and a detail such as
    "219000001 and 219000002 together 3.5 h, mean 0.12 nm apart, both slow, at sea 24 nm SW of
    Esbjerg" (against the nearest port of ``ports``).
    """
    require_columns(tracks, REQUIRED_COLUMNS, "detect_encounters")
    if tracks.empty:
        return empty_events()
    wanted = REQUIRED_COLUMNS + ([c.FISHING] if c.FISHING in tracks else [])
    frame = in_track_order(tracks, wanted)
    bins = _vessel_bins(frame, params)
    if bins.empty:
        return empty_events()
    pairs = _close_pairs(bins, params)
    if pairs.empty:
        return empty_events()
    return _meetings(pairs, ports, params)


def _vessel_bins(frame: pd.DataFrame, params: EncounterParams) -> pd.DataFrame:
    """The active (slow, at sea) vessel-bins: last fix per bin, carried forward."""
    bin_us = params.bin_min * 60_000_000
    t_us = timestamp_us(frame)
    bin_no = t_us // bin_us
    mmsi = frame[c.MMSI].to_numpy(dtype="int64")
    # The last fix of each (vessel, bin) stands for that bin.
    last = np.r_[(mmsi[1:] != mmsi[:-1]) | (bin_no[1:] != bin_no[:-1]), True]
    rows = np.flatnonzero(last)
    b = bin_no[rows]
    same_next = np.r_[mmsi[rows][1:] == mmsi[rows][:-1], False]
    next_b = np.where(same_next, np.r_[b[1:], 0], np.iinfo(np.int64).max)
    carry_bins = params.max_carry_forward_min // params.bin_min
    reps = np.minimum(next_b - b, carry_bins + 1)
    speed = speed_for_rules_knots(frame)[rows]
    at_sea = (frame[c.PLACE] == c.PLACE_SEA).to_numpy()[rows]
    active = (speed <= params.max_speed_knots) & at_sea
    rows, b, reps = rows[active], b[active], reps[active]
    if rows.size == 0:
        return pd.DataFrame()
    src = np.repeat(rows, reps)
    offset = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    return pd.DataFrame(
        {
            _BIN: np.repeat(b, reps) + offset,
            c.MMSI: mmsi[src],
            c.LAT: frame[c.LAT].to_numpy(dtype="float64")[src],
            c.LON: frame[c.LON].to_numpy(dtype="float64")[src],
            _T_US: t_us[src],
            c.FISHING: (frame[c.FISHING].to_numpy(dtype=bool) if c.FISHING in frame
                        else np.zeros(len(frame), dtype=bool))[src],
        }
    )


def _close_pairs(bins: pd.DataFrame, params: EncounterParams) -> pd.DataFrame:
    """Pairs of vessel-bins in the same bin within max_distance_nm (smaller MMSI first)."""
    cell_deg = params.max_distance_nm / 60.0
    n_lat = int(np.ceil(180.0 / cell_deg)) + 2
    lon_cell_deg = cell_deg / np.cos(np.radians(_GRID_MAX_LAT_DEG))
    n_lon = int(360.0 // lon_cell_deg)
    n_lon = n_lon if n_lon >= 3 else 1  # too few cells to tell neighbours apart: one band
    lat = bins[c.LAT].to_numpy()
    lon = bins[c.LON].to_numpy()
    lat_cell = np.floor((lat + 90.0) / cell_deg).astype("int64") + 1
    lon_cell = np.floor((lon + 180.0) / (360.0 / n_lon)).astype("int64") % n_lon
    bin_rel = bins[_BIN].to_numpy() - bins[_BIN].min()

    def key(lat_c: npt.NDArray[np.int64], lon_c: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return (bin_rel * n_lat + lat_c) * n_lon + lon_c

    own = key(lat_cell, lon_cell)
    order = np.argsort(own, kind="stable")
    sorted_keys = own[order]
    mmsi = bins[c.MMSI].to_numpy()
    fishing = bins[c.FISHING].to_numpy(dtype=bool)
    cos_lat = np.cos(np.radians(lat))
    limit_sq = (params.max_distance_nm * 1.01) ** 2  # flat-earth prefilter, 1 % slack
    left_parts, right_parts = [], []
    for d_lat, d_lon in _NEIGHBOURS if n_lon >= 3 else _NEIGHBOURS_NO_WRAP:
        probe = key(lat_cell + d_lat, (lon_cell + d_lon) % n_lon)
        lo = np.searchsorted(sorted_keys, probe, side="left")
        n = np.searchsorted(sorted_keys, probe, side="right") - lo
        i = np.repeat(np.arange(own.size), n)
        j = order[np.repeat(lo, n) + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)]
        flat_sq = (60.0 * (lat[j] - lat[i])) ** 2 + (
            60.0 * np.degrees(_wrap_pi(np.radians(lon[j] - lon[i]))) * cos_lat[i]
        ) ** 2
        keep = (mmsi[i] < mmsi[j]) & (flat_sq <= limit_sq) & ~(fishing[i] & fishing[j])
        left_parts.append(i[keep])
        right_parts.append(j[keep])
    i = np.concatenate(left_parts)
    j = np.concatenate(right_parts)
    dist = haversine_nm(lat[i], lon[i], lat[j], lon[j])
    close = dist <= params.max_distance_nm
    i, j, dist = i[close], j[close], dist[close]
    t = bins[_T_US].to_numpy()
    return pd.DataFrame(
        {
            c.MMSI: mmsi[i],
            c.OTHER_MMSI: mmsi[j],
            _BIN: bins[_BIN].to_numpy()[i],
            _DIST_APART_NM: dist,
            c.LAT: (lat[i] + lat[j]) / 2.0,
            _LON_RAD: np.radians(lon[i]) + _wrap_pi(np.radians(lon[j] - lon[i])) / 2.0,
            _T_HI_US: np.maximum(t[i], t[j]),
            _T_LO_US: np.minimum(t[i], t[j]),
        }
    )


def _meetings(pairs: pd.DataFrame, ports: pd.DataFrame, params: EncounterParams) -> pd.DataFrame:
    """Join consecutive bins of one pair into meetings; keep the long ones as events."""
    pairs = pairs.sort_values([c.MMSI, c.OTHER_MMSI, _BIN], kind="mergesort").reset_index(drop=True)
    a = pairs[c.MMSI].to_numpy()
    b = pairs[c.OTHER_MMSI].to_numpy()
    bin_no = pairs[_BIN].to_numpy()
    max_step = 1 + params.max_interruption_min // params.bin_min
    new = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1]) | (bin_no[1:] - bin_no[:-1] > max_step)]
    pairs[_MEETING] = np.cumsum(new)
    pairs[_LON_SIN] = np.sin(pairs[_LON_RAD])
    pairs[_LON_COS] = np.cos(pairs[_LON_RAD])
    grouped = pairs.groupby(_MEETING, sort=True)
    agg = grouped.agg(
        start_us=(_T_HI_US, "min"),  # both vessels' fixes confirm them together from here ...
        end_us=(_T_LO_US, "max"),  # ... until here
        **{
            c.MMSI: (c.MMSI, "first"),
            c.OTHER_MMSI: (c.OTHER_MMSI, "first"),
            _DIST_APART_NM: (_DIST_APART_NM, "mean"),
            c.LAT: (c.LAT, "mean"),
            _LON_SIN: (_LON_SIN, "mean"),
            _LON_COS: (_LON_COS, "mean"),
        },
    )
    agg["end_us"] = np.maximum(agg["end_us"], agg["start_us"])
    hours = (agg["end_us"] - agg["start_us"]) / US_PER_H
    agg = agg[hours >= params.min_duration_h]
    hours = hours[hours >= params.min_duration_h]
    if agg.empty:
        return empty_events()
    lon = np.degrees(np.arctan2(agg[_LON_SIN].to_numpy(), agg[_LON_COS].to_numpy()))
    where = describe_places(agg[c.LAT].to_numpy(), lon, ports)
    detail = [
        f"{m} and {o} together {h:.1f} h, mean {d:.2f} nm apart, both slow, at sea {w}"
        for m, o, h, d, w in zip(
            agg[c.MMSI], agg[c.OTHER_MMSI], hours, agg[_DIST_APART_NM], where, strict=True
        )
    ]
    found = pd.DataFrame(
        {
            c.MMSI: agg[c.MMSI].to_numpy(),
            c.OTHER_MMSI: agg[c.OTHER_MMSI].to_numpy(),
            c.EVENT_TYPE: c.ENCOUNTER,
            c.START: pd.to_datetime(agg["start_us"].to_numpy(), unit="us", utc=True),
            c.END: pd.to_datetime(agg["end_us"].to_numpy(), unit="us", utc=True),
            c.LAT: agg[c.LAT].to_numpy(),
            c.LON: lon,
            c.DETAIL: detail,
        }
    )
    return make_events(found)


def _wrap_pi(angle_rad: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Angles wrapped into [-pi, pi): the short way round across the 180th meridian."""
    return (angle_rad + np.pi) % (2.0 * np.pi) - np.pi
