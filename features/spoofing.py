"""Implausible position jumps: a fix no ship could have reached from the one before.

A jump is a step of one vessel longer than ``min_jump_nm`` at an implied speed above
``max_speed_knots`` (or with no time between the two fixes). It means a false position was
broadcast, or someone else broadcast on this MMSI. A single stray fix (out and straight back)
gives one event, not two; vessels found by the identity_shared detector can be excluded so their
back-and-forth does not give one event per alternation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features.events import empty_events, make_events
from vessel_risk.features.geo import format_position, haversine_nm
from vessel_risk.features.tracks import US_PER_H, require_columns, require_track_order, timestamp_us

REQUIRED_COLUMNS = [c.MMSI, c.TIMESTAMP, c.LAT, c.LON, c.DT_H, c.DIST_NM, c.IMPLIED_SPEED_KNOTS]


@dataclass(frozen=True)
class SpoofingParams:
    """Thresholds of the spoofing detector."""

    # Fastest believable speed. Merchant ships rarely exceed 30 kn and the fastest high-speed
    # craft about 45 kn; above 50 kn no class A vessel gets there on its own.
    max_speed_knots: float = 50.0
    # Shortest step that can count. GPS noise and multipath move a fix by metres to a few hundred
    # metres, and receivers' clocks differ by seconds, which over a short step gives absurd
    # implied speeds; 5 nm is far beyond both.
    min_jump_nm: float = 5.0


def implausible_jumps(
    tracks: pd.DataFrame, max_speed_knots: float, min_jump_nm: float
) -> npt.NDArray[np.bool_]:
    """True on each row of ``tracks`` reached by an implausible jump from the vessel's previous fix.

    A vessel's first row is never a jump (its dt_h is NaN).
    """
    dt_h = tracks[c.DT_H].to_numpy(dtype="float64", na_value=np.nan)
    dist = tracks[c.DIST_NM].to_numpy(dtype="float64", na_value=np.nan)
    speed = tracks[c.IMPLIED_SPEED_KNOTS].to_numpy(dtype="float64", na_value=np.nan)
    too_fast = (speed > max_speed_knots) | (dt_h == 0.0)  # same instant, two places
    return np.isfinite(dt_h) & (dist > min_jump_nm) & too_fast


def detect_spoofing(
    tracks: pd.DataFrame,
    params: SpoofingParams = SpoofingParams(),
    exclude_mmsi: Iterable[int] = (),
) -> pd.DataFrame:
    """Implausible position jumps, as ``spoofing`` events (``features.events`` contract).

    One event per jump: start is the previous fix's time, end the jump fix's time, lat/lon the
    implausible position, detail the distance, time and implied speed. When the very next fix is
    back where the vessel could plausibly be, the stray fix gives one event (detail "and back at
    the next fix") instead of an outward and a return jump. Vessels in ``exclude_mmsi`` (e.g.
    those with an identity_shared event) are skipped. ``tracks`` comes from ``build_tracks``.
    """
    require_columns(tracks, REQUIRED_COLUMNS, "detect_spoofing(tracks)")
    require_track_order(tracks, "detect_spoofing(tracks)")
    jump = implausible_jumps(tracks, params.max_speed_knots, params.min_jump_nm)
    jump &= ~np.isin(tracks[c.MMSI].to_numpy(), np.fromiter(exclude_mmsi, dtype="int64"))
    rows = np.flatnonzero(jump)
    if len(rows) == 0:
        return empty_events()

    stray = _stray_fix(tracks, rows, jump, params)
    is_return = np.isin(rows, rows[stray] + 1)  # the jump back from a stray fix: already reported
    rows, stray = rows[~is_return], stray[~is_return]

    prev = tracks.iloc[rows - 1].reset_index(drop=True)
    here = tracks.iloc[rows].reset_index(drop=True)
    detail = [
        f"position jumped {d:.0f} nm in {_fmt_dt(h)} ({_fmt_speed(d, h)}) "
        f"to {format_position(la, lo)}" + ("; back on track at the next fix" if s else "")
        for d, h, la, lo, s in zip(
            here[c.DIST_NM], here[c.DT_H], here[c.LAT], here[c.LON], stray, strict=True
        )
    ]
    return make_events(
        pd.DataFrame(
            {
                c.MMSI: here[c.MMSI],
                c.EVENT_TYPE: c.SPOOFING,
                c.START: prev[c.TIMESTAMP],
                c.END: here[c.TIMESTAMP],
                c.LAT: here[c.LAT],
                c.LON: here[c.LON],
                c.DETAIL: pd.Series(detail, dtype="string"),
            }
        )
    )


def _stray_fix(
    tracks: pd.DataFrame, rows: npt.NDArray[np.int64], jump: npt.NDArray[np.bool_],
    params: SpoofingParams,
) -> npt.NDArray[np.bool_]:
    """For each jump row: is it a lone stray fix, i.e. the next row is a jump back to a place
    plausibly reachable from the fix before the stray one?"""
    n = len(tracks)
    nxt = rows + 1
    has_next = nxt < n
    nxt_c = np.minimum(nxt, n - 1)
    back = has_next & jump[nxt_c]  # a jump on the next row is necessarily the same vessel
    lat = tracks[c.LAT].to_numpy(dtype="float64")
    lon = tracks[c.LON].to_numpy(dtype="float64")
    ts_h = timestamp_us(tracks) / US_PER_H
    gap_nm = haversine_nm(lat[rows - 1], lon[rows - 1], lat[nxt_c], lon[nxt_c])
    span_h = ts_h[nxt_c] - ts_h[rows - 1]
    plausible = (gap_nm <= params.min_jump_nm) | (gap_nm <= params.max_speed_knots * span_h)
    return back & plausible


def _fmt_dt(hours: float) -> str:
    if hours >= 1.0:
        return f"{hours:.1f} h"
    return f"{hours * 60.0:.0f} min" if hours * 60.0 >= 1.0 else f"{hours * 3600.0:.0f} s"


def _fmt_speed(dist_nm: float, hours: float) -> str:
    return "no time between fixes" if hours <= 0 else f"implied {dist_nm / hours:,.0f} kn"

