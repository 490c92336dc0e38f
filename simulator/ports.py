"""Reference places for the simulation: real ports from searoute's bundled list, ferry links,
fishing harbours, open-sea areas for injected behaviour, and AIS receiving stations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from vessel_risk.simulator.geo import nearest_distance_nm
from vessel_risk.simulator.routes import sea_route

# The simulated region: North Sea, English Channel, Skagerrak/Kattegat, western Baltic.
REGION_LAT = (48.5, 61.0)
REGION_LON = (-6.0, 21.0)

# Ports served by cargo ships and tankers (UN/LOCODEs as spelled in searoute's port list).
CARGO_PORTS = (
    "NLRTM",
    "BEANR",
    "DEHAM",
    "DEBRV",
    "GBFXT",
    "FRLEH",
    "FRDKK",
    "SEGOT",
    "DKAAR",
    "DKEBJ",
    "NOOSL",
    "DEKEL",
    "PLGDN",
    "PLGDY",
    "BEZEE",
    "GBIMM",
    "GBTHP",
    "DERSK",
    "NLAMS",
    "SEMMA",
)
TANKER_PORTS = ("NLRTM", "BEANR", "DEWVN", "GBIMM", "PLGDN", "SEGOT", "SEBRO", "DEHAM", "NOSVG")
# Ferry links: two terminals, a boat shuttles between them on a timetable.
FERRY_LINKS = (
    ("NLHVH", "GBHRW"),
    ("DKFDH", "SEGOT"),
    ("DKHIR", "NOKRS"),
    ("SETRG", "DERSK"),
    ("DKGED", "DERSK"),
    ("SEYST", "DKRNN"),
    ("DKFDH", "NOOSL"),
    ("BEZEE", "GBIMM"),
)
FISHING_PORTS = (
    "DKTHM",
    "NLLAU",
    "DKHAN",
    "DKHIR",
    "DKEBJ",
    "NLIJM",
    "NLSCE",
    "NLDHR",
    "BEOST",
    "FRBOL",
    "GBPHD",
    "NOEGE",
    "SELYS",
)
TUG_PORTS = ("NLRTM", "BEANR", "DEHAM", "DEBRV", "SEGOT", "PLGDN", "GBFXT")

# Open-sea areas (lat, lon) where injected at-sea behaviour happens; points are drawn around them.
OFFSHORE_CENTRES = (
    (55.3, 3.6),
    (54.4, 4.6),
    (56.4, 5.2),
    (53.9, 2.8),
    (57.3, 6.4),
    (58.6, 3.2),
    (55.9, 7.0),
    (50.1, -1.6),
    (55.6, 16.4),
    (55.2, 18.3),
    (56.4, 17.2),
    (54.9, 14.8),
)

# Receiving stations: name, lat, lon (coastal sites; each message goes to the nearest).
STATIONS = (
    ("NL-HOEK", 51.98, 4.12),
    ("NL-DENHELDER", 52.96, 4.76),
    ("BE-OOSTENDE", 51.23, 2.92),
    ("GB-FELIXSTOWE", 51.96, 1.35),
    ("GB-HUMBER", 53.62, -0.17),
    ("GB-ABERDEEN", 57.11, -2.07),
    ("FR-LEHAVRE", 49.49, 0.11),
    ("DE-CUXHAVEN", 53.86, 8.70),
    ("DK-HANSTHOLM", 57.12, 8.61),
    ("DK-SKAGEN", 57.72, 10.58),
    ("NO-LISTA", 58.11, 6.57),
    ("NO-FAERDER", 59.03, 10.53),
    ("SE-GOTEBORG", 57.70, 11.80),
    ("DK-GEDSER", 54.57, 11.93),
    ("DK-BORNHOLM", 55.10, 14.70),
    ("PL-HEL", 54.60, 18.80),
)


@dataclass(frozen=True)
class Port:
    """One port of searoute's list (or one of the harbours missing from every list)."""

    code: str
    name: str
    lat: float
    lon: float


# Real small fishing harbours that neither searoute's list nor the World Port Index has (the
# nearest listed port is 14 and 23 nm away): the product must learn them from the boats.
HIDDEN_PORTS = (
    Port("DKTHM", "Thorsminde", 56.372, 8.118),
    Port("NLLAU", "Lauwersoog", 53.410, 6.205),
)

