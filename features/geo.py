"""Geography: great-circle distances, the reference port list, nearest port, land/sea.

Everything here is vectorised over numpy arrays and reads reference data lazily (on first call,
never at import): the port list ships inside the ``searoute`` package, the land mask inside
``global-land-mask``. Nothing downloads.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk import columns as c

# Mean Earth radius in nautical miles (6,371.0088 km / 1.852 km per nm): the IUGG mean radius, which
# keeps haversine errors below ~0.5 % anywhere, far below what any detector threshold resolves.
EARTH_RADIUS_NM: float = 3440.065

# Query rows per block in nearest_port: a block x ~4k ports float64 dot matrix is ~32 MB, small
# enough for any machine and large enough that BLAS runs at full speed.
_BLOCK_ROWS = 1024
# nearest_port searches latitude bands of this height against the ports within a margin above
# and below, widening the margin for positions farther from every port than it: 2 degrees
# (120 nm) settles nearly every position of a coastal AIS feed with a few hundred candidate
# ports per band; 10 degrees settles most of the open ocean; the rest are searched against all.
_BAND_DEG = 2.0
_BAND_MARGINS_DEG = (2.0, 10.0)

FloatArray = npt.NDArray[np.float64]


def haversine_nm(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in nautical miles; broadcasts like numpy, NaN in gives NaN out."""
    p1 = np.radians(np.asarray(lat1, dtype="float64"))
    p2 = np.radians(np.asarray(lat2, dtype="float64"))
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2, dtype="float64") - np.asarray(lon1, dtype="float64"))
    a = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_NM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def unit_vectors(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """Positions as 3-D unit vectors (n x 3): the dot product of two is the cosine of their angle."""
    phi = np.radians(np.asarray(lat, dtype="float64"))
    lmb = np.radians(np.asarray(lon, dtype="float64"))
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lmb), cos_phi * np.sin(lmb), np.sin(phi)], axis=-1)


@lru_cache(maxsize=1)
def _ports_cached() -> pd.DataFrame:
    text = (resources.files("searoute") / "data" / "ports.geojson").read_text(encoding="utf-8")
    features = json.loads(text)["features"]
    props = [f["properties"] for f in features]
    coords = np.array([f["geometry"]["coordinates"] for f in features], dtype="float64")
    ports = pd.DataFrame(
        {
            c.NAME: pd.array([p.get("name") for p in props], dtype="string"),
            c.LOCODE: pd.array([p.get("port") for p in props], dtype="string"),
            c.COUNTRY: pd.array([p.get("cty") for p in props], dtype="string"),
            c.LAT: coords[:, 1],
            c.LON: coords[:, 0],
        }
    )
    ok = ports[c.LAT].between(-90.0, 90.0) & ports[c.LON].between(-180.0, 180.0)
    return ports[ok].sort_values([c.LOCODE, c.NAME], kind="mergesort").reset_index(drop=True)


def load_ports() -> pd.DataFrame:
    """The reference world ports (~3,900) bundled with ``searoute``.

    Columns ``columns.PORT_COLUMNS``: ``name`` (string), ``locode`` (UN/LOCODE, string),
    ``country`` (string), ``lat`` and ``lon`` (float64 degrees). Read once per process; each call
    returns a fresh copy, so callers may modify it freely.
    """
    return _ports_cached().copy()


def nearest_port(
    lat: npt.ArrayLike, lon: npt.ArrayLike, ports: pd.DataFrame
) -> tuple[FloatArray, npt.NDArray[np.object_]]:
    """Distance (nm) to, and name of, the nearest port of ``ports`` for every position.

    Exact: positions and ports become unit vectors and the nearest port is the one with the largest
    dot product (smallest angle), found over the distinct positions only (AIS tracks repeat
    positions a lot) by blocked matrix products within latitude bands; the distance to it is then
    recomputed with haversine for full precision. NaN positions, or an empty ``ports``, give NaN distance and a None name.
    """
    lat_a = np.asarray(lat, dtype="float64").ravel()
    lon_a = np.asarray(lon, dtype="float64").ravel()
    dist = np.full(lat_a.shape, np.nan)
    names = np.full(lat_a.shape, None, dtype=object)
    valid = np.isfinite(lat_a) & np.isfinite(lon_a)
    if len(ports) == 0 or not valid.any():
        return dist, names

    # distinct positions as complex numbers: numpy sorts those lexicographically and much faster
    # than rows of a 2-D array
    uniq_z, inverse = np.unique(lat_a[valid] + 1j * lon_a[valid], return_inverse=True)
    uniq = np.stack([uniq_z.real, uniq_z.imag], axis=1)
    port_lat = ports[c.LAT].to_numpy(dtype="float64")
    port_lon = ports[c.LON].to_numpy(dtype="float64")
    best = _nearest_index(uniq[:, 0], uniq[:, 1], port_lat, port_lon)
    uniq_dist = haversine_nm(uniq[:, 0], uniq[:, 1], port_lat[best], port_lon[best])
    port_names = ports[c.NAME].astype("object").to_numpy()
    inverse = inverse.ravel()
    dist[valid] = uniq_dist[inverse]
    names[valid] = port_names[best][inverse]
    return dist, names


