"""What each vessel does during the week: port calls, ferry timetables, fishing trips, tug jobs,
and (for chosen vessels) one scheduled activity at sea: loitering, an encounter, or going dark.

Each builder returns a :class:`Plan`: the track knots plus the realised activity window and the
destination broadcast over time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vessel_risk.simulator import ports as pt
from vessel_risk.simulator.fleet import TANKER_ROLES, Vessel
from vessel_risk.simulator.geo import is_sea, offset_nm
from vessel_risk.simulator.routes import Route, make_route, sea_route
from vessel_risk.simulator.tracks import (
    AT_ANCHOR,
    MOORED,
    UNDER_WAY,
    ApproachParams,
    TrackBuilder,
    leg_seconds,
)

APPROACH = ApproachParams()


@dataclass(frozen=True)
class PlanParams:
    """Durations of the ordinary things ships do (hours unless named otherwise)."""

    anchorage_wait_share: float = 0.35  # a third of arrivals wait at anchor (berth not free)
    anchorage_wait_h: tuple[float, float] = (3.0, 12.0)  # typical anchorage waits in NW Europe
    anchorage_spread_nm: float = 0.6  # ships anchor within this of the anchorage's centre
    # Ships at anchor should say so (status 1); some crews leave "under way" set.
    anchored_status_share: float = 0.75
    container_stay_h: tuple[float, float] = (10.0, 24.0)  # container turnarounds are quick
    cargo_stay_h: tuple[float, float] = (16.0, 40.0)  # bulk/general cargo: a day or two
    tanker_stay_h: tuple[float, float] = (20.0, 36.0)  # discharge plus tank cleaning
    ferry_turnaround_h: float = 1.0  # unload and load a ro-pax
    fishing_trip_trawl_h: tuple[float, float] = (7.0, 14.0)  # a day trip's fishing time
    fishing_long_trip_share: float = 0.25  # some boats stay out over a night, trawling on
    fishing_ground_nm: tuple[float, float] = (15.0, 35.0)  # grounds a few hours from port
    fishing_trawl_knots: tuple[float, float] = (2.0, 5.0)  # trawling speed
    tug_job_every_h: tuple[float, float] = (4.0, 14.0)  # time alongside between jobs
    tug_job_reach_nm: tuple[float, float] = (4.0, 8.0)  # tugs meet ships in the approach


@dataclass(frozen=True)
class SeaActivity:
    """An at-sea activity at a fixed time and place (injected behaviour)."""

    kind: str  # "loiter", "encounter" or "dark"
    arrive_s: float  # when the vessel reaches the point
    lat: float
    lon: float
    hours: float  # time spent drifting at the point
    drift_knots: float
    drift_bearing_deg: float
    then_lat: float | None = None  # "dark": the point it sails to, still dark, before reappearing
    then_lon: float | None = None


@dataclass
class Plan:
    """Knots of the track, the activity window actually sailed, and the destination over time."""

    knots: pd.DataFrame
    window_s: tuple[float, float] | None = None
    dest_from_s: list[float] = field(default_factory=list)
    dest_code: list[str] = field(default_factory=list)

    def destination_at(self, t_s: np.ndarray) -> np.ndarray:
        """The port name broadcast as destination at each time."""
        if not self.dest_from_s:
            return np.full(len(t_s), "", dtype=object)
        idx = np.searchsorted(np.asarray(self.dest_from_s), t_s, side="right") - 1
        names = np.array([pt.port(c).name.upper()[:20] for c in self.dest_code], dtype=object)
        return np.where(idx >= 0, names[np.clip(idx, 0, None)], names[0])


def leg_hours(route: Route, speed_knots: float) -> float:
    """Sailing time along a route with the slow harbour approach at both ends."""
    secs = leg_seconds(route, speed_knots, APPROACH)
    return float(secs[-1]) / 3600.0 if len(secs) else 0.0


def _pos(code: str) -> tuple[float, float]:
    p = pt.port(code)
    return (p.lat, p.lon)


def merchant_plan(
    v: Vessel,
    rng: np.random.Generator,
    t0_s: float,
    t_end_s: float,
    act: SeaActivity | None = None,
    params: PlanParams = PlanParams(),
) -> Plan:
    """Port calls among the vessel's trade ports, with anchorage waits; one optional activity."""
    plan = Plan(knots=pd.DataFrame())
    here = _pos(v.home)
    cur: str | None = v.home
    b = TrackBuilder(t0_s, *here)
    plan.dest_from_s.append(t0_s)
    plan.dest_code.append(v.home)
    b.stay(float(rng.uniform(0, 24)), MOORED)
    stay_rng = (
        params.tanker_stay_h
        if v.role in TANKER_ROLES
        else params.container_stay_h
        if v.role == "container"
        else params.cargo_stay_h
    )
    while b.t_s < t_end_s:
        choices = [p for p in v.trade if p != cur]
        nxt = str(rng.choice(choices))
        if act is not None:
            to_act = sea_route((b.lat, b.lon), (act.lat, act.lon))
            via_next = (
                leg_hours(sea_route((b.lat, b.lon), _pos(nxt)), v.speed_knots)
                + params.anchorage_wait_h[1]
                + stay_rng[1]
                + leg_hours(sea_route(_pos(nxt), (act.lat, act.lon)), v.speed_knots)
            )
            if b.t_s + via_next * 3600 > act.arrive_s:
                plan.dest_from_s.append(b.t_s)
                plan.dest_code.append(nxt)  # ships at sea for a rendezvous still show a port
                b.stay_until(act.arrive_s - leg_hours(to_act, v.speed_knots) * 3600, MOORED)
                b.sail(to_act, v.speed_knots, approach=APPROACH)
                if abs(b.t_s - act.arrive_s) > 60:
                    raise RuntimeError(f"vessel {v.mmsi} cannot reach its {act.kind} in time")
                plan.window_s = _do_activity(b, act, v.speed_knots)
                act = None
                cur = None
        route = sea_route((b.lat, b.lon), _pos(nxt))
        plan.dest_from_s.append(b.t_s)
        plan.dest_code.append(nxt)
        _arrive(b, nxt, route, v.speed_knots, rng, params)
        cur = nxt
        b.stay(float(rng.uniform(*stay_rng)), MOORED)
    plan.knots = b.knots()
    return plan