# Receiver coverage look-alikes. A hole off the Dutch coast on the lanes out of Rotterdam and
# Amsterdam and over IJmuiden's fishing grounds (lat, lon, radius nm): nothing there is heard.
COVERAGE_HOLE = (52.55, 3.85, 20.0)
# Stations whose feed reaches the archive thinned: each message kept with this probability, so a
# vessel is heard about every two hours, now and then not for six hours or more.
THINNED_STATIONS = ("GB-ABERDEEN",)
THINNED_KEEP_SHARE = 0.1
# Where ships wait for a berth: this far along the approach from a fixed point offshore.
ANCHORAGE_FROM_PORT_NM = 5.0
_APPROACH_FROM = (54.5, 3.5)  # central North Sea: every approach is a sea route from here


@lru_cache(maxsize=1)
def _all_ports_raw() -> tuple[Port, ...]:
    text = resources.files("searoute").joinpath("data/ports.geojson").read_text(encoding="utf-8")
    feats = json.loads(text)["features"]
    out = []
    for f in feats:
        lon, lat = f["geometry"]["coordinates"]
        p = f["properties"]
        out.append(Port(str(p["port"]), str(p["name"]), float(lat), float(lon)))
    return tuple(out)


def regional_ports() -> pd.DataFrame:
    """Every searoute port inside the region (with a 2 degree margin) and the hidden harbours:
    port, name, lat, lon."""
    rows = [
        p
        for p in (*_all_ports_raw(), *HIDDEN_PORTS)
        if REGION_LAT[0] - 2 <= p.lat <= REGION_LAT[1] + 2
        and REGION_LON[0] - 2 <= p.lon <= REGION_LON[1] + 2
    ]
    df = pd.DataFrame(
        [(p.code, p.name, p.lat, p.lon) for p in rows], columns=["port", "name", "lat", "lon"]
    )
    return df.sort_values(["port", "lat", "lon"], kind="mergesort").reset_index(drop=True)


@cache
def port(code: str) -> Port:
    """The first port in searoute's list with this LOCODE (the list has a few duplicates), or a
    hidden harbour."""
    for p in (*HIDDEN_PORTS, *_all_ports_raw()):
        if p.code == code:
            return p
    raise KeyError(f"port {code} not in searoute's port list")


def port_distance_nm(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Distance (nm) from each point to the nearest port of searoute's list in the region."""
    ref = regional_ports()
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    out = np.empty(len(lat))
    for i in range(0, len(lat), 2000):  # chunks keep the points x ports matrix small
        out[i : i + 2000] = nearest_distance_nm(
            lat[i : i + 2000], lon[i : i + 2000], ref["lat"].to_numpy(), ref["lon"].to_numpy()
        )
    return out


@cache
def anchorage_point(code: str) -> tuple[float, float]:
    """The port's anchorage: ``ANCHORAGE_FROM_PORT_NM`` out along the approach from the open sea,
    the same for every ship bound there (so waiting ships lie together)."""
    p = port(code)
    approach = sea_route((p.lat, p.lon), _APPROACH_FROM)
    lat, lon = approach.at(min(ANCHORAGE_FROM_PORT_NM, approach.length_nm / 2))
    return float(lat), float(lon)


@lru_cache(maxsize=1)
def reference_ports() -> pd.DataFrame:
    """The product's shipped World Port Index (lat, lon): behaviour is injected away from any
    port a user's list has, as well as from the simulator's own."""
    with (resources.files("vessel_risk.features") / "reference" / "world_port_index.csv").open("rb") as fh:
        wpi = pd.read_csv(fh)
    return wpi[["lat", "lon"]]


def any_port_distance_nm(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Distance (nm) to the nearest port of either the simulator's or the World Port Index."""
    ref = reference_ports()
    ref = ref[ref["lat"].between(REGION_LAT[0] - 2, REGION_LAT[1] + 2)
              & ref["lon"].between(REGION_LON[0] - 2, REGION_LON[1] + 2)]
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    out = port_distance_nm(lat, lon)
    for i in range(0, len(lat), 2000):
        out[i : i + 2000] = np.minimum(out[i : i + 2000], nearest_distance_nm(
            lat[i : i + 2000], lon[i : i + 2000], ref["lat"].to_numpy(), ref["lon"].to_numpy()))
    return out

