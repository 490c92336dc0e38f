"""The daily flow and the store: days merge and only grow, files are read once, runs take turns."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.flows.feeds import moved_day
from tests.storage.builders import counted_hashes, snapshot
from vessel_risk import storage
from vessel_risk.common import columns as c
from vessel_risk.common.errors import StoreLockedError
from vessel_risk.flows.daily import (
    _AHEAD,
    daily_screening,
    drop_ingest_ahead,
    ingest_ahead,
    run_settings,
)
from vessel_risk.flows.settings import DEFAULT_MODEL
from vessel_risk.storage import lock, manifest

pytestmark = pytest.mark.usefixtures("prefect_harness")

DAYS = [date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)]
LATE_LINES = 40  # lines of a day that reach the feed only with the next day's file


def three_day_feed(folder: Path) -> list[Path]:
    """One file a day; each day's last lines arrive in the next day's file (stragglers)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths, late = [], []
    for day in DAYS:
        lines = moved_day(day, every=10)
        keep = lines if day == DAYS[-1] else lines[:-LATE_LINES]
        path = folder / f"{day.isoformat()}.nmea"
        path.write_text("\n".join(keep + late) + "\n")
        late = lines[-LATE_LINES:]
        paths.append(path)
    return paths


def run(out: Path, ais: list[Path], day: date | None = None, config: Path | None = None) -> dict:  # type: ignore[type-arg]
    return daily_screening(ais=[str(p) for p in ais], registry=None, out=str(out),
                           model=str(DEFAULT_MODEL), day=day, lookback_days=2,
                           config=str(config) if config else None)


def stored_rows(out: Path) -> dict[date, int]:
    return {d: len(storage.read_partition(out, storage.POSITIONS, d))
            for d in storage.available_days(out, storage.POSITIONS)}


def test_three_days_with_stragglers_grow_the_store_and_a_rerun_changes_nothing(
        tmp_path: Path) -> None:
    files = three_day_feed(tmp_path / "feed")
    out = tmp_path / "out"
    counts = []
    for day, path in zip(DAYS, files):
        summary = run(out, [path], day)
        assert summary["date"] == day.isoformat()
        counts.append(stored_rows(out))
    first, second, third = counts
    assert first.keys() == {DAYS[0]}
    assert second[DAYS[0]] > first[DAYS[0]]  # the stragglers joined their own day ...
    assert third[DAYS[0]] == second[DAYS[0]] and third[DAYS[1]] > second[DAYS[1]]
    late = storage.read_partition(out, storage.POSITIONS, DAYS[0])
    assert (late[c.SOURCE_FILE] == str(files[1])).any()  # ... from the next day's file
    # everything at once gives the same days with the same rows
    together = tmp_path / "together"
    run(together, files, DAYS[-1])
    assert stored_rows(together) == third
    # a re-run of the last day reads nothing new and writes the same bytes, its run record too
    before = snapshot(out)
    summary = run(out, [files[2]], DAYS[-1])
    assert summary["files_skipped"] == 1
    assert summary["ingest"]["lines_read"] == len(files[2].read_text().splitlines())
    assert snapshot(out) == before
    assert run(out, files, DAYS[-1])["files_skipped"] == 3


def test_manifest_skips_a_file_already_read_and_reads_a_changed_one_again(
        tmp_path: Path) -> None:
    files = three_day_feed(tmp_path / "feed")
    out = tmp_path / "out"
    first = run(out, files[:2])  # no --date: the day comes from the data
    assert first["date"] == DAYS[1].isoformat()
    table = manifest.read_manifest(out)
    assert table[c.FILE_PATH].tolist() == [str(p.resolve()) for p in files[:2]]
    assert (table[c.LINES_READ] > 0).all() and set(table[c.SCREENING_DAY]) == {"2026-12-02"}
    again = run(out, files[:2])  # nothing new: the day is still chosen from those files
    assert again["date"] == first["date"] and again["files_skipped"] == 2
    with files[1].open("a") as handle:  # the feed appends to today's file
        handle.write("\n".join(moved_day(DAYS[1] + timedelta(days=0), every=97)[-4:]) + "\n")
    changed = run(out, files[:2])
    assert changed["files_skipped"] == 1
    table = manifest.read_manifest(out)
    assert len(table) == 3  # both versions of the changed file
    assert table[c.INGEST_BATCH].nunique() == 2


def test_a_run_waits_for_the_run_holding_the_store(tmp_path: Path) -> None:
    files = three_day_feed(tmp_path / "feed")
    out = tmp_path / "out"
    fd = lock.acquire(out, 1)
    threading.Timer(3.0, lambda: __import__("os").close(fd)).start()
    start = time.monotonic()
    run(out, [files[0]], DAYS[0])
    assert time.monotonic() - start > 3.0


def test_a_run_gives_up_with_the_folder_named_when_the_store_stays_locked(
        tmp_path: Path) -> None:
    import os

    files = three_day_feed(tmp_path / "feed")
    out = tmp_path / "out"
    config = tmp_path / "settings.toml"
    config.write_text("[store]\nlock_timeout_s = 0.5\n")
    fd = lock.acquire(out, 1)
    try:
        with pytest.raises(StoreLockedError, match=f"output folder {out} is locked"):
            run(out, [files[0]], DAYS[0], config)
    finally:
        os.close(fd)
    assert storage.available_days(out, storage.POSITIONS) == []


def test_input_read_ahead_is_used_when_the_flow_selects_the_same_files(tmp_path: Path) -> None:
    files = three_day_feed(tmp_path / "feed")
    settings = run_settings(None, lookback_days=2)
    ahead, plain = tmp_path / "ahead", tmp_path / "plain"
    ingest_ahead([str(files[0])], str(ahead), settings)
    assert len(_AHEAD) == 1
    run(ahead, [files[0]], DAYS[0])
    assert not _AHEAD  # picked up by the flow's ingest task
    run(plain, [files[0]], DAYS[0])
    assert snapshot(ahead) == snapshot(plain)


def test_input_read_ahead_is_hashed_once_a_run_and_again_when_it_changed_in_between(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = three_day_feed(tmp_path / "feed")
    same, changed = files[:2]
    hashed = counted_hashes(monkeypatch)
    ingest_ahead([str(same), str(changed)], str(tmp_path / "ahead"),
                 run_settings(None, lookback_days=2))
    changed.write_text(changed.read_text() + files[2].read_text().splitlines()[0] + "\n")
    try:
        run(tmp_path / "ahead", [same, changed], DAYS[1])
    finally:
        drop_ingest_ahead()  # the files read ahead are not the ones the flow selected
    assert [p.name for p in hashed] == [same.name, changed.name, changed.name]
    run(tmp_path / "plain", [same, changed], DAYS[1])
    assert snapshot(tmp_path / "ahead") == snapshot(tmp_path / "plain")


def test_input_read_ahead_of_files_the_store_already_holds_is_not_started(tmp_path: Path) -> None:
    files = three_day_feed(tmp_path / "feed")
    out = tmp_path / "out"
    run(out, [files[0]], DAYS[0])
    ingest_ahead([str(files[0])], str(out), run_settings(None, lookback_days=2))
    assert not _AHEAD
