"""Rows that arrive for a day already stored join it: the union, each distinct row once, in one
order that depends only on the rows (never on which run brought which row first).

So a late line from yesterday merges into yesterday's partition, a file read twice adds nothing,
and three days ingested day by day give the same bytes as the three ingested at once.
"""

from __future__ import annotations

import pandas as pd

from vessel_risk.common import columns as c

# The natural keys of the tables that only grow, sorted by first; the remaining columns follow,
# in the table's order, so that the order is total and no two runs can order rows differently.
POSITION_KEYS = [c.MMSI, c.TIMESTAMP]
STATIC_KEYS = [c.MMSI, c.TIMESTAMP]
QUARANTINE_KEYS = [c.SOURCE_FILE, c.LINE_NO, c.REASON]


def sort_columns(frame: pd.DataFrame, keys: list[str]) -> list[str]:
    """``keys`` (those present) then every other column of ``frame``."""
    first = [k for k in keys if k in frame.columns]
    return first + [col for col in frame.columns if col not in first]


def distinct_sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``frame``'s distinct rows (exact duplicates kept once; NaN equals NaN) sorted by ``keys``
    then the other columns. The caller's frame is not changed."""
    if frame.empty:
        return frame.reset_index(drop=True)
    unique = frame.drop_duplicates(ignore_index=True)
    order = sort_columns(unique, keys)
    return unique.sort_values(order, kind="mergesort", na_position="last",
                              ignore_index=True)


def merged(existing: pd.DataFrame | None, new: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The rows of ``existing`` and ``new`` together, distinct and sorted (``existing`` None:
    nothing stored yet). Columns follow ``existing``; a column only one side has is kept, empty
    on the other side."""
    if existing is None or existing.empty:
        return distinct_sorted(new, keys)
    if new.empty:
        return distinct_sorted(existing, keys)
    columns = list(existing.columns) + [col for col in new.columns if col not in existing.columns]
    both = pd.concat([existing, new], ignore_index=True)[columns]
    return distinct_sorted(both, keys)
