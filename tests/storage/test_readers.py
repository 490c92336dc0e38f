"""Readers during commits: a partition never goes missing, and a reader holding
``storage.reading`` never sees half a commit."""

from __future__ import annotations

from pathlib import Path

from tests.storage.children import DAY, GENERATION, TABLES, commit_many, start
from vessel_risk import storage
from vessel_risk.common.errors import StorageError

COMMITS = 40


def generation_of(out: Path, table: str) -> int:
    return int(storage.read_partition(out, table, DAY)[GENERATION].iloc[0])


def test_readers_never_miss_a_partition_nor_see_half_a_commit(tmp_path: Path) -> None:
    commit_many(tmp_path, 1)
    writer = start(commit_many, tmp_path, COMMITS)
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
