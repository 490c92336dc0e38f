"""Tiny scenario builders for feature tests: a port list, fixes, a vessel lying still or sailing.

Position builders (``fixes``, ``stationary_track``, ``straight_track``, ``random_fleet``) return a
positions table with every column of ``c.POSITION_COLUMNS`` and the ingest dtypes, so scenario
parts can be concatenated (``positions(...)``). Two ways turn parts into tracks:

- ``tracks(*parts)``: ``features.context.situate`` against a small real port list
  (``NORTH_SEA_PORTS``), no land mask and no anchorage history: the tracks every detector reads,
  with where each fix is worked out as in a run;
- ``tracks_at_place(*parts, place=...)``: ``build_tracks`` with every fix's place (sea, port,
  anchorage, land) fixed by the test, for detectors that only ask "at sea or not".

Straight tracks follow the great circle at a constant speed, so the implied speed between fixes
equals the requested speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features.context import Context, situate
from vessel_risk.features.geo import EARTH_RADIUS_NM, unit_vectors
from vessel_risk.features.tracks import build_tracks
from vessel_risk.simulator.positions import positions_frame
from vessel_risk.simulator.straight_fleet import straight_fleet

T0 = pd.Timestamp("2024-05-01 00:00", tz="UTC")

# A few real ports of the Danish/German North Sea coast: a compact, realistic reference list.
NORTH_SEA_PORTS: list[tuple[str, float, float]] = [
    ("Esbjerg", 55.4667, 8.4500),
    ("Hvide Sande", 55.9990, 8.1240),
    ("Cuxhaven", 53.8700, 8.7000),
    ("Helgoland", 54.1800, 7.8900),
]

# Open water in the German Bight, > 20 nm from every port above.
OPEN_SEA = (54.90, 7.20)


def ports(rows: Sequence[tuple[str, float, float]] = NORTH_SEA_PORTS) -> pd.DataFrame:
    """A ports table like ``load_ports()`` from (name, lat, lon) rows."""
    return pd.DataFrame(
        {
            c.NAME: pd.array([r[0] for r in rows], dtype="string"),
            c.COUNTRY: pd.array(["TST"] * len(rows), dtype="string"),
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
    return positions_frame(mmsi, times, lats, lons, sog_knots)


def _report_hours(hours: float, interval_min: float) -> npt.NDArray[np.float64]:
    """Report times (hours after the start): every ``interval_min`` up to ``hours``, and ``hours``
    itself when it is not on that grid."""
    step_h = interval_min / 60.0
    t_h = np.arange(int(np.floor(hours / step_h + 1e-9)) + 1, dtype="float64") * step_h
    if hours - t_h[-1] > 1e-9:
        t_h = np.append(t_h, hours)
    return t_h


def _at(t0: pd.Timestamp, t_h: npt.NDArray[np.float64]) -> pd.DatetimeIndex:
    """``t0`` plus ``t_h`` hours, rounded to the microsecond (no float drift off the grid)."""
    return t0 + pd.to_timedelta(np.round(t_h * 3.6e9).astype("int64"), unit="us")


def destination(at: tuple[float, float], course_deg: float, dist_nm: float) -> tuple[float, float]:
    """The (lat, lon) reached from ``at`` after ``dist_nm`` on the great circle leaving at
    ``course_deg`` (0 north, 90 east)."""
    phi, lmb = np.radians(at[0]), np.radians(at[1])
    theta, delta = np.radians(course_deg), dist_nm / EARTH_RADIUS_NM
    lat = np.arcsin(np.sin(phi) * np.cos(delta) + np.cos(phi) * np.sin(delta) * np.cos(theta))
    lon = lmb + np.arctan2(
        np.sin(theta) * np.sin(delta) * np.cos(phi), np.cos(delta) - np.sin(phi) * np.sin(lat)
    )
    return float(np.degrees(lat)), float((np.degrees(lon) + 180.0) % 360.0 - 180.0)


def straight_track(
    mmsi: int,
    start: tuple[float, float],
    end: tuple[float, float],
    speed_knots: float,
    t0: pd.Timestamp = T0,
    interval_min: float = 6.0,
) -> pd.DataFrame:
    """A vessel sailing the great circle from ``start`` to ``end`` (lat, lon) at a constant speed,
    reporting it as SOG every ``interval_min`` minutes (the last fix lands on ``end``)."""
    a, b = unit_vectors(*start), unit_vectors(*end)
    angle = float(np.arccos(np.clip(a @ b, -1.0, 1.0)))
    hours = angle * EARTH_RADIUS_NM / speed_knots
    t_h = _report_hours(hours, interval_min)
    frac = t_h / hours if hours > 0 else np.zeros_like(t_h)
    if angle > 0:
        w_a = np.sin((1.0 - frac) * angle) / np.sin(angle)
        w_b = np.sin(frac * angle) / np.sin(angle)
        vec = w_a[:, None] * a + w_b[:, None] * b
    else:
        vec = np.repeat(a[None, :], len(t_h), axis=0)
    lats = np.degrees(np.arcsin(np.clip(vec[:, 2], -1.0, 1.0)))
    lons = np.degrees(np.arctan2(vec[:, 1], vec[:, 0]))
    return fixes(mmsi, _at(t0, t_h), lats, lons, sog_knots=speed_knots)


def stationary_track(
    mmsi: int,
    at: tuple[float, float],
    hours: float,
    t0: pd.Timestamp = T0,
    interval_min: float = 3.0,
    sog_knots: float = 0.0,
    jitter_nm: float = 0.0,
    seed: int = 0,
) -> pd.DataFrame:
    """A vessel lying at ``at`` (lat, lon) for ``hours``, reporting every ``interval_min``.

    With ``jitter_nm`` each fix is moved by up to that much north-south and east-west (uniform,
    from ``seed``), like a ship swinging at anchor or GPS noise.
    """
    t_h = _report_hours(hours, interval_min)
    rng = np.random.default_rng(seed)
    jitter_deg = jitter_nm / 60.0
    lats = at[0] + rng.uniform(-jitter_deg, jitter_deg, len(t_h))
    lons = at[1] + rng.uniform(-jitter_deg, jitter_deg, len(t_h)) / np.cos(np.radians(at[0]))
    return fixes(mmsi, _at(t0, t_h), lats, lons, sog_knots)


def random_fleet(
    n_rows: int, n_vessels: int, seed: int, hours: float = 72.0, n_glitches: int = 0
) -> pd.DataFrame:
    """A large positions table: ``n_vessels`` vessels leaving the German Bight on straight courses
    at 0-15 kn for ``hours``, fixes at random times, ``n_glitches`` fixes (distinct rows) thrown
    90 nm north or south (a GPS glitch); rows in random order (``simulator.straight_fleet``)."""
    return straight_fleet(n_rows, n_vessels, seed, hours, n_glitches, start=T0)


FLEET_ROWS, FLEET_VESSELS, FLEET_GLITCHES = 200_000, 2_000, 200


@lru_cache(maxsize=1)
def _fleet_tracks_cached() -> pd.DataFrame:
    fleet = random_fleet(FLEET_ROWS, FLEET_VESSELS, seed=11, n_glitches=FLEET_GLITCHES)
    return situate(fleet, statics(), ports()).tracks


def fleet_tracks() -> pd.DataFrame:
    """Tracks of a ``FLEET_ROWS``-row fleet with ``FLEET_GLITCHES`` glitches, built once per
    test session (a fresh copy each call)."""
    return _fleet_tracks_cached().copy()


def positions(*parts: pd.DataFrame) -> pd.DataFrame:
    """Concatenate scenario parts into one positions table (any order: build_tracks sorts)."""
    return pd.concat(parts, ignore_index=True)


def statics(*rows: tuple[int, int]) -> pd.DataFrame:
    """A statics table with ``(mmsi, ship_type)`` rows (other columns empty)."""
    return pd.DataFrame({
        c.MMSI: np.array([r[0] for r in rows], dtype="int64"),
        c.TIMESTAMP: pd.Series([T0] * len(rows), dtype="datetime64[us, UTC]"),
        c.SHIP_TYPE: pd.array([r[1] for r in rows], dtype="Int64"),
    })


def context(*parts: pd.DataFrame, port_rows: Sequence[tuple[str, float, float]] = NORTH_SEA_PORTS,
            ship_types: Sequence[tuple[int, int]] = ()) -> Context:
    """``situate`` scenario parts against a small port list (default: NORTH_SEA_PORTS)."""
    return situate(positions(*parts), statics(*ship_types), ports(port_rows))


def tracks(*parts: pd.DataFrame, port_rows: Sequence[tuple[str, float, float]] = NORTH_SEA_PORTS,
           ship_types: Sequence[tuple[int, int]] = ()) -> pd.DataFrame:
    """Tracks in context from scenario parts (see ``context``)."""
    return context(*parts, port_rows=port_rows, ship_types=ship_types).tracks


def tracks_at_place(*parts: pd.DataFrame, place: str = c.PLACE_SEA, port_name: str | None = None,
                    fishing: bool = False) -> pd.DataFrame:
    """Tracks from scenario parts with every fix's place (and port name, fishing flag) set.

    The test states "at sea" or "at an anchorage" directly instead of placing ports.
    """
    built = build_tracks(positions(*parts))
    built[c.PLACE] = pd.Categorical([place] * len(built), categories=[
        c.PLACE_PORT, c.PLACE_ANCHORAGE, c.PLACE_SEA, c.PLACE_LAND])
    built[c.PORT_NAME] = pd.array([port_name] * len(built), dtype="string")
    built[c.FISHING] = np.full(len(built), fishing)
    return built
