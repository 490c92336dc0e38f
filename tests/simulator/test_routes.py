"""Sea routes follow the lanes and touch land (1 km mask) only in river and canal approaches."""

from __future__ import annotations

import itertools

import numpy as np

from vessel_risk.simulator import ports as pt
from vessel_risk.simulator.check import PORT_AREA_NM
from vessel_risk.simulator.geo import haversine_nm, is_sea
from vessel_risk.simulator.routes import make_route, sea_route


def test_make_route_densifies_and_measures_distance() -> None:
    r = make_route(np.array([55.0, 56.0]), np.array([4.0, 4.0]))
    assert np.isclose(r.length_nm, 60.0, rtol=0.01)
    assert np.diff(r.cum_nm).max() <= 2.0 + 1e-9
    lat, lon = r.at(30.0)
    assert np.isclose(lat, 55.5, atol=0.01) and np.isclose(lon, 4.0)


def test_sea_route_starts_and_ends_at_the_given_points() -> None:
    a, b = pt.port("NLRTM"), pt.port("GBFXT")
    r = sea_route((a.lat, a.lon), (b.lat, b.lon))
    assert (r.lat[0], r.lon[0]) == (a.lat, a.lon) and (r.lat[-1], r.lon[-1]) == (b.lat, b.lon)
    assert r.length_nm > float(haversine_nm(a.lat, a.lon, b.lat, b.lon))


def test_routes_between_simulated_ports_touch_land_only_near_ports() -> None:
    codes = sorted(set(pt.CARGO_PORTS) | set(pt.TANKER_PORTS))
    pairs = list(itertools.combinations(codes, 2)) + list(pt.FERRY_LINKS)
    for a_code, b_code in pairs:
        a, b = pt.port(a_code), pt.port(b_code)
        r = sea_route((a.lat, a.lon), (b.lat, b.lon))
        land = ~is_sea(r.lat, r.lon)
        if land.any():
            worst = pt.port_distance_nm(r.lat[land], r.lon[land]).max()
            assert worst <= PORT_AREA_NM, f"{a_code}-{b_code} crosses land {worst:.1f} nm from port"
