"""Track knots and report sampling: cadence, speeds, noise, no mutation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vessel_risk.simulator.geo import haversine_nm
from vessel_risk.simulator.routes import make_route
from vessel_risk.simulator.tracks import (
    MOORED,
    UNDER_WAY,
    CadenceParams,
    TrackBuilder,
    sample_track,
)

T0 = 1_794_787_200.0  # 2026-11-16 00:00 UTC


def _moored_then_sailing() -> pd.DataFrame:
    b = TrackBuilder(T0, 55.0, 4.0)
    b.stay(6.0, MOORED)
    b.sail(make_route(np.array([55.0, 56.0]), np.array([4.0, 4.0])), 12.0)  # 60 nm north at 12 kn
    return b.knots()


def test_sail_takes_distance_over_speed() -> None:
    k = _moored_then_sailing()
    assert np.isclose((k["t_s"].iat[-1] - k["t_s"].iat[1]) / 3600, 60.0 / 12.0, rtol=0.01)
    assert k["nav_status"].iat[0] == MOORED and k["nav_status"].iat[1] == UNDER_WAY


def test_sample_track_reports_every_10_to_15_min_at_sea_and_half_hourly_moored() -> None:
    k = _moored_then_sailing()
    rep = sample_track(k, T0, T0 + 11 * 3600, np.random.default_rng(0))
    moored = rep[rep["nav_status"] == MOORED]
    sailing = rep[rep["nav_status"] == UNDER_WAY]
    dt_sea = np.diff(sailing["t_s"]) / 60
    assert dt_sea.min() >= 9.9 and dt_sea.max() <= 15.1
    assert 10 <= len(moored) <= 13  # 6 h at one per 30 min
    assert (moored["sog_knots"] < 0.3).all()
    assert np.allclose(sailing["sog_knots"], 12.0, atol=0.5)
    assert (np.abs(((sailing["cog_deg"] + 180) % 360) - 180) < 6).all()  # heading north


def test_sample_track_adds_only_a_few_metres_of_noise() -> None:
    k = _moored_then_sailing()
    rep = sample_track(k, T0, T0 + 5 * 3600, np.random.default_rng(0))
    off_nm = haversine_nm(rep["lat"], rep["lon"], 55.0, 4.0)
    assert (off_nm * 1852 < 60).all() and (off_nm > 0).any()


def test_sample_track_does_not_change_the_knots() -> None:
    k = _moored_then_sailing()
    before = k.copy()
    sample_track(k, T0, T0 + 11 * 3600, np.random.default_rng(0), CadenceParams())
    pd.testing.assert_frame_equal(k, before)


def test_trawl_moves_at_trawling_speed_and_status_fishing() -> None:
    b = TrackBuilder(T0, 56.5, 5.0)  # central North Sea
    b.trawl(6.0, np.random.default_rng(3), (2.0, 5.0))
    rep = sample_track(b.knots(), T0, T0 + 6 * 3600, np.random.default_rng(4))
    assert (rep["nav_status"] == 7).all()
    assert rep["sog_knots"].between(1.7, 5.3).all()