def _do_activity(b: TrackBuilder, act: SeaActivity, speed_knots: float) -> tuple[float, float]:
    """Drift at the point; for "dark", sail on to a second point. Returns the behaviour window."""
    start = b.t_s
    b.stay(act.hours, UNDER_WAY, act.drift_knots, act.drift_bearing_deg)
    if act.kind != "dark":
        return (start, b.t_s)
    assert act.then_lat is not None and act.then_lon is not None
    b.sail(sea_route((b.lat, b.lon), (act.then_lat, act.then_lon)), speed_knots)
    return (start, b.t_s)  # dark from the point (at sea, outside any port) until the second one


def _arrive(
    b: TrackBuilder, dest: str, route: Route, speed: float, rng: np.random.Generator,
    params: PlanParams,
) -> None:
    """Sail into port, sometimes waiting first at the port's anchorage, close to other ships."""
    if rng.random() < params.anchorage_wait_share and route.length_nm > 20:
        centre = pt.anchorage_point(dest)
        spot = offset_nm(*centre, float(rng.uniform(0, 360)),
                         params.anchorage_spread_nm * float(np.sqrt(rng.random())))
        if bool(is_sea(*spot)):
            status = AT_ANCHOR if rng.random() < params.anchored_status_share else UNDER_WAY
            b.sail(sea_route((b.lat, b.lon), (float(spot[0]), float(spot[1]))), speed,
                   approach=APPROACH)
            b.stay(float(rng.uniform(*params.anchorage_wait_h)), status,
                   float(rng.uniform(0.0, 0.1)), float(rng.uniform(0, 360)))
            b.sail(sea_route((b.lat, b.lon), _pos(dest)), APPROACH.approach_speed_knots)
            return
    b.sail(route, speed, approach=APPROACH)


def ferry_plan(v: Vessel, t0_s: float, t_end_s: float, params: PlanParams = PlanParams()) -> Plan:
    """Shuttle between the two terminals of the link on a fixed timetable."""
    a, other = v.home, [p for p in v.trade if p != v.home][0]
    route = sea_route(_pos(a), _pos(other))
    crossing_h = leg_hours(route, v.speed_knots)
    period_s = float(np.ceil((crossing_h + params.ferry_turnaround_h) * 2) / 2 * 3600)
    b = TrackBuilder(t0_s, *_pos(a))
    plan = Plan(knots=pd.DataFrame())
    dep, at_home = t0_s + 3600.0, True
    while b.t_s < t_end_s:
        b.stay_until(dep, MOORED)
        plan.dest_from_s.append(b.t_s)
        plan.dest_code.append(other if at_home else a)
        b.sail(route if at_home else route.reversed(), v.speed_knots, approach=APPROACH)
        at_home = not at_home
        dep += period_s
    plan.knots = b.knots()
    return plan


