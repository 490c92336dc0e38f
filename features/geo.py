"""Geography: great-circle distances, the reference port list, nearest port, places in words.

Everything here is vectorised over numpy arrays and reads reference data lazily (on first call,
never at import): the port list is the NGA World Port Index shipped in ``features/reference``
(see its README). Nothing downloads.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from vessel_risk.common import columns as c
from vessel_risk.common.blocks import in_blocks
from vessel_risk.features import grid

# Mean Earth radius in nautical miles (6,371.0088 km / 1.852 km per nm): the IUGG mean radius, which
# keeps haversine errors below ~0.5 % anywhere, far below what any detector threshold resolves.
EARTH_RADIUS_NM: float = 3440.065

FloatArray = npt.NDArray[np.float64]


def haversine_nm(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in nautical miles; broadcasts like numpy, NaN in gives NaN out.
    Worked out a block at a time (``common.blocks``): a day's fixes are millions."""
    return in_blocks(_haversine_nm, *(np.asarray(x, dtype="float64")
                                      for x in (lat1, lon1, lat2, lon2)), dtype="float64")


def _haversine_nm(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
                  ) -> FloatArray:
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2 - lon1)
    a = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_NM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def unit_vectors(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """Positions as 3-D unit vectors (n x 3): the dot product of two is the cosine of their angle."""
    phi = np.radians(np.asarray(lat, dtype="float64"))
    lmb = np.radians(np.asarray(lon, dtype="float64"))
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lmb), cos_phi * np.sin(lmb), np.sin(phi)], axis=-1)


PORTS_FILE = "world_port_index.csv"  # in the package's reference folder (see its README)
# Compass points for "7 nm SW of Shoreham": 16 points of 22.5 degrees.
_COMPASS = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
            "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")


@lru_cache(maxsize=1)
def _ports_cached() -> pd.DataFrame:
    with (resources.files("vessel_risk.features") / "reference" / PORTS_FILE).open("rb") as fh:
        ports = pd.read_csv(fh, dtype={c.NAME: "string", c.COUNTRY: "string"})
    return ports[c.PORT_COLUMNS].reset_index(drop=True)


def load_ports() -> pd.DataFrame:
    """The reference seaports (~3,400) of the NGA World Port Index shipped with the package.

    Columns ``columns.PORT_COLUMNS``: ``name`` and ``country`` (ISO3) as string, ``lat`` and
    ``lon`` as float64 degrees. Read once per process; each call returns a fresh copy.
    """
    return _ports_cached().copy()


def port_tree(ports: pd.DataFrame) -> cKDTree:
    """A k-d tree over the ports' unit vectors (chord distance orders like great-circle)."""
    return cKDTree(unit_vectors(ports[c.LAT].to_numpy(dtype="float64"),
                                ports[c.LON].to_numpy(dtype="float64")))


def nearest_port_index(
    lat: npt.ArrayLike, lon: npt.ArrayLike, ports: pd.DataFrame, tree: cKDTree | None = None,
    max_nm: float = np.inf,
) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    """Distance (nm) to, and row of, the nearest port of ``ports`` within ``max_nm`` for every
    position; NaN and -1 where there is none (or the position is NaN).

    Queried once per distinct position: AIS tracks repeat positions a lot.
    """
    lat_a = np.asarray(lat, dtype="float64").ravel()
    lon_a = np.asarray(lon, dtype="float64").ravel()
    dist = np.full(lat_a.shape, np.nan)
    index = np.full(lat_a.shape, -1, dtype="int64")
    valid = np.isfinite(lat_a) & np.isfinite(lon_a)
    if len(ports) == 0 or not valid.any():
        return dist, index
    if max_nm <= _PREFILTER_MAX_NM:  # most fixes of a day are far from every port: skip them
        valid &= _near_some_port(lat_a, lon_a, ports)
        if not valid.any():
            return dist, index
    tree = port_tree(ports) if tree is None else tree
    inverse, uniq_z = pd.factorize(lat_a[valid] + 1j * lon_a[valid])  # hashed, not sorted
    bound = 2.0 * np.sin(min(max_nm, np.pi * EARTH_RADIUS_NM) / (2.0 * EARTH_RADIUS_NM)) * (1 + 1e-9)
    _, best = tree.query(unit_vectors(uniq_z.real, uniq_z.imag), distance_upper_bound=bound)
    found = best < len(ports)
    best = np.where(found, best, 0)
    uniq_dist = haversine_nm(uniq_z.real, uniq_z.imag, ports[c.LAT].to_numpy()[best],
                             ports[c.LON].to_numpy()[best])
    uniq_dist = np.where(found & (uniq_dist <= max_nm), uniq_dist, np.nan)
    dist[valid] = uniq_dist[inverse]
    index[valid] = np.where(np.isnan(uniq_dist), -1, best)[inverse]
    return dist, index


