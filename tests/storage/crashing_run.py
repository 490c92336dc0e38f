"""A run of the store that dies (``os._exit``, like ``kill -9``) at its Nth file-system step.

    python crashing_run.py OUT N [GENERATION]   # N = 0: never; prints the steps taken

Tests fork a child that calls :func:`die_at` instead (no interpreter start-up per kill point).

Fault injection lives here, in the test, not in product code: the steps are the calls the store
makes to change the file system (``os.replace``, ``os.fsync``, ``os.unlink``, ``os.mkdir``,
``os.rmdir``, ``shutil.rmtree``), wrapped to count and to die at the Nth. The run is a day's
worth of writes: positions with stragglers merged into two days, a replaced table, the manifest
and a report file, committed at once.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

KILLED = 137
_count = [0]


def _wrap(module: Any, name: str, kill_at: int) -> None:
    real = getattr(module, name)

    def step(*args: Any, **kwargs: Any) -> Any:
        _count[0] += 1
        if _count[0] == kill_at:
            os._exit(KILLED)
        return real(*args, **kwargs)

    setattr(module, name, step)


def feed_of(out: Path, generation: int) -> Path:
    """The run's input file, shared by every copy of the store (written once, before counting)."""
    feed = out.parent.parent / "feeds" / f"feed-{generation}.nmea"
    if not feed.exists():
        feed.parent.mkdir(parents=True, exist_ok=True)
        feed.write_text(f"generation {generation}\n")
    return feed


def run(out: Path, generation: int) -> None:
    from tests.storage.builders import positions
    from vessel_risk import storage
    from vessel_risk.storage import manifest
    from vessel_risk.storage.transaction import StoreParams, transaction

    day1, day2 = date(2026, 11, 21 + generation), date(2026, 11, 22 + generation)
    feed = feed_of(out, generation)
    with transaction(out, StoreParams(lock_timeout_s=30)) as staged:
        rows = pd.concat([positions(day2, 60), positions(day1, 4, minute0=1300)])
        storage.merge_by_day(rows, staged, storage.POSITIONS, [day1, day2])
        chosen = manifest.select([feed], staged)
        manifest.record(staged, chosen.new, {str(feed): 1}, rows.assign(source_file=str(feed)),
                        day2)
        storage.write_partition(positions(day2, 5 + generation), staged, storage.EVENTS, day2)
        report = staged / "reports" / f"risk_report_{day2.isoformat()}.html"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(f"<p>{generation}</p>")


def die_at(out: Path, kill_at: int, generation: int) -> int:
    """Run generation ``generation`` into ``out``, dying at step ``kill_at`` (0: never); the
    number of steps taken. Call it in a process of its own: it patches ``os`` for good."""
    import vessel_risk.storage  # noqa: F401  (imported before counting starts)

    feed_of(out, generation)

    for module, name in ((os, "replace"), (os, "fsync"), (os, "unlink"), (os, "mkdir"),
                         (os, "rmdir"), (shutil, "rmtree")):
        _wrap(module, name, kill_at)
    run(out, generation)
    return _count[0]


def main(argv: list[str]) -> int:
    print(die_at(Path(argv[0]), int(argv[1]), int(argv[2]) if len(argv) > 2 else 0))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main(sys.argv[1:]))