def _nearest_index(
    lat: FloatArray, lon: FloatArray, port_lat: FloatArray, port_lon: FloatArray
) -> npt.NDArray[np.int64]:
    """Index of the nearest port for each position (no NaN), exact.

    Positions are grouped in latitude bands; each band searches only the ports within a margin
    above and below it. A great-circle distance is never shorter than the latitude difference, so
    a result closer than the margin is exact; positions farther from every port than that (open
    ocean) are searched again with the next, wider margin, and finally against every port.
    """
    port_vec = unit_vectors(port_lat, port_lon)
    query_vec = unit_vectors(lat, lon)
    best = np.zeros(len(lat), dtype="int64")
    todo = np.arange(len(lat))
    for margin_deg in _BAND_MARGINS_DEG:
        exact = np.zeros(len(todo), dtype=bool)
        band = np.floor(lat[todo] / _BAND_DEG).astype("int64")
        order = np.argsort(band, kind="stable")
        starts = np.flatnonzero(np.r_[True, band[order][1:] != band[order][:-1]])
        for pos in np.split(order, starts[1:]):  # one iteration per latitude band (<= 90)
            if len(pos) == 0:
                continue
            rows = todo[pos]
            lo = band[pos[0]] * _BAND_DEG - margin_deg
            hi = (band[pos[0]] + 1) * _BAND_DEG + margin_deg
            cand = np.flatnonzero((port_lat >= lo) & (port_lat <= hi))
            if len(cand) == 0:
                continue
            idx = cand[_argmax_dot(query_vec[rows], port_vec[cand])]
            found_nm = haversine_nm(lat[rows], lon[rows], port_lat[idx], port_lon[idx])
            best[rows] = idx
            exact[pos] = found_nm <= 60.0 * np.minimum(lat[rows] - lo, hi - lat[rows])
        todo = todo[~exact]
        if len(todo) == 0:
            return best
    best[todo] = _argmax_dot(query_vec[todo], port_vec)
    return best


def _argmax_dot(query_vec: FloatArray, port_vec: FloatArray) -> npt.NDArray[np.int64]:
    """Column of the largest dot product (smallest angle) per query row, in memory-bounded blocks."""
    out = np.empty(len(query_vec), dtype="int64")
    port_vec_t = np.ascontiguousarray(port_vec.T)
    for begin in range(0, len(query_vec), _BLOCK_ROWS):
        out[begin : begin + _BLOCK_ROWS] = np.argmax(
            query_vec[begin : begin + _BLOCK_ROWS] @ port_vec_t, axis=1
        )
    return out


def is_at_sea(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where a position is on water by the 1 km ``global-land-mask``; False on land or NaN.

    Cost: the first call in a process decompresses the mask (about 6 s and ~1 GB of memory), so
    detectors should call it on a few candidate positions, not on whole tracks, and only when
    needed. Positions outside valid ranges count as not at sea.
    """
    lat_a = np.asarray(lat, dtype="float64").ravel()
    lon_a = np.asarray(lon, dtype="float64").ravel()
    out = np.zeros(lat_a.shape, dtype=bool)
    valid = (
        np.isfinite(lat_a) & np.isfinite(lon_a) & (np.abs(lat_a) <= 90.0) & (np.abs(lon_a) <= 180.0)
    )
    if not valid.any():
        return out
    from global_land_mask import globe  # deferred: importing it loads the whole mask

    out[valid] = np.asarray(globe.is_ocean(lat_a[valid], lon_a[valid]), dtype=bool)
    return out


def format_position(lat: float, lon: float) -> str:
    """A position as an officer reads it: ``55.47N 8.45E`` (two decimals, about 1 km)."""
    if not (np.isfinite(lat) and np.isfinite(lon)):
        return "unknown position"
    return f"{abs(lat):.2f}{'N' if lat >= 0 else 'S'} {abs(lon):.2f}{'E' if lon >= 0 else 'W'}"