# Cells of this size (degrees) round every port decide, with one lookup per fix, which fixes can be
# within _PREFILTER_MAX_NM of a port at all (a cell and its neighbours span at least a cell,
# i.e. 0.25 degree = 15 nm of latitude; longitude cells are narrower, so 0.25 degree at 60N is
# 7.5 nm, still beyond the radius).
_PREFILTER_CELL_DEG = 0.25
_PREFILTER_MAX_NM = 7.0


def _near_some_port(lat: FloatArray, lon: FloatArray, ports: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """False where a fix is surely farther than _PREFILTER_MAX_NM from every port (above 60
    degrees of latitude every fix is kept: longitude cells get too narrow)."""
    cells = grid.neighbourhood(grid.cell_keys(ports[c.LAT], ports[c.LON], _PREFILTER_CELL_DEG),
                               _PREFILTER_CELL_DEG, 1)
    near = grid.member(grid.cell_keys(lat, lon, _PREFILTER_CELL_DEG), cells)
    return near | (np.abs(lat) > 60.0)


def nearest_port(
    lat: npt.ArrayLike, lon: npt.ArrayLike, ports: pd.DataFrame
) -> tuple[FloatArray, npt.NDArray[np.object_]]:
    """Distance (nm) to, and name of, the nearest port of ``ports`` for every position.

    NaN positions, or an empty ``ports``, give NaN distance and a None name.
    """
    dist, index = nearest_port_index(lat, lon, ports)
    names = np.full(len(index), None, dtype=object)
    known = index >= 0
    names[known] = ports[c.NAME].astype("object").to_numpy()[index[known]]
    return dist, names


def bearing_deg(lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike,
                lon2: npt.ArrayLike) -> FloatArray:
    """Initial true bearing from point 1 to point 2, degrees in [0, 360)."""
    p1, p2 = np.radians(np.asarray(lat1, dtype="float64")), np.radians(np.asarray(lat2, "float64"))
    dlmb = np.radians(np.asarray(lon2, dtype="float64") - np.asarray(lon1, dtype="float64"))
    y = np.sin(dlmb) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dlmb)
    return np.degrees(np.arctan2(y, x)) % 360.0


def describe_places(lat: npt.ArrayLike, lon: npt.ArrayLike, ports: pd.DataFrame) -> list[str]:
    """Each position as an officer reads it against the nearest port: ``7 nm SW of Shoreham
    Harbour``, ``in Dieppe`` within half a mile, or the plain position without ports."""
    lat_a = np.asarray(lat, dtype="float64").ravel()
    lon_a = np.asarray(lon, dtype="float64").ravel()
    dist, index = nearest_port_index(lat_a, lon_a, ports)
    out = []
    for la, lo, d, i in zip(lat_a, lon_a, dist, index):
        if i < 0:
            out.append(format_position(la, lo))
            continue
        name = str(ports[c.NAME].iat[i])
        if d < 0.5:
            out.append(f"in {name}")
            continue
        point = _COMPASS[int(((bearing_deg(ports[c.LAT].iat[i], ports[c.LON].iat[i], la, lo)
                                + 11.25) % 360.0) // 22.5)]
        out.append(f"{d:.0f} nm {point} of {name}")
    return out


def format_position(lat: float, lon: float) -> str:
    """A position as an officer reads it: ``55.47N 8.45E`` (two decimals, about 1 km)."""
    if not (np.isfinite(lat) and np.isfinite(lon)):
        return "unknown position"
    return f"{abs(lat):.2f}{'N' if lat >= 0 else 'S'} {abs(lon):.2f}{'E' if lon >= 0 else 'W'}"
