"""What the receivers hear: a coverage hole where nothing is heard, and a station whose feed
reaches the archive thinned (``simulator.ports``: ``COVERAGE_HOLE``, ``THINNED_STATIONS``).

Both are benign look-alikes of going dark: vessels crossing the hole or working inside it fall
silent for hours; vessels near the thinned station are heard every two hours or so, sometimes
not for six hours or more.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vessel_risk.simulator import ports as pt
from vessel_risk.simulator.encode import nearest_stations
from vessel_risk.simulator.geo import haversine_nm


def in_hole(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    hole_lat, hole_lon, radius = pt.COVERAGE_HOLE
    return haversine_nm(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float),
                        hole_lat, hole_lon) <= radius


def impaired(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """True where the receivers hear nothing (the hole) or only a thinned feed."""
    lat, lon = np.atleast_1d(lat), np.atleast_1d(lon)
    first, _ = nearest_stations(lat, lon)
    return in_hole(lat, lon) | np.isin(first, pt.THINNED_STATIONS)


def receive(reports: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The reports (rows with ``lat``, ``lon``) that reach the archive."""
    lat, lon = reports["lat"].to_numpy(), reports["lon"].to_numpy()
    first, _ = nearest_stations(lat, lon)
    keep_draw = rng.random(len(reports))
    thinned = np.isin(first, pt.THINNED_STATIONS) & (keep_draw >= pt.THINNED_KEEP_SHARE)
    return reports[~(in_hole(lat, lon) | thinned)].reset_index(drop=True)
