"""The store: crash safety, the cost of merging, and what three days with stragglers leave.

    .venv/bin/python benchmarks/bench_store.py
    .venv/bin/python benchmarks/bench_store.py --rows 1000000 --repeat 5

Prints three things:

1. **Kill points.** A run of the store (positions with stragglers merged into two days, a
   replaced table, the ingest manifest, a report file, one commit) is killed (``os._exit``) at each
   of its file-system steps in turn, in a forked child, on a copy of the same store. For each kill
   point the store is classified as *before* the run, *after* it or *mixed*: on disk right after
   the kill, as a reader sees it (a committed run's files read through its journal), and after the
   next writer's recovery. Only the first may be mixed (a kill inside the apply phase).
2. **Merge cost.** Writing a day's positions as the store used to (replace the partition) against
   merging them into the stored day (read, union, de-duplicate, sort, write): a whole day into an
   empty partition, and 40 late rows into a full day.
3. **Rows per day.** Three consecutive days of the bundled sample, each day's last 40 lines
   arriving in the next day's file, ingested day by day and stored the old way (replace) and the
   new way (merge): the rows each day holds after each run.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vessel_risk import storage
from vessel_risk.common import columns as c
from vessel_risk.ingest.ais import IngestParams, ingest_ais
from vessel_risk.storage import layout, manifest
from vessel_risk.storage.transaction import StoreParams, recover, transaction

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_AIS = ROOT / "data" / "sample" / "ais"
THREE_DAYS = [date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)]
LATE_LINES = 40
KILLED = 137


# --- 1. kill points ------------------------------------------------------------------------------

def fake_positions(day: date, n: int, minute0: int = 0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(day, tz="UTC") + pd.Timedelta(minutes=minute0)
    return pd.DataFrame({
        c.MMSI: rng.integers(211_000_000, 211_000_000 + max(n // 50, 1), n).astype("int64"),
        c.TIMESTAMP: start + pd.to_timedelta(rng.integers(0, 86_000, n), unit="s"),
        c.LAT: rng.uniform(53, 56, n), c.LON: rng.uniform(3, 9, n),
        c.SOG_KNOTS: rng.uniform(0, 20, n), c.SOURCE_FILE: "feed.nmea",
        c.LINE_NO: np.arange(1, n + 1, dtype="int64"),
    })


def one_run(out: Path, generation: int, feed: Path) -> None:
    day1, day2 = date(2026, 11, 21 + generation), date(2026, 11, 22 + generation)
    with transaction(out, StoreParams(lock_timeout_s=30)) as staged:
        rows = pd.concat([fake_positions(day2, 500, seed=generation),
                          fake_positions(day1, 40, minute0=1300, seed=99 + generation)])
        storage.merge_by_day(rows, staged, storage.POSITIONS, [day1, day2])
        chosen = manifest.select([feed], staged)
        manifest.record(staged, chosen.new, {str(feed): 1}, rows, day2)
        storage.write_partition(fake_positions(day2, 20 + generation), staged, storage.EVENTS,
                                day2)
        report = staged / "reports" / f"risk_report_{day2.isoformat()}.html"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(f"<p>{generation}</p>")


def dying_run(out: Path, generation: int, feed: Path, kill_at: int, steps: Path) -> None:
    import shutil as shutil_module

    count = [0]

    def wrapped(module: Any, name: str) -> None:
        real = getattr(module, name)

        def step(*args: Any, **kwargs: Any) -> Any:
            count[0] += 1
            if count[0] == kill_at:
                os._exit(KILLED)
            return real(*args, **kwargs)

        setattr(module, name, step)

    for module, name in ((os, "replace"), (os, "fsync"), (os, "unlink"), (os, "mkdir"),
                         (os, "rmdir"), (shutil_module, "rmtree")):
        wrapped(module, name)
    one_run(out, generation, feed)
    steps.write_text(str(count[0]))


def in_child(*args: Any) -> int | None:
    child = multiprocessing.get_context("fork").Process(target=dying_run, args=args)
    child.start()
    child.join()
    return child.exitcode


def files_of(out: Path, through_journal: bool = False) -> dict[str, str]:
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and rel.parts[0] not in (layout.LOCK, layout.COMMIT_LOCK,
                                                   layout.STAGING):
            found[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    if through_journal:
        for name, staged in layout.committed_files(out).items():
            found[name] = hashlib.sha256(staged.read_bytes()).hexdigest()
    return dict(sorted(found.items()))


def kill_points(work: Path) -> None:
    feeds = work / "feeds"
    feeds.mkdir()
    feed0, feed1 = feeds / "feed-0.nmea", feeds / "feed-1.nmea"
    feed0.write_text("zero\n")
    feed1.write_text("one\n")
    steps = work / "steps"
    base = work / "base"
    assert in_child(base, 0, feed0, 0, steps) == 0
    done = work / "done"
    shutil.copytree(base, done)
    assert in_child(done, 1, feed1, 0, steps) == 0
    before, after, total = files_of(base), files_of(done), int(steps.read_text())

    def kind(found: dict[str, str]) -> str:
        return "before" if found == before else "after" if found == after else "mixed"

    disk: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    recovered: Counter[str] = Counter()
    for kill_at in range(1, total + 1):
        out = work / f"k{kill_at}"
        shutil.copytree(base, out)
        code = in_child(out, 1, feed1, kill_at, steps)
        assert code == KILLED, (kill_at, code)
        disk[kind(files_of(out))] += 1
        seen[kind(files_of(out, through_journal=True))] += 1
        recover(out)
        recovered[kind(files_of(out))] += 1
        shutil.rmtree(out)
    print(f"kill points tried: {total} (every file-system step of one run)")
    for name, counts in (("on disk right after the kill", disk),
                         ("as a reader sees it", seen), ("after the next writer's recovery",
                                                         recovered)):
        shown = ", ".join(f"{k} {counts.get(k, 0)}" for k in ("before", "after", "mixed"))
        print(f"  {name:36s} {shown}")


# --- 2. merge cost -------------------------------------------------------------------------------

def timed(action: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def merge_cost(work: Path, rows: int, repeat: int) -> None:
    day = date(2026, 11, 22)
    full = fake_positions(day, rows, seed=1)
    late = fake_positions(day, LATE_LINES, minute0=1300, seed=2)
    old_out, new_out = work / "old", work / "new"
    replace = timed(lambda: storage.write_by_day(full, old_out, storage.POSITIONS, [day]), repeat)

    def merge_into_empty() -> None:
        shutil.rmtree(new_out, ignore_errors=True)
        storage.merge_by_day(full, new_out, storage.POSITIONS, [day])

    into_empty = timed(merge_into_empty, repeat)
    stragglers = timed(lambda: storage.merge_by_day(late, new_out, storage.POSITIONS, [day]),
                       repeat)
    replace_late = timed(lambda: storage.write_by_day(late, old_out, storage.POSITIONS, [day]),
                         repeat)
    print(f"merge cost, {rows:,} positions a day (best of {repeat}):")
    print(f"  a whole day: replace {replace:.3f} s, merge into an empty day {into_empty:.3f} s "
          f"(ratio {into_empty / replace:.2f})")
    print(f"  {LATE_LINES} late rows: replace {replace_late:.3f} s (and the day is lost), merge "
          f"into the stored day {stragglers:.3f} s (ratio {stragglers / replace_late:.1f}; "
          f"{stragglers / replace:.2f} of replacing the whole day)")


# --- 3. rows per day -----------------------------------------------------------------------------

def day_lines(day: date) -> list[bytes]:
    with gzip.open(SAMPLE_AIS / f"{day.isoformat()}.nmea.gz", "rb") as handle:
        return handle.read().splitlines(keepends=True)


def three_day_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    paths, late = [], []
    for day in THREE_DAYS:
        lines = day_lines(day)
        keep = lines if day == THREE_DAYS[-1] else lines[:-LATE_LINES]
        path = folder / f"{day.isoformat()}.nmea"
        path.write_bytes(b"".join(keep + late))
        late = lines[-LATE_LINES:]
        paths.append(path)
    return paths


def rows_per_day(out: Path) -> str:
    return ", ".join(f"{d.isoformat()} {len(storage.read_partition(out, storage.POSITIONS, d)):,}"
                     for d in storage.available_days(out, storage.POSITIONS))


def three_days(work: Path) -> None:
    files = three_day_files(work / "feed")
    print(f"rows per day, three days of the sample, each day's last {LATE_LINES} lines in the "
          "next day's file:")
    params = IngestParams(workers=1)
    for name, write in (("replace (before)", storage.write_by_day),
                        ("merge (now)", storage.merge_by_day)):
        out = work / name.split()[0]
        for i, path in enumerate(files):
            positions = ingest_ais([path], params).positions
            days = set(positions[c.TIMESTAMP].dt.date) | {THREE_DAYS[i]}
            write(positions, out, storage.POSITIONS, days)
            print(f"  {name:17s} after day {i + 1}: {rows_per_day(out)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000, help="positions a day (merge cost)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        work = Path(tmp)
        (work / "kill").mkdir()
        kill_points(work / "kill")
        merge_cost(work, args.rows, args.repeat)
        three_days(work)


if __name__ == "__main__":
    sys.exit(main())