def fishing_ground(
    home: str, rng: np.random.Generator, params: PlanParams = PlanParams()
) -> tuple[float, float]:
    """A point at sea some 15-35 nm off the harbour with open water around it."""
    hl, ho = _pos(home)
    for _ in range(200):
        lat, lon = offset_nm(hl, ho, rng.uniform(0, 360), rng.uniform(*params.fishing_ground_nm))
        ring_lat, ring_lon = offset_nm(lat, lon, np.arange(0, 360, 45.0), 8.0)
        if bool(is_sea(lat, lon)) and bool(np.all(is_sea(ring_lat, ring_lon))):
            route = sea_route((hl, ho), (float(lat), float(lon)))
            straight = float(np.hypot((lat - hl) * 60, (lon - ho) * 60 * np.cos(np.radians(hl))))
            if route.length_nm < 2.0 * straight + 25 and _stays_at_sea(route):
                return (float(lat), float(lon))
    raise RuntimeError(f"no fishing ground found off {home}")


def _stays_at_sea(route: Route, harbour_nm: float = 12.0) -> bool:
    """True when the route is on water away from port approaches (rivers and canals are land to
    the 1 km mask; searoute's lanes sometimes cut across a low island)."""
    lat, lon = route.at(np.arange(0.0, route.length_nm, 1.0))
    away = pt.port_distance_nm(lat, lon) > harbour_nm
    return bool(np.all(is_sea(lat[away], lon[away])))


def fishing_plan(
    v: Vessel,
    rng: np.random.Generator,
    t0_s: float,
    t_end_s: float,
    params: PlanParams = PlanParams(),
) -> Plan:
    """Leave early, steam to the grounds, trawl in zigzags at 2-5 kn, come home; repeat."""
    home = _pos(v.home)
    ground = fishing_ground(v.home, rng, params)
    b = TrackBuilder(t0_s, *home)
    plan = Plan(knots=pd.DataFrame(), dest_from_s=[t0_s], dest_code=[v.home])
    day = t0_s
    while b.t_s < t_end_s:
        b.stay_until(day + float(rng.uniform(2, 6)) * 3600, MOORED)
        b.sail(sea_route(home, ground), v.speed_knots, approach=APPROACH)
        long_trip = rng.random() < params.fishing_long_trip_share
        hours = float(rng.uniform(*params.fishing_trip_trawl_h)) + (20.0 if long_trip else 0.0)
        b.trawl(hours, rng, params.fishing_trawl_knots)
        # home by the ground and the way out (checked to stay at sea), not across an island
        b.sail(make_route(np.array([b.lat, ground[0]]), np.array([b.lon, ground[1]])),
               v.speed_knots)
        b.sail(sea_route(home, ground).reversed(), v.speed_knots, approach=APPROACH)
        b.stay(2.0, MOORED)
        day = (np.floor(b.t_s / 86400) + 1 + int(rng.integers(0, 2))) * 86400
    plan.knots = b.knots()
    return plan


def tug_plan(
    v: Vessel,
    rng: np.random.Generator,
    t0_s: float,
    t_end_s: float,
    params: PlanParams = PlanParams(),
) -> Plan:
    """Alongside at the base, out into the approach to meet a ship, escort it in slowly."""
    base = _pos(v.home)
    lane = sea_route(base, _pos("NLRTM" if v.home != "NLRTM" else "GBFXT"))
    b = TrackBuilder(t0_s, *base)
    plan = Plan(knots=pd.DataFrame(), dest_from_s=[t0_s], dest_code=[v.home])
    while b.t_s < t_end_s:
        b.stay(float(rng.uniform(*params.tug_job_every_h)), MOORED)
        out = lane.sub(0.0, float(rng.uniform(*params.tug_job_reach_nm)))
        b.sail(out, v.speed_knots)
        b.stay(0.3, UNDER_WAY)
        b.sail(out.reversed(), 5.0)
    plan.knots = b.knots()
    return plan
