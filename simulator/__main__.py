"""Command line: ``python -m vessel_risk.simulator --seed N --out DIR [--vessels N] [--days N] [--start DATE]``."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date
from pathlib import Path

from vessel_risk.simulator.generate import (
    DEFAULT_DAYS,
    DEFAULT_SEED,
    DEFAULT_START,
    DEFAULT_VESSELS,
    generate,
)
from vessel_risk.simulator.tracks import CadenceParams


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate the sample, print a one-line summary."""
    parser = argparse.ArgumentParser(
        prog="python -m vessel_risk.simulator", description="Generate the synthetic AIS + registry sample."
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--out", type=Path, default=Path("data/sample"), help="output folder")
    parser.add_argument("--vessels", type=int, default=DEFAULT_VESSELS, help="fleet size")
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="number of UTC days (>= 2)")
    parser.add_argument(
        "--start", type=date.fromisoformat, default=DEFAULT_START, help="first day, YYYY-MM-DD"
    )
    parser.add_argument(
        "--sea-interval-min", type=float, nargs=2, metavar=("MIN", "MAX"),
        help="minutes between positions kept at sea (default 10 15: a downsampled archive)")
    parser.add_argument(
        "--moored-interval-min", type=float,
        help="minutes between positions kept when moored or at anchor (default 30)")
    args = parser.parse_args(argv)
    cadence = CadenceParams()
    if args.sea_interval_min:
        cadence = replace(cadence, sea_min_interval_min=args.sea_interval_min[0],
                          sea_max_interval_min=args.sea_interval_min[1])
    if args.moored_interval_min:
        cadence = replace(cadence, moored_interval_min=args.moored_interval_min)
    m = generate(args.out, seed=args.seed, vessels=args.vessels, days=args.days, start=args.start,
                 cadence=cadence)
    print(
        f"wrote {args.out}: {m.vessels} vessels, {m.days} days, {m.lines} lines, "
        f"{sum(m.events.values())} injected events"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
