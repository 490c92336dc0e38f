"""Readers during commits: a partition never goes missing, and a reader holding
``storage.reading`` never sees half a commit."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pandas as pd

from vessel_risk import storage
from vessel_risk.common.errors import StorageError
from vessel_risk.storage.transaction import StoreParams, transaction

DAY = date(2026, 11, 22)
COMMITS = 40
GENERATION = "generation"
TABLES = (storage.EVENTS, storage.RISK_LISTS)


def frame(generation: int) -> pd.DataFrame:
    return pd.DataFrame({GENERATION: [generation] * (10 + generation % 7)})


def commit_many(out: Path, commits: int) -> None:
    for generation in range(1, commits + 1):
        with transaction(out, StoreParams(fsync=False)) as staged:
            for table in TABLES:
                storage.write_partition(frame(generation), staged, table, DAY)


def generation_of(out: Path, table: str) -> int:
    return int(storage.read_partition(out, table, DAY)[GENERATION].iloc[0])


def test_readers_never_miss_a_partition_nor_see_half_a_commit(tmp_path: Path) -> None:
    commit_many(tmp_path, 1)
    writer = multiprocessing.get_context("fork").Process(target=commit_many,
                                                         args=(tmp_path, COMMITS))
    writer.start()
    reads = missing = torn = consistent = unlocked_torn = 0
    while writer.is_alive() or reads == 0:
        try:  # no lock: whole files, but a pair of tables may straddle a commit
            first, second = (generation_of(tmp_path, t) for t in TABLES)
            reads += 2
            unlocked_torn += first != second
        except StorageError:
            missing += 1
        with storage.reading(tmp_path):  # the shared lock: whole commits
            first, second = (generation_of(tmp_path, t) for t in TABLES)
        consistent += first == second
        torn += first != second
    writer.join()
    assert writer.exitcode == 0
    print(f"\n{COMMITS} commits: {reads} unlocked partition reads, {missing} missing "
          f"({unlocked_torn} pairs straddled a commit); {consistent + torn} pairs read under "
          f"storage.reading, {torn} torn")
    assert missing == 0 and torn == 0 and reads > COMMITS // 10
    assert generation_of(tmp_path, storage.EVENTS) == COMMITS
