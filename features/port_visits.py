"""Port visits: a vessel lying slow within a port's radius for a while.

A visit is a run of consecutive fixes of one vessel that are all in the same reference port's area
(``features.context``: place ``port``, ``port_name``) and no faster than ``max_speed_knots``, with
no silence longer than ``max_fix_gap_h`` inside, lasting at least ``min_duration_h``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features.events import empty_events, make_events
from vessel_risk.features.tracks import require_columns, require_track_order, speed_for_rules_knots

REQUIRED_COLUMNS = [c.MMSI, c.TIMESTAMP, c.LAT, c.LON, c.DT_H, c.IMPLIED_SPEED_KNOTS,
                    c.PLACE, c.PORT_NAME]

_RUN = "_run"  # internal: visit number of each fix (never leaves this module)


@dataclass(frozen=True)
class PortVisitParams:
    """Thresholds of the port-visit detector."""

    # Moored or manoeuvring at a berth: SOG stays below ~1 kn; a vessel passing by is faster.
    max_speed_knots: float = 1.0
    # Shortest stay that counts: cargo work, bunkering or a crew change takes hours, while a
    # pilot boarding or a slow passage through the harbour takes less than an hour.
    min_duration_h: float = 1.0
    # A silence longer than this inside a run splits it: the gap detector's shortest dark period,
    # since after that long we cannot say the vessel stayed.
    max_fix_gap_h: float = 6.0


def detect_port_visits(
    tracks: pd.DataFrame, params: PortVisitParams = PortVisitParams()
) -> pd.DataFrame:
    """Port visits, as ``port_visit`` events (``features.events`` contract), one per visit.

    start/end are the visit's first and last fix; lat/lon the vessel's median position during
    it; detail names the port with the duration. Speed is the reported SOG where
    present, otherwise the implied speed from the previous fix; unknown speed does not break a
    visit. ``tracks`` comes from ``features.context.situate``.
    """
    require_columns(tracks, REQUIRED_COLUMNS, "detect_port_visits(tracks)")
    require_track_order(tracks, "detect_port_visits(tracks)")
    if len(tracks) == 0:
        return empty_events()

    speed = speed_for_rules_knots(tracks)
    in_area = (tracks[c.PLACE] == c.PLACE_PORT).to_numpy()
    in_port = in_area & ~(speed > params.max_speed_knots)

    mmsi = tracks[c.MMSI].to_numpy()
    port = tracks[c.PORT_NAME].fillna("").astype("object").to_numpy()
    dt_h = tracks[c.DT_H].to_numpy(dtype="float64", na_value=np.nan)
    continues = np.r_[
        False,
        in_port[:-1] & (mmsi[1:] == mmsi[:-1]) & (port[1:] == port[:-1])
        & (dt_h[1:] <= params.max_fix_gap_h),
    ]
    run = np.cumsum(~continues)

    rows = np.flatnonzero(in_port)
    if len(rows) == 0:
        return empty_events()
    visits = (
        tracks.iloc[rows]
        .assign(**{_RUN: run[rows]})
        .groupby(_RUN, sort=True)
        .agg(
            **{
                c.MMSI: (c.MMSI, "first"),
                c.START: (c.TIMESTAMP, "first"),
                c.END: (c.TIMESTAMP, "last"),
                c.LAT: (c.LAT, "median"),
                c.LON: (c.LON, "median"),
                c.PORT_NAME: (c.PORT_NAME, "first"),
            }
        )
        .reset_index(drop=True)
    )
    hours = (visits[c.END] - visits[c.START]).dt.total_seconds().to_numpy() / 3600.0
    keep = hours >= params.min_duration_h
    visits, hours = visits[keep].reset_index(drop=True), hours[keep]
    if len(visits) == 0:
        return empty_events()
    detail = [f"in port {p}: {h:.1f} h" for p, h in zip(visits[c.PORT_NAME], hours, strict=True)]
    found = visits[[c.MMSI, c.START, c.END, c.LAT, c.LON]].copy()
    found[c.EVENT_TYPE] = c.PORT_VISIT
    found[c.DETAIL] = pd.Series(detail, dtype="string")
    return make_events(found)
