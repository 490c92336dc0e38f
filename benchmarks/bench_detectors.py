"""Benchmark: building tracks, the nearest-port search and every movement detector, on one fleet.

Makes a synthetic fleet with the test builders (``tests.features.builders.random_fleet``: N
positions of V vessels sailing straight courses at 0-15 kn out of the German Bight for 72 h,
reports at random times, one fix in a thousand thrown 90 nm off as a GPS glitch), then times on it,
in one run:

- ``build_tracks`` against the bundled world port list (``features.geo.load_ports``, ~3,900 ports);
- ``nearest_port`` alone, on the same positions and ports;
- each detector on those tracks: gaps, loitering, encounters, spoofing, identity_shared,
  port_visits.

Each time is the best of --repeat runs, in seconds; the number of events each detector found is
printed beside it, so the reader sees how much work it had. Speed targets are read from this
output, not asserted by tests. Usage, from the project root:

    .venv/bin/python benchmarks/bench_detectors.py [--rows 200000] [--vessels 500] [--seed 7] \
        [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from features.encounters import detect_encounters
from features.gaps import detect_gaps
from features.geo import load_ports, nearest_port
from features.identity_shared import detect_identity_shared
from features.loitering import detect_loitering
from features.port_visits import detect_port_visits
from features.spoofing import detect_spoofing
from features.tracks import build_tracks
from tests.features.builders import random_fleet
from vessel_risk import columns as c


def best_of(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The shortest wall-clock time of ``repeat`` runs of ``work``, and its last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        began = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - began)
    return best, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="positions in the fleet")
    parser.add_argument("--vessels", type=int, default=500, help="vessels in the fleet")
    parser.add_argument("--seed", type=int, default=7, help="seed of the fleet")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best is kept)")
    args = parser.parse_args(argv)

    positions = random_fleet(args.rows, args.vessels, args.seed, n_glitches=args.rows // 1000)
    load_s, ports = best_of(1, load_ports)
    print(f"fleet: {len(positions):,} positions, {positions[c.MMSI].nunique():,} vessels; "
          f"{len(ports):,} ports (first load {load_s:.2f} s); best of {args.repeat} runs")

    tracks_s, tracks = best_of(args.repeat, lambda: build_tracks(positions, ports))
    lat, lon = positions[c.LAT].to_numpy(), positions[c.LON].to_numpy()
    nearest_s, _ = best_of(args.repeat, lambda: nearest_port(lat, lon, ports))
    print(f"{'build_tracks':<16}{tracks_s:8.3f} s  ({len(tracks):,} track rows)")
    print(f"{'nearest_port':<16}{nearest_s:8.3f} s  ({len(lat):,} positions)")

    data_end = pd.Timestamp(tracks[c.TIMESTAMP].max())
    detectors: dict[str, Callable[[], pd.DataFrame]] = {
        "gaps": lambda: detect_gaps(tracks, data_end=data_end),
        "loitering": lambda: detect_loitering(tracks),
        "encounters": lambda: detect_encounters(tracks),
        "spoofing": lambda: detect_spoofing(tracks),
        "identity_shared": lambda: detect_identity_shared(tracks),
        "port_visits": lambda: detect_port_visits(tracks),
    }
    for name, detect in detectors.items():
        seconds, events = best_of(args.repeat, detect)
        print(f"{name:<16}{seconds:8.3f} s  ({len(events):,} events)")


if __name__ == "__main__":
    main()
