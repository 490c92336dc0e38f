"""Training time against the number of outcome dates (issue #12, item 3).

The training table is built once over the stored history (``models.dataset``): tracks and events
are computed once, then every outcome's window is aggregated. This script generates one long
simulator world, then builds the table for outcomes on the first N dates, N growing, and prints
the time of that build and of training, beside the time of re-screening each date's window
(what ``models/dataset.py`` did before) for comparison.

    .venv/bin/python benchmarks/eval_model_training_time.py                 # 80 vessels, 60 days
    .venv/bin/python benchmarks/eval_model_training_time.py --vessels 200 --days 120 --per-date-max 0

Not a test: it prints its figures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vessel_risk.common import columns as c  # noqa: E402
from vessel_risk.features.build import Window, screen  # noqa: E402
from vessel_risk.flows.settings import DEFAULT_LOOKBACK_DAYS  # noqa: E402
from vessel_risk.ingest.ais import ingest_ais  # noqa: E402
from vessel_risk.ingest.outcomes import read_outcomes  # noqa: E402
from vessel_risk.ingest.registry import read_registry  # noqa: E402
from vessel_risk.models.dataset import training_table  # noqa: E402
from vessel_risk.models.train import train_model  # noqa: E402


def per_date_table(positions: pd.DataFrame, statics: pd.DataFrame, registry, outcomes: pd.DataFrame
                   ) -> int:  # type: ignore[no-untyped-def]
    """The former way: one screening of the window before every outcome date."""
    rows = 0
    for day in sorted(outcomes[c.DATE].unique()):
        window = Window(day - timedelta(days=1), DEFAULT_LOOKBACK_DAYS)
        features = screen(positions, statics, registry, window).features
        rows += len(outcomes[outcomes[c.DATE] == day].merge(features, on=c.MMSI))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vessels", type=int, default=80)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--steps", type=int, nargs="+", default=[4, 8, 16, 32, 57])
    parser.add_argument("--per-date-max", type=int, default=8,
                        help="time the former way only up to this many dates (it is slow)")
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        world = (args.keep or Path(tmp)) / f"world-{args.seed}-{args.vessels}x{args.days}"
        t0 = time.perf_counter()
        if not (world / "outcomes.csv").exists():
            subprocess.run([sys.executable, "-m", "vessel_risk.simulator", "--seed", str(args.seed), "--out",
                            str(world), "--vessels", str(args.vessels), "--days", str(args.days)],
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        t1 = time.perf_counter()
        tables = ingest_ais([world / "ais"])
        registry = read_registry(world / "registry")
        outcomes = read_outcomes(world / "outcomes.csv")
        t2 = time.perf_counter()
    dates = sorted(outcomes[c.DATE].unique())
    print(f"world: {args.vessels} vessels x {args.days} days, {len(tables.positions):,} positions, "
          f"{len(outcomes)} outcomes on {len(dates)} dates (generate {t1 - t0:.0f} s, ingest "
          f"{t2 - t1:.1f} s)")
    print(f"{'dates':>6} {'outcomes':>9} {'table once (s)':>15} {'train (s)':>10} "
          f"{'re-screen per date (s)':>23}")
    for n in [s for s in args.steps if s <= len(dates)] or [len(dates)]:
        chosen = outcomes[outcomes[c.DATE].isin(dates[:n])]
        t = time.perf_counter()
        table = training_table(tables.positions, tables.statics, registry, chosen,
                               DEFAULT_LOOKBACK_DAYS)
        built = time.perf_counter() - t
        t = time.perf_counter()
        if table.rows[c.LABEL].nunique() == 2:
            train_model(table.rows)
        trained = time.perf_counter() - t
        old = "skipped"
        if n <= args.per_date_max:
            t = time.perf_counter()
            per_date_table(tables.positions, tables.statics, registry, chosen)
            old = f"{time.perf_counter() - t:.1f}"
        print(f"{n:>6} {len(chosen):>9} {built:>15.1f} {trained:>10.1f} {old:>23}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
