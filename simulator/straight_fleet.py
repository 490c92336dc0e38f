"""A large positions table with no story in it: vessels on straight courses, for load tests.

The benchmarks (``benchmarks/bench_detectors.py``) and the feature tests' ``random_fleet``
builder use it to time and check the detectors on millions of rows; the full simulator
(:mod:`vessel_risk.simulator.generate`) is for worlds with behaviour in them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vessel_risk.simulator.positions import positions_frame

START = pd.Timestamp("2024-05-01 00:00", tz="UTC")
FIRST_MMSI = 200_000_000  # vessel i is MMSI FIRST_MMSI + i
GLITCH_DEG = 1.5  # a glitched fix is thrown this far north or south (90 nm)


def straight_fleet(n_rows: int, n_vessels: int, seed: int, hours: float = 72.0,
                   n_glitches: int = 0, start: pd.Timestamp = START) -> pd.DataFrame:
    """``n_rows`` fixes of ``n_vessels`` vessels leaving the German Bight on straight courses at
    0-15 kn for ``hours``, at random times, ``n_glitches`` of them (distinct rows) thrown
    ``GLITCH_DEG`` north or south (a GPS glitch); rows in random order, with ingest's position
    columns and dtypes."""
    rng = np.random.default_rng(seed)
    vessel = rng.integers(0, n_vessels, n_rows)
    t_h = rng.uniform(0.0, hours, n_rows)
    start_lat, start_lon = rng.uniform(54.0, 55.5, n_vessels), rng.uniform(6.5, 8.0, n_vessels)
    speed_knots = rng.uniform(0.0, 15.0, n_vessels)
    course = rng.uniform(0.0, 2.0 * np.pi, n_vessels)
    run_deg = speed_knots[vessel] * t_h / 60.0  # 1 degree of latitude ~ 60 nm
    lat = start_lat[vessel] + np.cos(course[vessel]) * run_deg
    lon = start_lon[vessel] + np.sin(course[vessel]) * run_deg / np.cos(np.radians(lat))
    glitch = rng.choice(n_rows, n_glitches, replace=False)
    lat[glitch] += rng.choice([-GLITCH_DEG, GLITCH_DEG], n_glitches)
    # rounded to the microsecond: no float drift off the clock
    times = start + pd.to_timedelta(np.round(t_h * 3.6e9).astype("int64"), unit="us")
    return positions_frame(FIRST_MMSI + vessel, times, lat, lon, speed_knots[vessel])
