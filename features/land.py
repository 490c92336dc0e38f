"""Land and water: the 1 km ``global-land-mask``, packed to one bit per cell and cached on disk.

The package ships its mask as a compressed ``.npz`` that decompresses to a 933 MB boolean array
(about 6 s on every import). :class:`LandMask` converts it once to a packed bit array (117 MB),
keeps that in a cache folder, and memory-maps it afterwards: later processes look positions up
without loading anything. Nothing downloads; the cache is derived from the installed package.

The mask counts lakes, narrow rivers, canals and most harbour basins as land (its cells are 1 km),
so "on land" here means *deep* on land: the position and every point round it at
``margin_nm`` are land (see :func:`deep_land`). Callers still exempt port areas and waterways
learned from traffic (``features.context``).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk.common.blocks import in_blocks
from vessel_risk.common.errors import VesselRiskError

# Bearings (degrees) of the ring of points checked round a position: 8 points, 45 degrees apart,
# leave no gap wider than ~0.8 x margin through which a waterway could pass unseen.
_RING_BEARINGS_DEG = np.arange(0.0, 360.0, 45.0)
_CACHE_NAME = "land_mask_v1.npy"  # bump the suffix when the packing changes
_HEADER_NAME = "land_mask_v1.json"


@dataclass(frozen=True)
class LandMask:
    """A land/water grid: ``bits`` packed row-major (True = land), north to south, west to east.

    A position falls in row ``floor((lat - lat0) / dlat)`` and column ``floor((lon - lon0) /
    dlon)`` (``dlat`` is negative: rows run south), the package's own indexing.
    """

    bits: npt.NDArray[np.uint8]
    rows: int
    cols: int
    lat0: float
    lon0: float
    dlat: float
    dlon: float

    def is_land(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """True where the cell holding (lat, lon) is land; False at sea or for NaN positions.
        Looked up a block at a time (``common.blocks``): a day's fixes are millions."""
        return in_blocks(self._is_land, np.asarray(lat, dtype="float64"),
                         np.asarray(lon, dtype="float64"), dtype=bool)

    def _is_land(self, lat_a: np.ndarray, lon_a: np.ndarray) -> npt.NDArray[np.bool_]:
        ok = np.isfinite(lat_a) & np.isfinite(lon_a)
        row = np.clip(np.floor((np.where(ok, lat_a, 0.0) - self.lat0) / self.dlat), 0, self.rows - 1)
        lon_w = (np.where(ok, lon_a, 0.0) + 180.0) % 360.0 - 180.0
        col = np.clip(np.floor((lon_w - self.lon0) / self.dlon), 0, self.cols - 1)
        flat = row.astype("int64") * self.cols + col.astype("int64")
        byte = self.bits[flat >> 3]
        land = ((byte >> (7 - (flat & 7)).astype("uint8")) & 1).astype(bool)
        return land & ok


def deep_land(
    mask: LandMask, lat: npt.ArrayLike, lon: npt.ArrayLike, margin_nm: float
) -> npt.NDArray[np.bool_]:
    """True where a position and the 8 points round it at ``margin_nm`` are all land.

    One mask lookup per position; the ring round it is looked up only for positions on land,
    once per distinct position rounded to ~100 m (AIS tracks repeat positions).
    """
    lat_a = np.asarray(lat, dtype="float64").ravel()
    lon_a = np.asarray(lon, dtype="float64").ravel()
    out = np.zeros(lat_a.shape, dtype=bool)
    on_land = mask.is_land(lat_a, lon_a)  # False for NaN positions
    if not on_land.any():
        return out
    key = np.round(lat_a[on_land] * 1000.0) * 1_000_000.0 + np.round(lon_a[on_land] * 1000.0)
    inverse, uniq = pd.factorize(key)  # hashed, not sorted: codes in order of first sight
    first = np.flatnonzero(np.diff(np.maximum.accumulate(inverse), prepend=-1) > 0)
    ulat, ulon = lat_a[on_land][first], lon_a[on_land][first]
    land = np.ones(len(uniq), dtype=bool)
    cos_lat = np.maximum(np.cos(np.radians(ulat)), 0.01)
    for bearing in _RING_BEARINGS_DEG:
        todo = np.flatnonzero(land)
        if len(todo) == 0:
            break
        b = np.radians(bearing)
        rlat = ulat[todo] + margin_nm * np.cos(b) / 60.0
        rlon = ulon[todo] + margin_nm * np.sin(b) / (60.0 * cos_lat[todo])
        land[todo] &= mask.is_land(np.clip(rlat, -90.0, 90.0), rlon)
    out[on_land] = land[inverse]
    return out


def load_land_mask(cache_dir: Path) -> LandMask:
    """The packed land mask, built into ``cache_dir`` on first use (once per machine: ~6 s and
    ~1 GB of memory while the package's mask is unpacked), memory-mapped afterwards."""
    cache_dir = Path(cache_dir)
    path, header = cache_dir / _CACHE_NAME, cache_dir / _HEADER_NAME
    if not (path.exists() and header.exists()):
        _build_cache(cache_dir)
    try:
        meta = [float(v) for v in header.read_text(encoding="ascii").split(",")]
        bits = np.load(path, mmap_mode="r")
    except (OSError, ValueError) as exc:
        raise VesselRiskError(f"cannot read the land mask cache {path}: {exc}") from exc
    rows, cols, lat0, lon0, dlat, dlon = meta
    return LandMask(bits, int(rows), int(cols), lat0, lon0, dlat, dlon)


def _build_cache(cache_dir: Path) -> None:
    from global_land_mask import globe  # importing it unpacks the whole mask

    land = ~np.asarray(globe._mask, dtype=bool)  # the package's mask is True on water
    lat, lon = np.asarray(globe._lat), np.asarray(globe._lon)
    packed = np.packbits(land, axis=None)
    del land
    cache_dir.mkdir(parents=True, exist_ok=True)
    meta = [lat.size, lon.size, lat[0], lon[0], lat[1] - lat[0], lon[1] - lon[0]]
    # write beside, then rename: a process killed half-way never leaves a torn cache behind
    with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".npy", delete=False) as tmp:
        np.save(tmp, packed)
    os.chmod(tmp.name, 0o644)  # a cache others on the machine may read, like any package file
    os.replace(tmp.name, cache_dir / _CACHE_NAME)
    (cache_dir / _HEADER_NAME).write_text(",".join(repr(float(v)) for v in meta), encoding="ascii")
