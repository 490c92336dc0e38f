"""Build the shipped port reference from the NGA World Port Index, without its inland entries.

    .venv/bin/python -m vessel_risk.features.port_reference ../shared/data/geo/world_port_index.csv

writes ``features/reference/world_port_index.csv`` (see the README beside it). The index lists
ports on lakes and far up rivers (the Great Lakes, the Danube, Lake Malaren); a port is dropped
when no sea water lies within ``inland_min_sea_nm`` of it by the 1 km land mask. The mask counts
lakes and narrow rivers as land, so river seaports are measured to where their estuary widens:
Rotterdam and Antwerp 12 nm, London 18 nm, Bremen 24 nm, Rouen 30 nm; 40 nm keeps them all.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features.land import LandMask, load_land_mask

REFERENCE_FILE = Path(__file__).resolve().parent / "reference" / (
    "world_port_index.csv")
# The index's own column names (the copy in ../shared/data/geo).
WPI_COLUMNS = ["iso3", "label", "sublabel", "latitude", "longitude"]
# Lower-case joining words in port names ("Rade de Cherbourg", "Port of Rouen").
_SMALL_WORDS = {"de", "du", "des", "of", "the", "and"}


@dataclass(frozen=True)
class PortReferenceParams:
    # Farthest a seaport lies from sea water by the mask (see the module docstring).
    inland_min_sea_nm: float = 40.0
    # Rings searched for water round each port, this far apart (nm), 36 bearings each.
    search_step_nm: float = 2.0


def port_name(label: str, sublabel: str | float | None) -> str:
    """``SHOREHAM HARBOUR`` -> ``Shoreham Harbour``; a sublabel is added in brackets."""
    words = str(label).lower().split()
    name = " ".join(w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))
    if isinstance(sublabel, str) and sublabel.strip():
        name += f" ({port_name(sublabel, None)})"
    return name


def sea_distance_nm(lat: np.ndarray, lon: np.ndarray, land: LandMask,
                    params: PortReferenceParams) -> np.ndarray:
    """Radius (nm, on a ``search_step_nm`` grid) of the first ring round each point that touches
    sea water; inf when none within ``inland_min_sea_nm``."""
    out = np.full(len(lat), np.inf)
    bearings = np.radians(np.arange(0.0, 360.0, 10.0))
    cos_lat = np.maximum(np.cos(np.radians(lat)), 0.01)
    for radius in np.arange(0.0, params.inland_min_sea_nm + 1e-9, params.search_step_nm):
        todo = np.flatnonzero(np.isinf(out))
        if len(todo) == 0:
            break
        r_lat = lat[todo, None] + radius * np.cos(bearings)[None, :] / 60.0
        r_lon = lon[todo, None] + radius * np.sin(bearings)[None, :] / (60.0 * cos_lat[todo, None])
        water = ~land.is_land(np.clip(r_lat, -90.0, 90.0), r_lon)
        out[todo[water.any(axis=1)]] = radius
    return out


def build_port_reference(wpi: pd.DataFrame, land: LandMask,
                         params: PortReferenceParams = PortReferenceParams()) -> pd.DataFrame:
    """The index's seaports as ``columns.PORT_COLUMNS`` (name, ISO3 country, lat, lon), sorted."""
    missing = [col for col in WPI_COLUMNS if col not in wpi.columns]
    if missing:
        raise ValueError(f"not a World Port Index copy: missing {', '.join(missing)}")
    lat = wpi["latitude"].to_numpy(dtype="float64")
    lon = wpi["longitude"].to_numpy(dtype="float64")
    sea = np.isfinite(sea_distance_nm(lat, lon, land, params))
    ports = pd.DataFrame({
        c.NAME: [port_name(a, b) for a, b in zip(wpi["label"], wpi["sublabel"])],
        c.COUNTRY: wpi["iso3"].astype("string"),
        c.LAT: np.round(lat, 6),
        c.LON: np.round(lon, 6),
    })[sea]
    return ports.sort_values([c.COUNTRY, c.NAME, c.LAT, c.LON], kind="mergesort").reset_index(
        drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wpi", type=Path, help="the World Port Index CSV")
    parser.add_argument("--out", type=Path, default=REFERENCE_FILE)
    parser.add_argument("--cache", type=Path, default=Path(".workspace") / "cache")
    args = parser.parse_args(argv)
    ports = build_port_reference(pd.read_csv(args.wpi), load_land_mask(args.cache))
    ports.to_csv(args.out, index=False, lineterminator="\n")
    print(f"{len(ports)} seaports written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
