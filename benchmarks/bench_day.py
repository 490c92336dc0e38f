"""A 10-million-sentence day end to end: each stage's time and peak memory.

    .venv/bin/python benchmarks/bench_day.py                          # 10M sentences, 1 run
    .venv/bin/python benchmarks/bench_day.py --sentences 2000000 --repeat 3

The input is :func:`worlds.crowded_day`: one UTC day of the held-out simulated world (seed 12,
240 vessels, positions every 1.6-2.4 minutes at sea) copied with renumbered MMSIs and moved
longitudes until it holds --sentences lines (about 17,000 vessels at 10M), with the world's registry. Every run starts in a new
process and a new output folder.

The stages are the daily flow's own tasks (``flows/daily.py``), called as plain functions in the
flow's order, without Prefect's engine (its fixed cost is what ``bench_run.py`` measures):
ingest (read and decode, worker processes), store (positions, statics and quarantine by day),
screen (read the window back, context, detectors, features), score and write (risk list, events,
features, vessels, context), report (HTML page and Markdown). Peak memory is the largest total
resident set size of the benchmark process and its workers together, sampled every 50 ms, per
stage; the last line also gives the main process's own maximum RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


class TreeMemory:
    """The peak total RSS (MB) of this process and its children since the last :meth:`take`."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._peak = 0
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _now(self) -> int:
        total = 0
        for proc in [self._process, *self._process.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass  # a worker exited between listing and reading
        return total

    def _sample(self) -> None:
        while not self._done.is_set():
            now = self._now()
            with self._lock:
                self._peak = max(self._peak, now)
            time.sleep(0.05)

    def take(self) -> float:
        now = self._now()
        with self._lock:
            peak, self._peak = max(self._peak, now), now
        return peak / 2**20

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def run_day(ais: Path, registry: Path, out: Path) -> dict[str, Any]:
    """The daily flow's stages on ``ais``; seconds and peak MB of each."""
    memory = TreeMemory()
    stages: dict[str, dict[str, float]] = {}
    began = time.perf_counter()

    def stage(name: str, t0: float) -> None:
        stages[name] = {"seconds": time.perf_counter() - t0, "peak_mb": memory.take()}

    from vessel_risk.ingest import workers

    workers.start_fork_server()  # as the CLI does, while the flow's modules import
    from vessel_risk.common import columns as c
    from vessel_risk.common import workspace as w
    from vessel_risk.features.build import Window
    from vessel_risk.flows import daily
    from vessel_risk.storage.transaction import transaction

    stage("imports", began)
    t = time.perf_counter()
    settings = daily.run_settings(None)
    model = daily.load_model_from.fn(str(w.DEFAULT_MODEL))
    reg = daily.load_registry.fn(str(registry))
    stage("settings, model, registry", t)
    t = time.perf_counter()
    tables = daily.read_ais([Path(ais)], settings)
    stage("ingest", t)
    counts = daily.ingest_counts(tables)
    with transaction(Path(out), settings.store) as staged:  # the lock, then one commit
        t = time.perf_counter()
        day, how = daily.choose_day(None, None, tables, settings)
        daily.require_data(tables, staged, day, how)
        window = Window(day, settings.lookback_days)
        daily.store_ingested.fn(tables, staged, day)
        del tables
        stage("store", t)
        t = time.perf_counter()
        result = daily.screen_window.fn(staged, reg, window, settings, None)
        stage("screen (read window, context, detectors, features)", t)
        t = time.perf_counter()
        listed = daily.score_and_store.fn(result, model, window, staged, settings)
        stage("score and write", t)
        t = time.perf_counter()
        written = daily.publish_report.fn(staged, window, model, reg, settings)
        summary = daily.run_summary(day, counts, result, listed, model, settings, staged, None,
                                    how)
        summary["report"] = str(written.path)
        daily.record_run.fn(summary, settings, staged, day)
        stage("report and run record", t)
        t = time.perf_counter()
    stage("commit", t)
    total = time.perf_counter() - began
    memory.stop()
    return {"stages": stages, "total_s": total,
            "main_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "lines": counts["ingest"]["lines_read"], "positions": counts["positions"],
            "vessels": int(len(listed)), "events": int(len(result.events)),
            "day": day.isoformat(), "bands": summary["bands"],
            "high": int((listed[c.RISK_BAND] == "high").sum())}


def fresh_memory_cost_s(gib: float = 1.0) -> float:
    """Seconds to touch ``gib`` of memory this process never had. On a virtual machine whose
    host takes freed memory back, the first touch of each page is a fault to the host: measured
    here at 0.3 to 12 us per 4 KB page depending on the host's state, which moves every stage of
    a day that works on gigabytes by seconds."""
    import numpy as np

    began = time.perf_counter()
    touched = np.ones(int(gib * 2**30) // 8)
    seconds = time.perf_counter() - began
    del touched
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_day(*args.child)))
        return
    # Only here, not in the measured child: the simulator's import alone holds about 0.9 GB.
    from worlds import CACHE, crowded_day, simulated_world

    ais = crowded_day(args.sentences)
    registry = simulated_world() / "registry"
    print(f"input: {ais}; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"touching 1 GB of fresh memory: {fresh_memory_cost_s():.2f} s")
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench-day-", dir=CACHE) as tmp:
            done = subprocess.run([sys.executable, __file__, "--child", str(ais), str(registry),
                                   str(Path(tmp) / "out")], cwd=ROOT, stdout=subprocess.PIPE,
                                  text=True)
            if done.returncode:
                sys.exit(f"the day failed with exit code {done.returncode}")
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    first = runs[0]
    print(f"{first['lines']:,} lines, {first['positions']:,} positions, screening day "
          f"{first['day']}: {first['vessels']:,} vessels, {first['events']:,} events, "
          f"bands {first['bands']}")
    print(f"{'stage':<54} {'best s':>8} {'median s':>9} {'peak MB':>9}")
    for name in first["stages"]:
        seconds = [run["stages"][name]["seconds"] for run in runs]
        peak = max(run["stages"][name]["peak_mb"] for run in runs)
        print(f"{name:<54} {min(seconds):8.1f} {statistics.median(seconds):9.1f} {peak:9,.0f}")
    totals = [run["total_s"] for run in runs]
    peak_all = max(max(s["peak_mb"] for s in run["stages"].values()) for run in runs)
    print(f"{'total':<54} {min(totals):8.1f} {statistics.median(totals):9.1f} {peak_all:9,.0f}")
    print(f"main process maximum RSS: {max(run['main_maxrss_mb'] for run in runs):,.0f} MB; "
          f"targets: under 60 s and 4,096 MB; load average after: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
