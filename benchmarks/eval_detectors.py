"""Each detector's recall and precision against simulated worlds' ground truth.

    .venv/bin/python benchmarks/eval_detectors.py [--seeds 11 12 13] [--worlds DIR]
    .venv/bin/python benchmarks/eval_detectors.py --sample data/sample

Generates one simulator world per seed (cached under ``--worlds``; seeds other than the bundled
sample's, so nothing is tuned on what is measured), ingests it, screens its last day over the
lookback window with the land mask, and compares the events with ``truth.csv`` per event type.
The worlds hold the benign look-alikes that fool detectors: shared anchorages off busy ports,
ships moored together, ferries, fishing, harbours missing from every port list, a coverage hole
and a thinned feed. Two levels:

- vessels: a vessel with a truth event of the type is found if it has a detected one (either
  vessel of a two-vessel event counts);
- events: a detected event is right if the same vessel has a truth event of that type that
  overlaps it in time (one hour of slack either side), and a truth event is found if some
  detected event overlaps it.

Prints one table per world and the pooled table; targets: recall >= 0.95, precision >= 0.9.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features.build import Reference, Window, screen
from vessel_risk.features.events import per_vessel_events
from vessel_risk.features.land import load_land_mask
from vessel_risk.flows.settings import CACHE_DIR
from vessel_risk.ingest.ais import ingest_ais
from vessel_risk.ingest.registry import read_registry
from vessel_risk.simulator.generate import generate

SLACK = pd.Timedelta(hours=1)
# Event types the simulator injects (port and area visits are facts, not injected behaviour).
SCORED = [c.ENCOUNTER, c.FLAG_MISMATCH, c.GAP, c.IDENTITY_CHANGE, c.IDENTITY_SHARED,
          c.INVALID_MMSI, c.LOITERING, c.SPOOFING, c.WATCHLIST]


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
    """Counts per event type: truth and found vessels and events, and the matches."""
    found = per_vessel_events(events)
    rows = []
    for event_type in SCORED:
        t = truth[truth[c.EVENT_TYPE] == event_type]
        f = found[found[c.EVENT_TYPE] == event_type]
        t_vessels, f_vessels = set(t[c.MMSI]), set(f[c.MMSI])
        rows.append({
            "event_type": event_type,
            "truth_vessels": len(t_vessels), "found_vessels": len(f_vessels),
            "vessels_matched": len(t_vessels & f_vessels),
            "truth_events": len(t), "found_events": len(f),
            "truth_found": int(_overlaps(t, f).sum()), "found_right": int(_overlaps(f, t).sum()),
        })
    return pd.DataFrame(rows)


def rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Recall and precision from ``evaluate``'s counts (summed over worlds first, if pooled)."""
    out = counts.groupby("event_type", sort=True).sum(numeric_only=True)
    return pd.DataFrame({
        "truth_events": out["truth_events"], "found_events": out["found_events"],
        "vessel_recall": out["vessels_matched"] / out["truth_vessels"].clip(lower=1),
        "vessel_precision": out["vessels_matched"] / out["found_vessels"].clip(lower=1),
        "event_recall": out["truth_found"] / out["truth_events"].clip(lower=1),
        "event_precision": out["found_right"] / out["found_events"].clip(lower=1),
    })


def screen_world(folder: Path, lookback_days: int, reference: Reference) -> tuple[
        pd.DataFrame, pd.DataFrame, float, date]:
    began = time.perf_counter()
    tables = ingest_ais([folder / "ais"])
    day: date = tables.positions[c.TIMESTAMP].max().date()
    result = screen(tables.positions, tables.statics, read_registry(folder / "registry"),
                    Window(day, lookback_days), reference=reference)
    truth = pd.read_csv(folder / "truth.csv")
    for col in (c.START, c.END):
        truth[col] = pd.to_datetime(truth[col], utc=True)
    return evaluate(result.events, truth), result.events, time.perf_counter() - began, day


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[11, 12, 13])
    parser.add_argument("--worlds", type=Path, default=Path(".workspace") / "worlds")
    parser.add_argument("--sample", type=Path, help="evaluate this generated folder instead")
    parser.add_argument("--lookback-days", type=int, default=7)
    args = parser.parse_args(argv)
    reference = Reference(land=load_land_mask(CACHE_DIR))
    folders = [args.sample] if args.sample else [args.worlds / f"seed-{s}" for s in args.seeds]
    all_counts = []
    for seed, folder in zip(args.seeds, folders):
        if not (folder / "truth.csv").exists():
            print(f"generating world seed {seed} in {folder} ...", flush=True)
            generate(folder, seed=seed)
        counts, events, seconds, day = screen_world(folder, args.lookback_days, reference)
        all_counts.append(counts)
        print(f"\n{folder}: screened {day} ({args.lookback_days} days) in {seconds:.1f} s; "
              f"{len(events)} events")
        _print(rates(counts))
    if len(all_counts) > 1:
        print(f"\npooled over {len(all_counts)} worlds")
        _print(rates(pd.concat(all_counts)))
    return 0


def _print(table: pd.DataFrame) -> None:
    with pd.option_context("display.width", 160, "display.float_format", "{:.2f}".format):
        print(table.to_string())


if __name__ == "__main__":
    sys.exit(main())
