"""Land for the report's maps, from the 1 km land mask that ``global-land-mask`` ships.

Importing ``global_land_mask`` decompresses its whole mask (21,600 x 43,200 booleans, ~930 MB).
The maps only need the rows of the latitudes they show, so this module reads the mask's ``.npy``
stream itself, row block by row block from the north, packs each row to bits (1/8 of the memory)
and stops at the southernmost row asked for so far. What it has read is kept for the process:
the first North Sea map costs about a second, later maps nothing.
"""

from __future__ import annotations

import importlib.util
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

from vessel_risk.common.errors import VesselRiskError

_PACKAGE = "global_land_mask"
_ARCHIVE = "globe_combined_mask_compressed.npz"
_MEMBER = "mask.npy"  # True where the cell is ocean
ROWS, COLS = 21_600, 43_200  # the mask's shape: 1/120 degree cells, row 0 at 90N, column 0 at 180W
CELL_DEG = 180.0 / ROWS
_READ_ROWS = 256  # rows inflated per read: ~11 MB of booleans at a time
# Cells unpacked at once when a map's land is counted: ~32 MB, whatever the map's size (a map of
# the whole globe at 1/120 degree has ~900 million cells).
_UNPACKED_CELLS = 32 * 2**20


@dataclass(frozen=True)
class LandGrid:
    """Land (True) on a regular grid of cell centres; ``lat`` descends, ``lon`` ascends and may run
    past 180 (a window across the antimeridian keeps going east)."""

    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    land: npt.NDArray[np.float64]  # share of land in each cell, 0..1


class _PackedMask:
    """The mask's rows, read on demand from the north and kept packed to bits."""

    def __init__(self, archive: Path) -> None:
        self._archive = archive
        self._packed = np.zeros((ROWS, (COLS + 7) // 8), dtype=np.uint8)
        self._rows_read = 0
        self._zip: zipfile.ZipFile | None = None
        self._stream: IO[bytes] | None = None
        self._lock = threading.Lock()

    def land_counts(self, first: int, blocks: tuple[int, int], col0: int,
                    step: int) -> npt.NDArray[np.int64]:
        """Land cells in each of ``blocks`` (rows, columns) blocks of ``step`` x ``step`` cells,
        the first at mask row ``first`` and column ``col0`` (columns wrap around the globe).

        The mask is unpacked a band of rows at a time and each band summed at once, so a map of
        the whole globe costs its cells' unpacking and holds ~``_UNPACKED_CELLS`` bytes, not a
        boolean per cell of the globe."""
        n_rows, n_cols = blocks[0] * step, blocks[1] * step
        with self._lock:
            self._read_through(first + n_rows)  # rows once read never change
        byte0, byte1 = col0 // 8, -(-(col0 + n_cols) // 8)
        bytes_at = np.arange(byte0, byte1)
        skip = col0 - byte0 * 8
        band = step * max(1, _UNPACKED_CELLS // (step * (byte1 - byte0) * 8))
        counts = np.empty(blocks, dtype=np.int64)
        for r in range(0, n_rows, band):
            packed = np.take(self._packed[first + r:first + min(r + band, n_rows)], bytes_at,
                             axis=1, mode="wrap")
            ocean = np.unpackbits(packed, axis=1)[:, skip:skip + n_cols]
            by_column = ocean.reshape(-1, step, n_cols).sum(axis=1, dtype=np.int64)
            ocean_cells = by_column.reshape(len(by_column), blocks[1], step).sum(axis=2)
            counts[r // step:r // step + len(by_column)] = step * step - ocean_cells
        return counts

    def _read_through(self, stop: int) -> None:
        if stop <= self._rows_read:
            return
        if self._stream is None:
            self._open()
        assert self._stream is not None
        while self._rows_read < stop:
            n = min(_READ_ROWS, ROWS - self._rows_read)
            raw = self._stream.read(n * COLS)
            if len(raw) != n * COLS:
                raise VesselRiskError(f"{self._archive}: the land mask ends early")
            block = np.frombuffer(raw, dtype=np.bool_).reshape(n, COLS)
            self._packed[self._rows_read:self._rows_read + n] = np.packbits(block, axis=1)
            self._rows_read += n
        if self._rows_read == ROWS:
            self._close()

    def _open(self) -> None:
        self._zip = zipfile.ZipFile(self._archive)
        stream = self._zip.open(_MEMBER)
        version = np.lib.format.read_magic(stream)
        reader = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                  else np.lib.format.read_array_header_2_0)
        shape, fortran, dtype = reader(stream)
        if shape != (ROWS, COLS) or fortran or dtype != np.dtype(np.bool_):
            raise VesselRiskError(f"{self._archive}: unexpected land mask {shape} {dtype}")
        self._stream = stream

    def _close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        if self._zip is not None:
            self._zip.close()
        self._stream, self._zip = None, None


_MASK: _PackedMask | None = None
_MASK_LOCK = threading.Lock()


def _mask() -> _PackedMask:
    global _MASK
    with _MASK_LOCK:
        if _MASK is None:
            _MASK = _PackedMask(_archive_path())
        return _MASK


def _archive_path() -> Path:
    # find_spec does not run the package's __init__, which would load the whole mask
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise VesselRiskError(f"the {_PACKAGE} package is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / _ARCHIVE
    if not path.exists():
        raise VesselRiskError(f"{path} is missing: reinstall {_PACKAGE}")
    return path


def land_grid(lat_min: float, lat_max: float, lon_min: float, lon_max: float,
              max_cells: int) -> LandGrid:
    """Land over a box, averaged into at most ``max_cells`` cells along its longer side.

    ``lon_min``/``lon_max`` may lie outside -180..180 (a box across the antimeridian); columns
    wrap around the globe.
    """
    lat_min, lat_max = max(lat_min, -90.0), min(lat_max, 90.0)
    first = int(np.clip(np.floor((90.0 - lat_max) / CELL_DEG), 0, ROWS - 1))
    stop = int(np.clip(np.ceil((90.0 - lat_min) / CELL_DEG), first + 1, ROWS))
    col0 = int(np.floor((lon_min + 180.0) / CELL_DEG))
    col1 = max(int(np.ceil((lon_max + 180.0) / CELL_DEG)), col0 + 1)
    step = max(1, int(np.ceil(max(stop - first, col1 - col0) / max_cells)))
    # whole blocks of step x step cells
    stop = min(ROWS, first + (stop - first + step - 1) // step * step)
    col1 = col0 + (col1 - col0 + step - 1) // step * step
    blocks = ((stop - first) // step, (col1 - col0) // step)
    # the share of land in a block: the mean of its cells (land_count / cells, as numpy's mean)
    share = _mask().land_counts(first, blocks, col0, step) / (step * step)
    lat = 90.0 - (first + (np.arange(blocks[0], dtype=np.float64) + 0.5) * step) * CELL_DEG
    lon = -180.0 + (col0 + (np.arange(blocks[1], dtype=np.float64) + 0.5) * step) * CELL_DEG
    return LandGrid(lat=lat, lon=lon, land=share)
