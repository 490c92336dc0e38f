"""Vessel movement as time-stamped knots, and sampling of those knots into AIS position reports.

A track is a piecewise-linear path: knot i holds a time, a position and the navigational status
that applies until knot i+1. :class:`TrackBuilder` appends knots leg by leg (a loop over a vessel's
few dozen legs); :func:`sample_track` turns knots into reports with numpy, without a loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vessel_risk.simulator.geo import bearing_deg, haversine_nm, is_sea, offset_nm
from vessel_risk.simulator.routes import Route

UNDER_WAY, AT_ANCHOR, MOORED, FISHING = 0, 1, 5, 7  # AIS navigational status codes


@dataclass(frozen=True)
class CadenceParams:
    """How often the archive keeps a report (real receivers hear one every few seconds)."""

    sea_min_interval_min: float = 10.0  # downsampled archive cadence at sea: every 10-15 min
    sea_max_interval_min: float = 15.0
    moored_interval_min: float = 30.0  # one report per half hour when moored or at anchor
    gps_noise_m: float = 8.0  # typical GNSS horizontal error of a ship's AIS
    sog_noise_knots: float = 0.1  # SOG resolution of the AIS message is 0.1 kn
    cog_noise_deg: float = 1.5  # COG jitter under way from yaw and sea state
    stationary_knots: float = 0.3  # below this the vessel counts as not making way


@dataclass(frozen=True)
class ApproachParams:
    """Ships slow down near a port."""

    approach_nm: float = 4.0  # the last/first miles of a port-to-port leg are sailed slowly
    approach_speed_knots: float = 7.0  # harbour approach speed


class TrackBuilder:
    """Appends knots leg by leg; ``t`` (unix seconds) and ``lat``/``lon`` are the current state."""

    def __init__(self, t_s: float, lat: float, lon: float):
        self.t_s, self.lat, self.lon = float(t_s), float(lat), float(lon)
        self._t: list[float] = [self.t_s]
        self._lat: list[float] = [self.lat]
        self._lon: list[float] = [self.lon]
        self._status: list[int] = []

    def _add(self, t_s: float, lat: float, lon: float, status: int) -> None:
        self._status.append(status)
        self._t.append(float(t_s))
        self._lat.append(float(lat))
        self._lon.append(float(lon))
        self.t_s, self.lat, self.lon = float(t_s), float(lat), float(lon)

    def _extend(self, t_s: np.ndarray, lat: np.ndarray, lon: np.ndarray, status: int) -> None:
        if len(t_s) == 0:
            return
        self._status.extend([status] * len(t_s))
        self._t.extend(np.asarray(t_s, dtype=float).tolist())
        self._lat.extend(np.asarray(lat, dtype=float).tolist())
        self._lon.extend(np.asarray(lon, dtype=float).tolist())
        self.t_s, self.lat, self.lon = self._t[-1], self._lat[-1], self._lon[-1]

    def stay(
        self, hours: float, status: int, drift_knots: float = 0.0, drift_bearing_deg: float = 0.0
    ) -> None:
        """Stay put (moored, anchored) or drift slowly in a straight line for ``hours``."""
        lat, lon = offset_nm(self.lat, self.lon, drift_bearing_deg, drift_knots * hours)
        self._add(self.t_s + hours * 3600.0, float(lat), float(lon), status)

    def stay_until(self, t_s: float, status: int) -> None:
        """Stay put until ``t_s`` (no-op if that time has passed)."""
        if t_s > self.t_s:
            self.stay((t_s - self.t_s) / 3600.0, status)

    def sail(
        self,
        route: Route,
        speed_knots: float,
        status: int = UNDER_WAY,
        approach: ApproachParams | None = None,
    ) -> None:
        """Sail a route; with ``approach``, slow down over the first and last miles."""
        times = self.t_s + leg_seconds(route, speed_knots, approach)
        self._extend(times, route.lat[1:], route.lon[1:], status)

    def trawl(
        self,
        hours: float,
        rng: np.random.Generator,
        speed_range_knots: tuple[float, float],
        leg_range_h: tuple[float, float] = (0.6, 1.5),
    ) -> None:
        """Trawl in zigzag legs at 2-5 kn for ``hours``, turning back when a leg would hit land."""
        base = float(rng.uniform(0, 360))
        end = self.t_s + hours * 3600.0
        side = 1.0
        while self.t_s < end - 60:
            leg_h = min(float(rng.uniform(*leg_range_h)), (end - self.t_s) / 3600.0)
            course = (base + side * float(rng.uniform(25, 55))) % 360
            speed = float(rng.uniform(*speed_range_knots))
            lat, lon = offset_nm(self.lat, self.lon, course, speed * leg_h)
            mid_lat, mid_lon = offset_nm(self.lat, self.lon, course, speed * leg_h / 2)
            if not (bool(is_sea(lat, lon)) and bool(is_sea(mid_lat, mid_lon))):
                base = (base + 180.0) % 360  # shallow water or land ahead: turn round
                lat, lon = offset_nm(self.lat, self.lon, (course + 180) % 360, speed * leg_h)
            self._add(self.t_s + leg_h * 3600.0, float(lat), float(lon), FISHING)
            side = -side

    def knots(self) -> pd.DataFrame:
        """Knot table: t_s, lat, lon, nav_status (status of the segment that starts at the knot)."""
        status = [*self._status, self._status[-1] if self._status else MOORED]
        return pd.DataFrame(
            {"t_s": self._t, "lat": self._lat, "lon": self._lon, "nav_status": status}
        )


def leg_seconds(
    route: Route, speed_knots: float, approach: ApproachParams | None = None
) -> np.ndarray:
    """Seconds from the start of the route to each vertex after the first."""
    seg_nm = np.diff(route.cum_nm)
    speed = np.full(len(seg_nm), speed_knots)
    if approach is not None:
        mid = (route.cum_nm[:-1] + route.cum_nm[1:]) / 2
        near = (mid < approach.approach_nm) | (mid > route.length_nm - approach.approach_nm)
        speed[near] = min(speed_knots, approach.approach_speed_knots)
    return np.cumsum(seg_nm / speed) * 3600.0


def sample_track(
    knots: pd.DataFrame,
    t_start_s: float,
    t_end_s: float,
    rng: np.random.Generator,
    params: CadenceParams = CadenceParams(),
) -> pd.DataFrame:
    """Reports between t_start_s and t_end_s: t_s, lat, lon, sog_knots, cog_deg, heading_deg,
    nav_status. At sea one every 10-15 min; moored or anchored one per half hour. GPS noise added.
    """
    kt = knots["t_s"].to_numpy()
    klat, klon = knots["lat"].to_numpy(), knots["lon"].to_numpy()
    kstat = knots["nav_status"].to_numpy()
    mean_step = (params.sea_min_interval_min + params.sea_max_interval_min) / 2 * 60
    n = int((t_end_s - t_start_s) / mean_step * 1.3) + 4
    steps = rng.uniform(params.sea_min_interval_min, params.sea_max_interval_min, n) * 60
    t = t_start_s + rng.uniform(0, steps[0]) + np.concatenate([[0.0], np.cumsum(steps[1:])])
    t = np.round(t[(t < t_end_s) & (t >= kt[0]) & (t < kt[-1])])
    seg = np.clip(np.searchsorted(kt, t, side="right") - 1, 0, len(kt) - 2)
    dt_h = np.maximum((kt[seg + 1] - kt[seg]) / 3600.0, 1e-9)
    seg_nm = haversine_nm(klat[seg], klon[seg], klat[seg + 1], klon[seg + 1])
    sog = seg_nm / dt_h
    cog = bearing_deg(klat[seg], klon[seg], klat[seg + 1], klon[seg + 1])
    status = kstat[seg]
    stationary = sog < params.stationary_knots
    slow_status = np.isin(status, [MOORED, AT_ANCHOR]) & stationary
    bucket = np.floor(t / (params.moored_interval_min * 60))
    first_in_bucket = np.concatenate([[True], bucket[1:] != bucket[:-1]])
    keep = ~slow_status | first_in_bucket
    t, seg, sog, cog, status, stationary = (a[keep] for a in (t, seg, sog, cog, status, stationary))
    m = len(t)
    lat = np.interp(t, kt, klat)
    lon = np.interp(t, kt, klon)
    noise_deg = params.gps_noise_m / 1852.0 / 60.0
    lat = lat + rng.normal(0, noise_deg, m)
    lon = lon + rng.normal(0, noise_deg, m) / np.cos(np.radians(lat))
    sog = np.clip(sog + rng.normal(0, params.sog_noise_knots, m), 0.0, None)
    sog[stationary] = np.abs(rng.normal(0, 0.05, int(stationary.sum())))
    cog = (cog + rng.normal(0, params.cog_noise_deg, m)) % 360
    seg_heading = rng.uniform(0, 360, len(kt))  # a ship at rest keeps one heading per stay
    heading = np.where(stationary, np.round(seg_heading[seg]), np.round(cog + rng.normal(0, 2, m)))
    cog = np.where(stationary, rng.uniform(0, 360, m), cog)
    return pd.DataFrame(
        {
            "t_s": t.astype("int64"),
            "lat": lat,
            "lon": lon,
            "sog_knots": np.round(sog, 1),
            "cog_deg": np.round(cog, 1) % 360,
            "heading_deg": (heading % 360).astype("int64"),
            "nav_status": status.astype("int64"),
        }
    )
