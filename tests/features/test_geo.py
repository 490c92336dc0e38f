"""Tests of features.geo: distances, the bundled port list, nearest port, land/sea."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.features import builders as b
from vessel_risk.common import columns as c
from vessel_risk.features.geo import (
    EARTH_RADIUS_NM,
    describe_places,
    format_position,
    haversine_nm,
    load_ports,
    nearest_port,
    nearest_port_index,
)

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
ONE_DEGREE_NM = EARTH_RADIUS_NM * np.pi / 180.0


def _brute_nearest(lat: float, lon: float, ports: pd.DataFrame) -> float:
    return float(np.min(haversine_nm(lat, lon, ports[c.LAT], ports[c.LON])))


def test_haversine_one_degree_of_latitude_is_sixty_nm() -> None:
    assert haversine_nm(54.0, 7.0, 55.0, 7.0) == pytest.approx(ONE_DEGREE_NM)
    assert ONE_DEGREE_NM == pytest.approx(60.04, abs=0.01)


def test_haversine_is_vectorised_symmetric_and_zero_on_same_point() -> None:
    lat1, lon1 = np.array([0.0, 10.0, -33.9]), np.array([0.0, 20.0, 18.4])
    lat2, lon2 = np.array([0.0, 11.0, 51.5]), np.array([1.0, 20.0, -0.1])
    d = haversine_nm(lat1, lon1, lat2, lon2)
    assert d.shape == (3,)
    np.testing.assert_allclose(d, haversine_nm(lat2, lon2, lat1, lon1))
    assert d[0] == pytest.approx(ONE_DEGREE_NM)
    assert haversine_nm(55.0, 8.0, 55.0, 8.0) == 0.0
    assert d[2] == pytest.approx(5_227, rel=0.01)  # Cape Town - London, ~9,680 km


def test_haversine_gives_nan_for_missing_positions() -> None:
    d = haversine_nm(np.array([np.nan, 1.0]), np.array([0.0, 0.0]), 0.0, 0.0)
    assert np.isnan(d[0]) and d[1] == pytest.approx(ONE_DEGREE_NM)


def test_load_ports_reads_the_shipped_world_port_index_with_contract_columns() -> None:
    ports = load_ports()
    assert list(ports.columns) == c.PORT_COLUMNS
    assert len(ports) > 3000
    assert ports[c.LAT].between(-90, 90).all() and ports[c.LON].between(-180, 180).all()
    names = set(ports[c.NAME])
    # the Channel crossings searoute's list lacked, and no town that is not a port
    for port in ("Calais", "Dover Harbor", "Dieppe", "Rade de Cherbourg", "Newhaven Harbour",
                 "Zeebrugge", "Shoreham Harbour"):
        assert port in names
    assert not names & {"Birmingham", "Coventry", "Wembley", "Croydon", "Fargo"}
    assert "Duluth" not in names  # inland (Lake Superior): dropped
    yarmouth = ports[ports[c.NAME] == "Yarmouth Harbour"]
    assert yarmouth[c.LAT].iloc[0] == pytest.approx(50.70, abs=0.01)


def test_load_ports_returns_a_copy_callers_may_modify() -> None:
    first = load_ports()
    first.loc[:, c.LAT] = 0.0
    assert load_ports()[c.LAT].abs().max() > 0.0


def test_nearest_port_matches_brute_force_everywhere() -> None:
    ports = load_ports()
    rng = np.random.default_rng(7)
    near = rng.integers(0, len(ports), 150)
    lat = np.r_[rng.uniform(-89.9, 89.9, 150), ports[c.LAT].to_numpy()[near] + rng.normal(0, 0.3, 150)]
    lon = np.r_[rng.uniform(-180, 180, 150), ports[c.LON].to_numpy()[near] + rng.normal(0, 0.3, 150)]
    lat = np.clip(lat, -90, 90)
    dist, names = nearest_port(lat, lon, ports)
    for i in range(len(lat)):
        assert dist[i] == pytest.approx(_brute_nearest(lat[i], lon[i], ports), abs=1e-6)
    assert all(isinstance(n, str) for n in names)


def test_nearest_port_names_the_closest_port() -> None:
    dist, names = nearest_port([55.45, 53.9], [8.40, 8.68], b.ports())
    assert names.tolist() == ["Esbjerg", "Cuxhaven"]
    assert dist[0] < 2.0 and dist[1] < 3.0


def test_nearest_port_gives_nan_for_missing_position_and_empty_port_list() -> None:
    dist, names = nearest_port([np.nan, 55.45], [8.0, 8.40], b.ports())
    assert np.isnan(dist[0]) and names[0] is None and names[1] == "Esbjerg"
    dist, names = nearest_port([55.45], [8.40], b.ports([]))
    assert np.isnan(dist[0]) and names[0] is None


def test_nearest_port_index_finds_ports_within_a_radius_only() -> None:
    dist, index = nearest_port_index([55.45, 55.0], [8.40, 7.5], b.ports(), max_nm=3.0)
    assert index.tolist() == [0, -1]
    assert dist[0] < 3.0 and np.isnan(dist[1])


def test_describe_places_gives_distance_and_compass_point_from_the_nearest_port() -> None:
    words = describe_places([55.4667, 55.3, 55.4667 + 10 / 60], [8.45, 7.9, 8.45], b.ports())
    assert words[0] == "in Esbjerg"
    assert words[1] == "21 nm WSW of Esbjerg"
    assert words[2] == "10 nm N of Esbjerg"
    assert describe_places([55.0], [7.0], b.ports([])) == ["55.00N 7.00E"]


def test_format_position_uses_hemisphere_letters() -> None:
    assert format_position(55.4667, 8.45) == "55.47N 8.45E"
    assert format_position(-33.9, -70.25) == "33.90S 70.25W"
    assert format_position(np.nan, 1.0) == "unknown position"
