"""A regular latitude/longitude grid: cell keys for positions, cell centres, neighbourhoods.

Learned context (anchorages, coverage) is counted per grid cell. A key is one int64 per position,
so counting is a sort or a ``np.unique`` over whole arrays, never a loop over rows. Cells are
``cell_deg`` tall and wide in degrees (narrower in nm away from the equator: at 55N a 0.01-degree
cell is 0.6 nm north-south and 0.34 nm east-west), which is close enough for areas a few cells wide.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk.common.blocks import in_blocks

IntArray = npt.NDArray[np.int64]


def _columns(cell_deg: float) -> int:
    return int(np.ceil(360.0 / cell_deg))


def cell_keys(lat: npt.ArrayLike, lon: npt.ArrayLike, cell_deg: float) -> IntArray:
    """The key of the cell holding each position (longitudes wrap; NaN positions give -1).
    Worked out a block at a time (``common.blocks``): a day's fixes are millions."""
    return in_blocks(functools.partial(_cell_keys, cell_deg=cell_deg),
                     np.asarray(lat, dtype="float64"), np.asarray(lon, dtype="float64"),
                     dtype="int64")


def _cell_keys(lat_a: np.ndarray, lon_a: np.ndarray, cell_deg: float) -> IntArray:
    ok = np.isfinite(lat_a) & np.isfinite(lon_a)
    cols = _columns(cell_deg)
    row = np.floor((np.clip(np.where(ok, lat_a, 0.0), -90.0, 90.0) + 90.0) / cell_deg)
    col = np.floor(((np.where(ok, lon_a, 0.0) + 180.0) % 360.0) / cell_deg) % cols
    return np.where(ok, row.astype("int64") * cols + col.astype("int64"), -1)


def cell_centres(keys: npt.ArrayLike, cell_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) of the centre of each cell."""
    k = np.asarray(keys, dtype="int64")
    cols = _columns(cell_deg)
    lat = (k // cols + 0.5) * cell_deg - 90.0
    lon = (k % cols + 0.5) * cell_deg - 180.0
    return lat, lon


def neighbours(keys: npt.ArrayLike, cell_deg: float, rings: int) -> npt.NDArray[np.int64]:
    """For each key, the keys of the ``(2 * rings + 1) ** 2`` cells round it (itself included),
    one row per key. Rows beyond a pole hold -1."""
    k = np.asarray(keys, dtype="int64")
    cols = _columns(cell_deg)
    rows_total = int(np.ceil(180.0 / cell_deg) + 1)
    row, col = k // cols, k % cols
    out = np.stack([(row + dr) * cols + (col + dc) % cols
                    for dr in range(-rings, rings + 1) for dc in range(-rings, rings + 1)], axis=1)
    valid = (out >= 0) & (out < cols * rows_total) & (k[:, None] >= 0)
    return np.where(valid, out, -1)


def neighbourhood(keys: npt.ArrayLike, cell_deg: float, rings: int) -> IntArray:
    """The distinct keys of every cell within ``rings`` cells of ``keys`` (the cells included)."""
    k = np.unique(np.asarray(keys, dtype="int64"))
    out = np.unique(neighbours(k[k >= 0], cell_deg, rings))
    return out[out >= 0]


def counted(keys: npt.ArrayLike) -> tuple[IntArray, npt.NDArray[np.int64]]:
    """``np.unique(keys, return_counts=True)``, hashing the keys and sorting only the distinct
    ones: a day's fixes are millions, their cells or (region, hour) keys thousands."""
    codes, distinct = pd.factorize(np.asarray(keys, dtype="int64"))
    order = np.argsort(distinct)
    return distinct[order], np.bincount(codes, minlength=len(distinct))[order].astype("int64")


def member(keys: npt.ArrayLike, table: IntArray) -> npt.NDArray[np.bool_]:
    """True where a key is in ``table`` (sorted, distinct: as ``neighbourhood`` returns it)."""
    k = np.asarray(keys, dtype="int64")
    if len(table) == 0:
        return np.zeros(k.shape, dtype=bool)
    pos = np.clip(np.searchsorted(table, k), 0, len(table) - 1)
    return table[pos] == k
