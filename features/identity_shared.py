"""Two transmitters on one MMSI: the vessel's fixes alternate between two distant places.

Rule. A *jump* is an implausible step (see ``features.spoofing.implausible_jumps``) from an origin
O to a place F. It *returns* when the vessel's next jump lands back near O (within
``max_return_fraction`` of the jump's length: both ships may have moved a little meanwhile). An
*alternation* is a returning jump whose next jump also returns (A -> B -> A -> B ...). One stray
fix (out and back) or a string of glitches to random places gives no alternation; two
transmitters heard in turn give one per switch. A vessel gets one event when at least
``min_alternations`` alternations fall within ``window_h``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.common.errors import ConfigError
from vessel_risk.features.events import empty_events, make_events
from vessel_risk.features.geo import format_position, haversine_nm
from vessel_risk.features.spoofing import REQUIRED_COLUMNS, SpoofingParams, implausible_jumps
from vessel_risk.features.tracks import US_PER_H, require_columns, require_track_order, timestamp_us

_JUMP_DEFAULTS = SpoofingParams()


@dataclass(frozen=True)
class IdentitySharedParams:
    """Thresholds of the identity_shared detector."""

    # What counts as a jump: the spoofing detector's limits, for the same physical reasons.
    max_speed_knots: float = _JUMP_DEFAULTS.max_speed_knots
    min_jump_nm: float = _JUMP_DEFAULTS.min_jump_nm
    # A jump "returns" when the next jump lands within this fraction of its length from where it
    # started. Two vessels 100 nm apart may each move a few nm between switches; 0.25 tolerates
    # that while random glitches almost never land this close to the origin.
    max_return_fraction: float = 0.25
    # Alternations needed inside window_h. Three means at least A-B-A-B-A-B: six switches in
    # turn, which a faulty GPS does not produce by chance, while two live transmitters produce
    # dozens an hour.
    min_alternations: int = 3
    # The alternations must come close together in time: "at the same time" means within a few
    # hours, not spread over a week.
    window_h: float = 6.0

    def __post_init__(self) -> None:
        if self.min_alternations < 1:
            raise ConfigError(f"min_alternations must be >= 1, got {self.min_alternations}")


def detect_identity_shared(
    tracks: pd.DataFrame, params: IdentitySharedParams = IdentitySharedParams()
) -> pd.DataFrame:
    """MMSIs used by two transmitters at once, as ``identity_shared`` events (one per MMSI).

    start/end are the first alternation's origin fix and the last alternation's fix; lat/lon is
    the first place; detail gives both places, the distance between them and how many
    alternations were seen. ``tracks`` comes from ``build_tracks``.
    """
    require_columns(tracks, REQUIRED_COLUMNS, "detect_identity_shared(tracks)")
    require_track_order(tracks, "detect_identity_shared(tracks)")
    rows = np.flatnonzero(implausible_jumps(tracks, params.max_speed_knots, params.min_jump_nm))
    if len(rows) < 2:
        return empty_events()

    mmsi = tracks[c.MMSI].to_numpy()
    lat = tracks[c.LAT].to_numpy(dtype="float64")
    lon = tracks[c.LON].to_numpy(dtype="float64")
    dist = tracks[c.DIST_NM].to_numpy(dtype="float64")

    returns = _returns(rows, mmsi, lat, lon, dist, params.max_return_fraction)
    alternating = returns & np.r_[returns[1:], False]  # a return implies the next jump is ours
    alt = rows[alternating]
    if len(alt) < params.min_alternations:
        return empty_events()

    hours = timestamp_us(tracks) / US_PER_H
    flagged = _vessels_with_burst(mmsi[alt], hours[alt], params)
    if len(flagged) == 0:
        return empty_events()
    alt = alt[np.isin(mmsi[alt], flagged)]

    found = []
    starts = np.flatnonzero(np.r_[True, mmsi[alt][1:] != mmsi[alt][:-1]])
    for seg in np.split(alt, starts[1:]):  # one iteration per flagged vessel (few)
        first, last = seg[0], seg[-1]
        a_lat, a_lon, b_lat, b_lon = lat[first - 1], lon[first - 1], lat[first], lon[first]
        apart = float(np.median(dist[seg]))
        span_h = hours[last] - hours[first - 1]
        found.append(
            {
                c.MMSI: int(mmsi[first]),
                c.EVENT_TYPE: c.IDENTITY_SHARED,
                c.START: tracks[c.TIMESTAMP].iat[first - 1],
                c.END: tracks[c.TIMESTAMP].iat[last],
                c.LAT: a_lat,
                c.LON: a_lon,
                c.DETAIL: (
                    f"two transmitters on one MMSI: {len(seg)} back-and-forth jumps in "
                    f"{span_h:.1f} h between ~{format_position(a_lat, a_lon)} and "
                    f"~{format_position(b_lat, b_lon)}, ~{apart:.0f} nm apart"
                ),
            }
        )
    return make_events(pd.DataFrame(found))


def _returns(
    rows: npt.NDArray[np.int64],
    mmsi: npt.NDArray[np.int64],
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    dist: npt.NDArray[np.float64],
    max_return_fraction: float,
) -> npt.NDArray[np.bool_]:
    """For each jump row: does the vessel's next jump land back near this jump's origin?"""
    nxt = np.r_[rows[1:], rows[-1]]
    same = np.r_[mmsi[rows[1:]] == mmsi[rows[:-1]], False]
    back_nm = haversine_nm(lat[nxt], lon[nxt], lat[rows - 1], lon[rows - 1])
    return same & (back_nm <= max_return_fraction * dist[rows])


def _vessels_with_burst(
    alt_mmsi: npt.NDArray[np.int64], alt_hours: npt.NDArray[np.float64],
    params: IdentitySharedParams,
) -> npt.NDArray[np.int64]:
    """MMSIs with ``min_alternations`` alternations within ``window_h`` (inputs in track order)."""
    k = params.min_alternations - 1
    if k == 0:
        return np.unique(alt_mmsi)
    same = alt_mmsi[k:] == alt_mmsi[:-k]
    close = (alt_hours[k:] - alt_hours[:-k]) <= params.window_h
    return np.unique(alt_mmsi[k:][same & close])
