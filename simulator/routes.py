"""Sea routes between places, from searoute's sea-lane network, as polylines with distances."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache

import numpy as np

from vessel_risk.simulator.geo import haversine_nm

DENSIFY_STEP_NM = 2.0  # polyline vertices at most this far apart, so interpolation follows the lane


@dataclass(frozen=True)
class Route:
    """A polyline at sea: vertex latitudes, longitudes and cumulative distance from the start (nm)."""

    lat: np.ndarray
    lon: np.ndarray
    cum_nm: np.ndarray

    @property
    def length_nm(self) -> float:
        return float(self.cum_nm[-1])

    def at(self, dist_nm: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """Positions at the given distances along the route (clipped to its ends)."""
        d = np.clip(np.asarray(dist_nm, dtype=float), 0.0, self.length_nm)
        return np.interp(d, self.cum_nm, self.lat), np.interp(d, self.cum_nm, self.lon)

    def reversed(self) -> Route:
        return make_route(self.lat[::-1], self.lon[::-1])

    def sub(self, from_nm: float, to_nm: float) -> Route:
        """The part of the route between two distances along it."""
        inside = (self.cum_nm > from_nm) & (self.cum_nm < to_nm)
        d = np.concatenate([[from_nm], self.cum_nm[inside], [to_nm]])
        lat, lon = self.at(d)
        return make_route(lat, lon)


def make_route(lat: np.ndarray, lon: np.ndarray) -> Route:
    """A route through the given vertices, densified to DENSIFY_STEP_NM."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    seg = haversine_nm(lat[:-1], lon[:-1], lat[1:], lon[1:])
    pieces_lat, pieces_lon = [lat[:1]], [lon[:1]]
    for i, d in enumerate(seg):  # a few dozen vertices per route
        n = max(1, int(np.ceil(d / DENSIFY_STEP_NM)))
        t = np.arange(1, n + 1) / n
        pieces_lat.append(lat[i] + (lat[i + 1] - lat[i]) * t)
        pieces_lon.append(lon[i] + (lon[i + 1] - lon[i]) * t)
    dlat, dlon = np.concatenate(pieces_lat), np.concatenate(pieces_lon)
    cum = np.concatenate([[0.0], np.cumsum(haversine_nm(dlat[:-1], dlon[:-1], dlat[1:], dlon[1:]))])
    return Route(dlat, dlon, cum)


@cache
def sea_route(origin: tuple[float, float], dest: tuple[float, float]) -> Route:
    """Shortest sea-lane route between two (lat, lon) points, including both end points.

    Cached: the simulator asks for the same port pairs many times.
    """
    import searoute  # imported lazily: building its graphs takes a few seconds

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        feat = searoute.searoute([origin[1], origin[0]], [dest[1], dest[0]], units="naut")
    coords = np.asarray(feat["geometry"]["coordinates"], dtype=float).reshape(-1, 2)
    # searoute starts and ends at the sea-lane nodes nearest the end points: add the end points.
    lat = np.concatenate([[origin[0]], coords[:, 1], [dest[0]]])
    lon = np.concatenate([[origin[1]], coords[:, 0], [dest[1]]])
    keep = np.concatenate([[True], (np.diff(lat) != 0) | (np.diff(lon) != 0)])
    return make_route(lat[keep], lon[keep])
