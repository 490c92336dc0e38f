"""A run's writes land together or not at all, whatever step a crash interrupts."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tests.storage import crashing_run
from tests.storage.builders import positions, snapshot
from tests.storage.children import die_at, start
from vessel_risk import storage
from vessel_risk.storage import journal, layout
from vessel_risk.storage.transaction import StoreParams, recover, transaction

DAY = date(2026, 11, 22)


def crash(out: Path, kill_at: int, generation: int, steps_file: Path) -> int | None:
    """Run ``generation`` in a child that dies at step ``kill_at``; its exit code."""
    child = start(die_at, out, kill_at, generation, steps_file)
    child.join(60)
    return child.exitcode


def classify(found: dict[str, str], before: dict[str, str], after: dict[str, str]) -> str:
    return "before" if found == before else "after" if found == after else "mixed"


def readers_view(out: Path) -> dict[str, str]:
    """The store as a reader sees it: a committed run's files not applied yet count as applied."""
    import hashlib

    seen = snapshot(out)
    for name, staged in layout.committed_files(out).items():
        seen[name] = hashlib.sha256(staged.read_bytes()).hexdigest()
    return dict(sorted(seen.items()))


def leftovers(out: Path) -> list[str]:
    staging = out / layout.STAGING
    hidden = [str(p.relative_to(out)) for p in out.rglob(".*")
              if p.name not in (layout.LOCK, layout.COMMIT_LOCK, layout.STAGING)]
    return hidden + ([p.name for p in staging.iterdir()] if staging.exists() else [])


def test_a_crash_at_every_step_leaves_the_store_before_or_after_the_run(tmp_path: Path) -> None:
    steps = tmp_path / "steps"
    base = tmp_path / "base" / "out"
    assert crash(base, 0, 0, steps) == 0  # generation 0: the store before the run
    before = snapshot(base)
    done = tmp_path / "done" / "out"
    shutil.copytree(base, done)
    assert crash(done, 0, 1, steps) == 0  # generation 1, not interrupted: the store after it
    after, total = snapshot(done), int(steps.read_text())
    assert before != after and total > 20
    raw: Counter[str] = Counter()
    recovered: Counter[str] = Counter()
    viewed: Counter[str] = Counter()
    for kill_at in range(1, total + 1):
        out = tmp_path / f"k{kill_at}" / "out"
        shutil.copytree(base, out)
        assert crash(out, kill_at, 1, steps) == crashing_run.KILLED, kill_at
        raw[classify(snapshot(out), before, after)] += 1
        viewed[classify(readers_view(out), before, after)] += 1
        recover(out)  # what the next writer does first
        state = classify(snapshot(out), before, after)
        recovered[state] += 1
        assert state in ("before", "after"), kill_at
        assert leftovers(out) == [], kill_at
        assert crash(out, 0, 1, steps) == 0  # the next run then completes, to the same bytes
        assert snapshot(out) == after, kill_at
        shutil.rmtree(out.parent)
    print(f"\n{total} kill points: on disk {dict(raw)}, as readers see it {dict(viewed)}, "
          f"after recovery {dict(recovered)}")
    assert recovered["before"] > 0 and recovered["after"] > 0
    assert viewed["mixed"] == 0
    assert raw["mixed"] > 0  # kills inside the apply phase were tried (and rolled forward)


def test_transaction_commits_nothing_when_the_block_fails(tmp_path: Path) -> None:
    storage.write_partition(positions(DAY, 3), tmp_path, storage.EVENTS, DAY)
    before = snapshot(tmp_path)
    with pytest.raises(RuntimeError), transaction(tmp_path) as staged:
        storage.write_partition(positions(DAY, 9), staged, storage.EVENTS, DAY)
        raise RuntimeError("the run fails")
    assert snapshot(tmp_path) == before and leftovers(tmp_path) == []


def test_transaction_that_fails_on_a_new_folder_leaves_no_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), transaction(out):
        raise RuntimeError("the run fails")
    assert not out.exists()


def test_staged_store_reads_staged_partitions_first_then_the_store(tmp_path: Path) -> None:
    storage.write_partition(positions(DAY, 3), tmp_path, storage.EVENTS, DAY)
    other = date(2026, 11, 21)
    with transaction(tmp_path) as staged:
        assert len(storage.read_partition(staged, storage.EVENTS, DAY)) == 3
        storage.write_partition(positions(DAY, 5), staged, storage.EVENTS, DAY)
        storage.write_partition(positions(other, 1), staged, storage.EVENTS, other)
        assert len(storage.read_partition(staged, storage.EVENTS, DAY)) == 5
        assert storage.available_days(staged, storage.EVENTS) == [other, DAY]
        assert len(storage.read_partition(tmp_path, storage.EVENTS, DAY)) == 3  # not yet
    assert len(storage.read_partition(tmp_path, storage.EVENTS, DAY)) == 5


def test_recover_rolls_a_committed_journal_forward_twice_harmlessly(tmp_path: Path) -> None:
    staged = journal.begin(tmp_path)
    storage.write_partition(positions(DAY, 4), staged, storage.EVENTS, DAY)
    files = journal.staged_files(staged)
    journal.journal_of(staged).write_text(json.dumps({"format": 1, "files": files}))
    assert recover(tmp_path).rolled_forward == 1
    assert recover(tmp_path).rolled_forward == 0
    assert len(storage.read_partition(tmp_path, storage.EVENTS, DAY)) == 4


def test_recover_removes_the_hidden_leftovers_of_older_versions(tmp_path: Path) -> None:
    storage.write_partition(positions(DAY, 4), tmp_path, storage.EVENTS, DAY)
    (tmp_path / "events" / ".date=2026-11-22.old").mkdir()
    (tmp_path / "events" / ".date=2026-11-22.x1y2").mkdir()
    (tmp_path / "events" / "date=2026-11-22" / ".part-0.parquet.123.tmp").write_text("")
    assert recover(tmp_path, StoreParams()).leftovers == 3
    assert leftovers(tmp_path) == []


def test_folders_and_files_get_the_usual_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "out"
        with transaction(out) as staged:
            storage.write_partition(positions(DAY, 2), staged, storage.EVENTS, DAY)
    finally:
        os.umask(old)
    part = storage.partition_dir(out, storage.EVENTS, DAY)
    for folder in (out, out / "events", part):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
    assert stat.S_IMODE((part / "part-0.parquet").stat().st_mode) == 0o644
