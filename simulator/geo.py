"""Small spherical-geometry helpers, vectorised over numpy arrays (distances in nautical miles)."""

from __future__ import annotations

import numpy as np
from global_land_mask import globe

EARTH_RADIUS_NM = 3440.065  # mean Earth radius in nautical miles


def haversine_nm(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in nautical miles (broadcasts like numpy)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_NM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def bearing_deg(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Initial true bearing from point 1 to point 2, degrees in [0, 360)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    y = np.sin(dlmb) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dlmb)
    return np.asarray(np.degrees(np.arctan2(y, x)) % 360.0)


def offset_nm(
    lat: np.ndarray | float,
    lon: np.ndarray | float,
    bearing: np.ndarray | float,
    dist_nm: np.ndarray | float,
) -> tuple[np.ndarray, np.ndarray]:
    """Point reached from (lat, lon) after dist_nm on bearing (flat-earth; fine below ~200 nm)."""
    b = np.radians(bearing)
    dlat = np.asarray(dist_nm) * np.cos(b) / 60.0
    dlon = np.asarray(dist_nm) * np.sin(b) / (60.0 * np.cos(np.radians(lat)))
    return np.asarray(lat + dlat), np.asarray(lon + dlon)


def is_sea(lat: np.ndarray | float, lon: np.ndarray | float) -> np.ndarray:
    """True where the 1 km global land mask says water."""
    return np.asarray(globe.is_ocean(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)))


def nearest_distance_nm(
    lat: np.ndarray, lon: np.ndarray, ref_lat: np.ndarray, ref_lon: np.ndarray
) -> np.ndarray:
    """Distance from each point to the nearest reference point (nm); a points x refs matrix."""
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    d = haversine_nm(
        lat[:, None], lon[:, None], np.asarray(ref_lat)[None, :], np.asarray(ref_lon)[None, :]
    )
    return np.asarray(d.min(axis=1))
