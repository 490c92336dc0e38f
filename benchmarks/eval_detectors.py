"""Each detector's recall and precision against the bundled sample's ground truth.

    .venv/bin/python benchmarks/eval_detectors.py [--sample data/sample] [--lookback-days 7]

Ingests the sample, screens its last day over the lookback window, and compares the events with
``truth.csv`` per event type, at two levels:

- vessels: a vessel with a truth event of the type is found if it has a detected one (either
  vessel of a two-vessel event counts);
- events: a detected event is right if the same vessel has a truth event of that type that
  overlaps it in time (one hour of slack either side), and a truth event is found if some
  detected event overlaps it.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

from features.build import Window, screen
from features.events import per_vessel_events
from ingest.ais import ingest_ais
from ingest.registry import read_registry
from vessel_risk import columns as c

SLACK = pd.Timedelta(hours=1)


def _overlaps(a: pd.DataFrame, b: pd.DataFrame) -> pd.Series:
    """For each row of ``a``: does a row of ``b`` of the same vessel overlap it in time?"""
    if a.empty:
        return pd.Series(dtype=bool)
    pairs = a.reset_index().merge(b[[c.MMSI, c.START, c.END]], on=c.MMSI, how="left",
                                  suffixes=("", "_b"))
    hit = (pairs[c.START] - SLACK <= pairs[f"{c.END}_b"]) & (
        pairs[f"{c.START}_b"] <= pairs[c.END] + SLACK)
    return hit.groupby(pairs["index"]).any().reindex(a.index, fill_value=False)


def evaluate(events: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    found = per_vessel_events(events)
    rows = []
    for event_type in sorted(set(truth[c.EVENT_TYPE])):
        t = truth[truth[c.EVENT_TYPE] == event_type]
        f = found[found[c.EVENT_TYPE] == event_type]
        t_vessels, f_vessels = set(t[c.MMSI]), set(f[c.MMSI])
        both = t_vessels & f_vessels
        rows.append({
            "event_type": event_type,
            "truth_vessels": len(t_vessels), "found_vessels": len(f_vessels),
            "vessel_recall": len(both) / max(len(t_vessels), 1),
            "vessel_precision": len(both) / max(len(f_vessels), 1),
            "truth_events": len(t), "found_events": len(f),
            "event_recall": float(_overlaps(t, f).mean()) if len(t) else float("nan"),
            "event_precision": float(_overlaps(f, t).mean()) if len(f) else float("nan"),
        })
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=Path("data/sample"))
    parser.add_argument("--lookback-days", type=int, default=7)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    tables = ingest_ais([args.sample / "ais"])
    registry = read_registry(args.sample / "registry")
    day: date = tables.positions[c.TIMESTAMP].max().date()
    result = screen(tables.positions, tables.statics, registry, Window(day, args.lookback_days))
    seconds = time.perf_counter() - began
    truth = pd.read_csv(args.sample / "truth.csv")
    for col in (c.START, c.END):
        truth[col] = pd.to_datetime(truth[col], utc=True)
    table = evaluate(result.events, truth)
    with pd.option_context("display.width", 160, "display.float_format", "{:.2f}".format):
        print(table.to_string(index=False))
    print(f"\nscreened {day} ({args.lookback_days} days) in {seconds:.1f} s; "
          f"{len(result.features)} vessels, {len(result.events)} events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
