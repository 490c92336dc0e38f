"""Tiny scenario builders for feature tests: a port list, a track, a stationary vessel.

Each builder returns a positions table with every column of ``c.POSITION_COLUMNS`` and the
ingest dtypes, so scenarios can be concatenated (``positions(...)``) and passed to
``build_tracks``. Straight tracks follow the great circle at a constant speed, so the implied
speed between fixes equals the requested speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd

from features.geo import COUNTRY, EARTH_RADIUS_NM, LOCODE, unit_vectors
from features.tracks import build_tracks
from vessel_risk import columns as c

T0 = pd.Timestamp("2024-05-01 00:00", tz="UTC")

# A few real ports of the Danish/German North Sea coast: a compact, realistic reference list.
NORTH_SEA_PORTS: list[tuple[str, float, float]] = [
    ("Esbjerg", 55.4667, 8.4500),
    ("Hvide Sande", 55.9990, 8.1240),
    ("Cuxhaven", 53.8700, 8.7000),
    ("Helgoland", 54.1800, 7.8900),
]


def ports(rows: Sequence[tuple[str, float, float]] = NORTH_SEA_PORTS) -> pd.DataFrame:
    """A ports table like ``load_ports()`` from (name, lat, lon) rows."""
    return pd.DataFrame(
        {
            c.NAME: pd.array([r[0] for r in rows], dtype="string"),
            LOCODE: pd.array([f"XX{i:03d}" for i in range(len(rows))], dtype="string"),
            COUNTRY: pd.array(["Testland"] * len(rows), dtype="string"),
            c.LAT: np.array([r[1] for r in rows], dtype="float64"),
            c.LON: np.array([r[2] for r in rows], dtype="float64"),
        }
    )


def fixes(
    mmsi: int,
    times: Sequence[pd.Timestamp] | pd.Series | pd.DatetimeIndex,
    lats: npt.ArrayLike | pd.Series,
    lons: npt.ArrayLike | pd.Series,
    sog_knots: npt.ArrayLike = np.nan,
) -> pd.DataFrame:
    """Positions of one vessel at the given times and places, with ingest's columns and dtypes."""
    n = len(np.asarray(lats))
    return pd.DataFrame(
        {
            c.MMSI: np.full(n, mmsi, dtype="int64"),
            c.TIMESTAMP: pd.DatetimeIndex(times).tz_convert("UTC").astype(  # type: ignore[arg-type]
                "datetime64[us, UTC]"
            ),
            c.LAT: np.asarray(lats, dtype="float64"),
            c.LON: np.asarray(lons, dtype="float64"),
            c.SOG_KNOTS: np.broadcast_to(np.asarray(sog_knots, dtype="float64"), (n,)).copy(),
            c.COG_DEG: np.full(n, np.nan),
            c.HEADING_DEG: np.full(n, np.nan),
            c.NAV_STATUS: np.full(n, np.nan),
            c.MSG_TYPE: np.full(n, 1, dtype="int64"),
            c.RECEIVERS: np.full(n, 1, dtype="int64"),
            c.SOURCE_FILE: pd.array(["test.nmea"] * n, dtype="string"),
            c.LINE_NO: np.arange(1, n + 1, dtype="int64"),
        }
    )


