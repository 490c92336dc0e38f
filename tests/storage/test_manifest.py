"""The ingest manifest: a file is read once; a changed file is read again."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.storage.builders import counted_hashes, positions, snapshot
from vessel_risk.common import columns as c
from vessel_risk.storage import manifest

DAY = date(2026, 11, 22)


def feed(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def record_all(out: Path, paths: list[Path]) -> manifest.Selection:
    chosen = manifest.select(paths, out)
    rows = pd.concat([positions(DAY, 2, source=str(f.path)) for f in chosen.new] or
                     [positions(DAY, 0)])
    manifest.record(out, chosen.new, {str(f.path): 7 for f in chosen.new}, rows, DAY)
    return chosen


def test_select_reads_a_new_file_and_skips_it_once_recorded(tmp_path: Path) -> None:
    path = feed(tmp_path / "in", "a.nmea", "line\n")
    first = record_all(tmp_path / "out", [path])
    assert [f.path for f in first.new] == [path] and first.seen == []
    second = manifest.select([path], tmp_path / "out")
    assert second.new == [] and [f.path for f in second.seen] == [path]
    assert second.seen_positions_by_day == {DAY: 2}


def test_select_reads_a_changed_file_again(tmp_path: Path) -> None:
    path = feed(tmp_path / "in", "a.nmea", "line\n")
    record_all(tmp_path / "out", [path])
    path.write_text("line\nmore\n")
    assert [f.path for f in manifest.select([path], tmp_path / "out").new] == [path]


def test_select_reads_a_file_rewritten_with_the_same_size_and_time(tmp_path: Path) -> None:
    path = feed(tmp_path / "in", "a.nmea", "aaaa\n")
    record_all(tmp_path / "out", [path])
    stat = path.stat()
    path.write_text("bbbb\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert len(manifest.select([path], tmp_path / "out").new) == 1
    trusted = manifest.select([path], tmp_path / "out", trust_file_stat=True)
    assert trusted.new == [] and len(trusted.seen) == 1
    record_all(tmp_path / "out", [path])  # both versions recorded: each is known by its hash
    path.write_text("aaaa\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert manifest.select([path], tmp_path / "out").new == []


def test_select_with_earlier_hashes_does_not_hash_an_unchanged_file_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = feed(tmp_path / "in", "a.nmea", "one\n")
    b = feed(tmp_path / "in", "b.nmea", "two\n")
    hashed = counted_hashes(monkeypatch)
    earlier: dict[manifest.HashedKey, str] = {}
    first = manifest.select([a, b], tmp_path / "out", hashed=earlier)
    assert manifest.select([a, b], tmp_path / "out", hashed=earlier) == first
    assert hashed == [a, b]
    assert manifest.select([a, b], tmp_path / "out") == first  # without them: hashed again
    assert hashed == [a, b, a, b]


def test_select_with_earlier_hashes_hashes_a_file_changed_since_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = feed(tmp_path / "in", "a.nmea", "aaaa\n")
    earlier: dict[manifest.HashedKey, str] = {}
    manifest.select([path], tmp_path / "out", hashed=earlier)
    record_all(tmp_path / "out", [path])
    stat = path.stat()
    path.write_text("bbbb\n")  # the same size and, put back, the same time: not the same file
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    hashed = counted_hashes(monkeypatch)
    changed = manifest.select([path], tmp_path / "out", hashed=earlier)
    assert hashed == [path]
    assert [f.sha256 for f in changed.new] == [hashlib.sha256(b"bbbb\n").hexdigest()]


def test_record_keeps_path_size_time_hash_lines_and_day_and_no_clock(tmp_path: Path) -> None:
    a = feed(tmp_path / "in", "a.nmea", "one\n")
    b = feed(tmp_path / "in", "b.nmea", "two\n")
    record_all(tmp_path / "out", [b, a])
    table = manifest.read_manifest(tmp_path / "out")
    assert list(table.columns) == c.MANIFEST_COLUMNS
    assert table[c.FILE_PATH].tolist() == [str(a.resolve()), str(b.resolve())]
    assert table[c.FILE_SIZE_BYTES].tolist() == [4, 4]
    assert table[c.FILE_MTIME_NS].tolist() == [a.stat().st_mtime_ns, b.stat().st_mtime_ns]
    assert table[c.FILE_SHA256].tolist() == [manifest.sha256_of(a), manifest.sha256_of(b)]
    assert table[c.LINES_READ].tolist() == [7, 7]
    assert json.loads(table[c.POSITIONS_BY_DAY_JSON].iloc[0]) == {DAY.isoformat(): 2}
    assert table[c.SCREENING_DAY].tolist() == [DAY.isoformat()] * 2
    before = snapshot(tmp_path / "out")
    record_all(tmp_path / "out", [a, b])  # nothing new: the manifest stays the same bytes
    assert snapshot(tmp_path / "out") == before


def test_add_accounts_adds_counts_key_by_key_nested_tables_too() -> None:
    first = {"ingest": {"lines_read": 10, "quarantined": {"bad_checksum": 2}}, "positions": 5}
    second = {"ingest": {"lines_read": 4, "quarantined": {"bad_checksum": 1, "no_time": 3}},
              "positions": 1}
    assert manifest.add_accounts([first, second]) == {
        "ingest": {"lines_read": 14, "quarantined": {"bad_checksum": 3, "no_time": 3}},
        "positions": 6}
    assert manifest.add_accounts([]) == {}


def test_positions_by_file_counts_each_file_s_positions_per_utc_day() -> None:
    rows = pd.concat([positions(DAY, 3, source="a.nmea", minute0=24 * 60 - 2),  # 2 today, 1 after
                      positions(DAY, 2, source="b.nmea")], ignore_index=True)
    rows[c.SOURCE_FILE] = rows[c.SOURCE_FILE].astype("string")  # as ingest gives it
    assert manifest.positions_by_file(rows) == {
        "a.nmea": {"2026-11-22": 2, "2026-11-23": 1}, "b.nmea": {"2026-11-22": 2}}
