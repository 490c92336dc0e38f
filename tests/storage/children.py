"""What tests run in child processes, importable by name so a clean fork server can start them
(forking the test process itself inherits its threads and state: Prefect's, the CLI's)."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from tests.storage import crashing_run
from vessel_risk import storage
from vessel_risk.storage.transaction import StoreParams, transaction

DAY = date(2026, 11, 22)
GENERATION = "generation"
TABLES = (storage.EVENTS, storage.RISK_LISTS)


def start(target: Any, *args: Any) -> multiprocessing.process.BaseProcess:
    """``target(*args)`` in a process forked from a clean fork server."""
    child = multiprocessing.get_context("forkserver").Process(target=target, args=args)
    child.start()
    return child


def die_at(out: Path, kill_at: int, generation: int, steps_file: Path) -> None:
    """A run of generation ``generation`` dying at step ``kill_at``; writes the steps taken."""
    steps_file.write_text(str(crashing_run.die_at(out, kill_at, generation)))


def frame(generation: int) -> pd.DataFrame:
    return pd.DataFrame({GENERATION: [generation] * (10 + generation % 7)})


def commit_many(out: Path, commits: int) -> None:
    """``commits`` runs, each replacing the day of both ``TABLES`` with its generation."""
    for generation in range(1, commits + 1):
        with transaction(out, StoreParams(fsync=False)) as staged:
            for table in TABLES:
                storage.write_partition(frame(generation), staged, table, DAY)