def straight_track(
    mmsi: int,
    start: tuple[float, float],
    end: tuple[float, float],
    speed_knots: float,
    t0: pd.Timestamp = T0,
    interval_min: float = 6.0,
) -> pd.DataFrame:
    """A vessel sailing the great circle from ``start`` to ``end`` (lat, lon) at a constant speed,
    reporting every ``interval_min`` minutes (the last fix lands on ``end``)."""
    a, b = unit_vectors(*start), unit_vectors(*end)
    angle = float(np.arccos(np.clip(a @ b, -1.0, 1.0)))
    hours = angle * EARTH_RADIUS_NM / speed_knots
    t_h = np.append(np.arange(0.0, hours, interval_min / 60.0), hours)
    frac = t_h / hours if hours > 0 else np.zeros_like(t_h)
    if angle > 0:
        w_a = np.sin((1.0 - frac) * angle) / np.sin(angle)
        w_b = np.sin(frac * angle) / np.sin(angle)
        vec = w_a[:, None] * a + w_b[:, None] * b
    else:
        vec = np.repeat(a[None, :], len(t_h), axis=0)
    lats = np.degrees(np.arcsin(np.clip(vec[:, 2], -1.0, 1.0)))
    lons = np.degrees(np.arctan2(vec[:, 1], vec[:, 0]))
    times = t0 + pd.to_timedelta(t_h, unit="h")
    return fixes(mmsi, times, lats, lons, sog_knots=speed_knots)


def stationary_track(
    mmsi: int,
    at: tuple[float, float],
    hours: float,
    t0: pd.Timestamp = T0,
    interval_min: float = 3.0,
) -> pd.DataFrame:
    """A vessel lying still at ``at`` (lat, lon) for ``hours``, reporting every ``interval_min``."""
    t_h = np.arange(0.0, hours + 1e-9, interval_min / 60.0)
    n = len(t_h)
    return fixes(mmsi, t0 + pd.to_timedelta(t_h, unit="h"), [at[0]] * n, [at[1]] * n, 0.0)


def random_fleet(n_rows: int, n_vessels: int, seed: int, hours: float = 72.0) -> pd.DataFrame:
    """A large positions table for speed tests: ``n_vessels`` vessels leaving the German Bight on
    straight courses at 0-15 kn for ``hours``, fixes at random times, one fix in a thousand thrown
    90 nm north or south (a GPS glitch); rows in random order."""
    rng = np.random.default_rng(seed)
    vessel = rng.integers(0, n_vessels, n_rows)
    t_h = rng.uniform(0.0, hours, n_rows)
    start_lat, start_lon = rng.uniform(54.0, 55.5, n_vessels), rng.uniform(6.5, 8.0, n_vessels)
    speed_knots = rng.uniform(0.0, 15.0, n_vessels)
    course = rng.uniform(0.0, 2.0 * np.pi, n_vessels)
    run_deg = speed_knots[vessel] * t_h / 60.0  # 1 degree of latitude ~ 60 nm
    lat = start_lat[vessel] + np.cos(course[vessel]) * run_deg
    lon = start_lon[vessel] + np.sin(course[vessel]) * run_deg / np.cos(np.radians(lat))
    glitch = rng.random(n_rows) < 0.001
    lat[glitch] += rng.choice([-1.5, 1.5], glitch.sum())
    pos = fixes(0, T0 + pd.to_timedelta(t_h, unit="h"), lat, lon, sog_knots=speed_knots[vessel])
    pos[c.MMSI] = 200_000_000 + vessel
    return pos


@lru_cache(maxsize=1)
def _fleet_tracks_cached() -> pd.DataFrame:
    return build_tracks(random_fleet(200_000, 2_000, seed=11), ports())


def fleet_tracks() -> pd.DataFrame:
    """Tracks of ``random_fleet(200_000, 2_000, seed=11)``, built once per test session."""
    return _fleet_tracks_cached().copy()


def positions(*parts: pd.DataFrame) -> pd.DataFrame:
    """Concatenate scenario parts into one positions table (any order: build_tracks sorts)."""
    return pd.concat(parts, ignore_index=True)


def tracks(*parts: pd.DataFrame, port_rows: Sequence[tuple[str, float, float]] = NORTH_SEA_PORTS
           ) -> pd.DataFrame:
    """Build tracks from scenario parts against a small port list (default: NORTH_SEA_PORTS)."""
    return build_tracks(positions(*parts), ports(port_rows))


# Open water in the German Bight, > 20 nm from every port above.
OPEN_SEA = (54.90, 7.20)
