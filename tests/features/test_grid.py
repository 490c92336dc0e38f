"""The grid: cell keys of positions and counts of keys."""

from __future__ import annotations

import numpy as np

from vessel_risk.features import grid


def test_counted_gives_what_np_unique_gives_with_counts() -> None:
    keys = np.array([7, -1, 3, 7, 7, 3, 1_000_000_007])
    distinct, counts = grid.counted(keys)
    assert distinct.tolist() == [-1, 3, 7, 1_000_000_007]
    assert counts.tolist() == [1, 2, 3, 1]
    empty = grid.counted(np.zeros(0, dtype="int64"))
    assert empty[0].size == 0 and empty[1].size == 0


def test_cell_keys_of_many_positions_equal_those_of_each_alone() -> None:
    rng = np.random.default_rng(5)
    lat, lon = rng.uniform(-89.0, 89.0, 300_000), rng.uniform(-180.0, 180.0, 300_000)
    lat[10] = np.nan
    keys = grid.cell_keys(lat, lon, 0.01)  # more than one block
    assert keys[10] == -1
    for i in (0, 11, 262_143, 262_144, 299_999):
        assert keys[i] == grid.cell_keys(lat[i : i + 1], lon[i : i + 1], 0.01)[0]
