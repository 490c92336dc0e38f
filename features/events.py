"""The events table: one row per detected behaviour event (contract: DESIGN.md).

Every detector returns its findings through :func:`make_events`, so column order, dtypes and the
event id are the same whichever detector found the event.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

from vessel_risk.common import columns as c

_REQUIRED = [c.MMSI, c.EVENT_TYPE, c.START, c.END, c.LAT, c.LON]


def empty_events() -> pd.DataFrame:
    """An events table with no rows and the contract's columns and dtypes."""
    return make_events(pd.DataFrame({col: [] for col in _REQUIRED}))


def make_events(found: pd.DataFrame) -> pd.DataFrame:
    """Normalise a detector's findings into the events contract.

    ``found`` needs ``mmsi, event_type, start, end, lat, lon``; ``other_mmsi`` and ``detail`` are
    optional. ``duration_h`` is derived from start and end. The ``event_id`` is a stable hash of
    type, vessel(s) and start, so re-running a day gives the same ids. Rows are sorted by
    (start, mmsi, event_type) so that output is deterministic.
    """
    out = pd.DataFrame(
        {
            c.MMSI: found[c.MMSI].astype("int64"),
            c.EVENT_TYPE: found[c.EVENT_TYPE].astype("string"),
            c.START: pd.to_datetime(found[c.START], utc=True).astype("datetime64[us, UTC]"),
            c.END: pd.to_datetime(found[c.END], utc=True).astype("datetime64[us, UTC]"),
            c.LAT: found[c.LAT].astype("float64"),
            c.LON: found[c.LON].astype("float64"),
            c.OTHER_MMSI: (
                found[c.OTHER_MMSI] if c.OTHER_MMSI in found else pd.Series(pd.NA, index=found.index)
            ).astype("Int64"),
            c.DETAIL: (
                found[c.DETAIL] if c.DETAIL in found else pd.Series("", index=found.index)
            ).astype("string"),
        },
        index=found.index,
    )
    out[c.DURATION_H] = (out[c.END] - out[c.START]).dt.total_seconds() / 3600.0
    out[c.EVENT_ID] = pd.Series(
        [
            _event_id(t, m, o, s)
            for t, m, o, s in zip(out[c.EVENT_TYPE], out[c.MMSI], out[c.OTHER_MMSI], out[c.START])
        ],
        index=out.index,
        dtype="string",
    )
    out = out.sort_values([c.START, c.MMSI, c.EVENT_TYPE, c.EVENT_ID], kind="mergesort")
    return out[c.EVENT_COLUMNS].reset_index(drop=True)


def _event_id(event_type: str, mmsi: int, other: Any, start: pd.Timestamp) -> str:
    other_txt = "" if pd.isna(other) else str(int(other))
    key = f"{event_type}|{mmsi}|{other_txt}|{start.isoformat() if pd.notna(start) else ''}"
    return f"{event_type}-{hashlib.sha1(key.encode()).hexdigest()[:12]}"


def per_vessel_events(events: pd.DataFrame) -> pd.DataFrame:
    """Events as each vessel sees them: a two-vessel event also counts for ``other_mmsi``."""
    pair = events[events[c.OTHER_MMSI].notna()]
    mirrored = pair.assign(**{c.MMSI: pair[c.OTHER_MMSI].astype("int64"),
                              c.OTHER_MMSI: pair[c.MMSI].astype("Int64")})
    return pd.concat([events, mirrored], ignore_index=True)
