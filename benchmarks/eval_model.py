"""How well the model ranks boardings in worlds it never saw, against the rules and an oracle.

Generates simulator worlds with seeds other than the bundled sample's, trains on the first and
scores the outcomes of the others (features as of the day before each boarding, as in training),
then prints ROC AUC and precision in the top 10% for:

* the model (trained on the first world only);
* the Paris MoU ship-risk-profile rule and the event-count rule (``models.rules``);
* the oracle: each outcome's true probability from the simulator (``outcome_probabilities.csv``,
  which the product never reads), the best any ranking from the data could do.

Targets (issue #8): model AUC >= ship-risk-profile AUC + 0.15, and within 0.03 of the oracle.

    .venv/bin/python benchmarks/eval_model.py            # train on 600 vessels, score 2 x 200
    .venv/bin/python benchmarks/eval_model.py --train-vessels 200 --seeds 11 12 13 14

Not a test: it prints its figures. Worlds are written to a temporary folder (or --keep DIR).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vessel_risk.common import columns as c  # noqa: E402
from vessel_risk.features import catalog  # noqa: E402
from vessel_risk.flows.settings import DEFAULT_LOOKBACK_DAYS  # noqa: E402
from vessel_risk.ingest.ais import ingest_ais  # noqa: E402
from vessel_risk.ingest.outcomes import read_outcomes  # noqa: E402
from vessel_risk.ingest.registry import read_registry  # noqa: E402
from vessel_risk.models import metrics, rules  # noqa: E402
from vessel_risk.models.dataset import training_table  # noqa: E402
from vessel_risk.models.score import score_features  # noqa: E402
from vessel_risk.models.train import train_model  # noqa: E402
from vessel_risk.simulator.outcomes import PROBABILITY_FILE, TRUE_PROBABILITY  # noqa: E402

DEFAULT_SEEDS = (707, 202, 303)  # not the sample's seed (20261123); the first trains


def make_world(seed: int, out: Path, vessels: int, days: int) -> Path:
    folder = out / f"world-{seed}-{vessels}x{days}"
    if not (folder / "outcomes.csv").exists():
        subprocess.run([sys.executable, "-m", "vessel_risk.simulator", "--seed", str(seed), "--out",
                        str(folder), "--vessels", str(vessels), "--days", str(days)],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return folder


def world_table(folder: Path) -> pd.DataFrame:
    """The world's training table with each outcome's true probability beside it."""
    tables = ingest_ais([folder / "ais"])
    table = training_table(tables.positions, tables.statics, read_registry(folder / "registry"),
                           read_outcomes(folder / "outcomes.csv"), DEFAULT_LOOKBACK_DAYS).rows
    truth = pd.read_csv(folder / PROBABILITY_FILE, parse_dates=[c.DATE])
    truth[c.DATE] = truth[c.DATE].dt.date
    truth = truth.drop_duplicates([c.MMSI, c.DATE])[[c.MMSI, c.DATE, TRUE_PROBABILITY]]
    return table.merge(truth, on=[c.MMSI, c.DATE], how="left")


def scores(table: pd.DataFrame, model) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    return {
        "model": score_features(table, model)[0],
        "ship-risk-profile rule": rules.ship_risk_profile(table),
        "event-count rule": rules.event_count_rule(table),
        "oracle (true probability)": table[TRUE_PROBABILITY].to_numpy(dtype="float64"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS),
                        help="first: the training world; the others are scored")
    parser.add_argument("--vessels", type=int, default=200, help="fleet of the scored worlds")
    parser.add_argument("--train-vessels", type=int, default=600,
                        help="fleet of the training world: about one boarding per vessel, so "
                             "600 vessels give the model some 600 outcomes to learn from")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None, help="keep the worlds in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        train_seed, *test_seeds = args.seeds
        tables = {s: world_table(make_world(
            s, out, args.train_vessels if s == train_seed else args.vessels, args.days))
            for s in args.seeds}
        t1 = time.perf_counter()
        model = train_model(tables[train_seed][[c.DATE, c.MMSI, c.LABEL,
                                                *catalog.FEATURE_NAMES]])
        t2 = time.perf_counter()
    print(f"worlds: training {args.train_vessels} vessels, scored {len(test_seeds)} x "
          f"{args.vessels} vessels, {args.days} days each "
          f"(generate + ingest + table {t1 - t0:.0f} s, train {t2 - t1:.1f} s); trained on seed "
          f"{train_seed} ({len(tables[train_seed])} outcomes, "
          f"{int(tables[train_seed][c.LABEL].sum())} positive)")
    pooled = pd.concat([tables[s].assign(_seed=s) for s in test_seeds], ignore_index=True)
    header = f"{'scored on':<12} {'ranking':<27} {'ROC AUC':>8} {'prec@10%':>9} {'outcomes':>9}"
    print(header)
    print("-" * len(header))
    summary: dict[str, float] = {}
    for name, table in [*((f"seed {s}", tables[s]) for s in test_seeds), ("all scored", pooled)]:
        y = table[c.LABEL].to_numpy()
        for ranking, values in scores(table, model).items():
            found = metrics.ranking_metrics(y, values)
            auc, top = found["roc_auc"], found["precision_at_top10pct"]
            print(f"{name:<12} {ranking:<27} {auc or float('nan'):>8.3f} "
                  f"{top or float('nan'):>9.3f} {len(table):>9}")
            if name == "all scored":
                summary[ranking] = auc or float("nan")
        print()
    model_auc, srp, oracle = (summary["model"], summary["ship-risk-profile rule"],
                              summary["oracle (true probability)"])
    print(f"model - ship-risk-profile rule: {model_auc - srp:+.3f} (target >= +0.15: "
          f"{'met' if model_auc - srp >= 0.15 else 'NOT met'})")
    print(f"oracle - model: {oracle - model_auc:+.3f} (target <= 0.03: "
          f"{'met' if oracle - model_auc <= 0.03 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
