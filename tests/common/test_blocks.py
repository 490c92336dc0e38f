"""Element-wise work a block at a time gives what the whole-array expression gives."""

from __future__ import annotations

import numpy as np

from vessel_risk.common.blocks import in_blocks


def add_scaled(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a * 2.5 + np.sqrt(b)


def test_in_blocks_gives_the_whole_array_result_across_block_edges() -> None:
    a, b = np.arange(1001, dtype="float64"), np.linspace(0.0, 9.0, 1001)
    b[500] = np.nan
    got = in_blocks(add_scaled, a, b, dtype="float64", block=64)
    assert np.array_equal(got, add_scaled(a, b), equal_nan=True)


def test_in_blocks_broadcasts_as_numpy_does() -> None:
    column, row = np.arange(30.0).reshape(30, 1), np.arange(20.0)
    got = in_blocks(add_scaled, column, row, dtype="float64", block=64)
    assert got.shape == (30, 20)
    assert np.array_equal(got, add_scaled(column, row))
    assert np.array_equal(in_blocks(add_scaled, 2.0, row, dtype="float64", block=8),
                          add_scaled(np.float64(2.0), row))


def test_in_blocks_hands_small_inputs_over_whole() -> None:
    sizes: list[int] = []

    def measured(a: np.ndarray) -> np.ndarray:
        sizes.append(a.size)
        return a + 1

    in_blocks(measured, np.zeros(10), dtype="float64", block=64)
    in_blocks(measured, np.zeros(130), dtype="float64", block=64)
    assert sizes == [10, 64, 64, 2]
