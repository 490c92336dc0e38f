"""AIS dark periods at sea: a vessel stops transmitting while away from port.

A gap is two consecutive fixes of one vessel at least ``min_gap_h`` apart where the first fix
(where the vessel went dark) is more than ``min_port_dist_nm`` from the nearest reference port.
A vessel last seen at sea long enough before the end of the data is reported as "still dark".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.events import empty_events, make_events
from features.tracks import require_columns, require_track_order
from vessel_risk import columns as c

REQUIRED_COLUMNS = [c.MMSI, c.TIMESTAMP, c.LAT, c.LON, c.DT_H, c.DIST_NM, c.PORT_DIST_NM,
                    c.NEAREST_PORT]


@dataclass(frozen=True)
class GapParams:
    """Thresholds of the gap detector."""

    # Shortest silence that counts. Class A transponders report every 2-10 s under way and every
    # 3 min at anchor, but this product reads terrestrial receivers, whose coverage ends some
    # 40 nm off the coast and has holes; silences of an hour or two are routine there. 6 h is the
    # silence a coastal network does not explain (and a common choice in published dark-period
    # work using terrestrial AIS).
    min_gap_h: float = 6.0
    # Distance from the nearest reference port beyond which the vessel is "at sea". Port
    # reference points sit in the town; berths, approaches and anchorages of most ports lie within
    # ~10 nm of it, and a vessel switched off there is not going dark at sea.
    min_port_dist_nm: float = 10.0


def detect_gaps(
    tracks: pd.DataFrame,
    params: GapParams = GapParams(),
    data_end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Dark periods at sea, as ``gap`` events (``features.events`` contract).

    One event per silence: start/end are the fixes around it, lat/lon where the vessel went
    dark, detail with the duration, the distance from the nearest port, and where and how far
    away it reappeared. With ``data_end`` (the end of the data window; a tz-naive value is taken
    as UTC) a vessel last seen at sea at least ``min_gap_h`` before it gets an event ending at
    ``data_end`` whose detail says "still dark". ``tracks`` comes from ``build_tracks``.
    """
    require_columns(tracks, REQUIRED_COLUMNS, "detect_gaps(tracks)")
    require_track_order(tracks, "detect_gaps(tracks)")
    if len(tracks) == 0:
        return empty_events()

    closed = _closed_gaps(tracks, params)
    still_dark = _open_gaps(tracks, params, data_end) if data_end is not None else None
    found = pd.concat([f for f in (closed, still_dark) if f is not None], ignore_index=True)
    if len(found) == 0:
        return empty_events()
    return make_events(found)


def _closed_gaps(tracks: pd.DataFrame, params: GapParams) -> pd.DataFrame:
    dt_h = tracks[c.DT_H].to_numpy(dtype="float64")
    port_dist = tracks[c.PORT_DIST_NM].to_numpy(dtype="float64", na_value=np.nan)
    after = np.flatnonzero(dt_h >= params.min_gap_h)  # the fix that ends a silence
    before = after - 1  # dt_h is NaN on a vessel's first row, so this is the same vessel
    at_sea = _at_sea(port_dist[before], params)
    before, after = before[at_sea], after[at_sea]

    b = tracks.iloc[before].reset_index(drop=True)
    a = tracks.iloc[after].reset_index(drop=True)
    moved = a[c.DIST_NM].to_numpy(dtype="float64")
    hours = a[c.DT_H].to_numpy(dtype="float64")
    back_at_sea = _at_sea(a[c.PORT_DIST_NM].to_numpy(dtype="float64", na_value=np.nan), params)
    detail = [
        f"dark {h:.1f} h at sea, {pd_:.0f} nm from {pn}; reappeared "
        + (f"at sea {m:.0f} nm away" if sea else f"{m:.0f} nm away near {an} ({ad:.0f} nm)")
        + f" (avg {m / h:.1f} kn)"
        for h, pd_, pn, m, sea, an, ad in zip(
            hours, b[c.PORT_DIST_NM], b[c.NEAREST_PORT], moved, back_at_sea,
            a[c.NEAREST_PORT], a[c.PORT_DIST_NM], strict=True,
        )
    ]
    return pd.DataFrame(
        {
            c.MMSI: b[c.MMSI],
            c.EVENT_TYPE: c.GAP,
            c.START: b[c.TIMESTAMP],
            c.END: a[c.TIMESTAMP],
            c.LAT: b[c.LAT],
            c.LON: b[c.LON],
            c.DETAIL: pd.Series(detail, dtype="string"),
        }
    )


def _open_gaps(tracks: pd.DataFrame, params: GapParams, data_end: pd.Timestamp) -> pd.DataFrame:
    end = pd.Timestamp(data_end)
    end = end.tz_localize("UTC") if end.tzinfo is None else end.tz_convert("UTC")
    mmsi = tracks[c.MMSI].to_numpy()
    last = np.flatnonzero(np.r_[mmsi[1:] != mmsi[:-1], True])
    lastrows = tracks.iloc[last].reset_index(drop=True)
    silent_h = (end - lastrows[c.TIMESTAMP]).dt.total_seconds().to_numpy() / 3600.0
    port_dist = lastrows[c.PORT_DIST_NM].to_numpy(dtype="float64", na_value=np.nan)
    keep = (silent_h >= params.min_gap_h) & _at_sea(port_dist, params)
    lastrows, silent_h = lastrows[keep].reset_index(drop=True), silent_h[keep]
    detail = [
        f"still dark: {h:.1f} h at sea until end of data, last seen {d:.0f} nm from {p}"
        for h, d, p in zip(silent_h, lastrows[c.PORT_DIST_NM], lastrows[c.NEAREST_PORT],
                           strict=True)
    ]
    return pd.DataFrame(
        {
            c.MMSI: lastrows[c.MMSI],
            c.EVENT_TYPE: c.GAP,
            c.START: lastrows[c.TIMESTAMP],
            c.END: pd.Series([end] * len(lastrows), dtype="datetime64[us, UTC]"),
            c.LAT: lastrows[c.LAT],
            c.LON: lastrows[c.LON],
            c.DETAIL: pd.Series(detail, dtype="string"),
        }
    )


def _at_sea(port_dist_nm: np.ndarray, params: GapParams) -> np.ndarray:
    """Far enough from every port to count as at sea. An unknown distance (no port list) counts
    as at sea: the detector then reports every long silence rather than none."""
    return np.isnan(port_dist_nm) | (port_dist_nm > params.min_port_dist_nm)
