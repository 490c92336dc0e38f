"""The tables that only grow: rows merge into their day, each distinct row once, in one order."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from tests.storage.builders import positions, snapshot
from vessel_risk import storage
from vessel_risk.common import columns as c
from vessel_risk.storage.merge import distinct_sorted, merged

DAY1, DAY2, DAY3 = date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)


def rows_per_day(out: Path) -> dict[date, int]:
    return {d: len(storage.read_partition(out, storage.POSITIONS, d))
            for d in storage.available_days(out, storage.POSITIONS)}


def test_merge_by_day_adds_late_rows_to_the_stored_day_instead_of_replacing_it(
        tmp_path: Path) -> None:
    storage.merge_by_day(positions(DAY1, 100), tmp_path, storage.POSITIONS, [DAY1])
    late = positions(DAY1, 5, minute0=600)  # five late lines for day 1 ...
    day2 = pd.concat([positions(DAY2, 50), late], ignore_index=True)  # ... in day 2's file
    storage.merge_by_day(day2, tmp_path, storage.POSITIONS, [DAY1, DAY2])
    assert rows_per_day(tmp_path) == {DAY1: 105, DAY2: 50}


def test_merge_by_day_over_three_days_with_stragglers_only_grows_and_is_idempotent(
        tmp_path: Path) -> None:
    feeds = [positions(DAY1, 200),
             pd.concat([positions(DAY2, 200), positions(DAY1, 10, minute0=1000)]),
             pd.concat([positions(DAY3, 200), positions(DAY2, 7, minute0=1000),
                        positions(DAY1, 3, minute0=1200)])]
    counts = []
    for feed in feeds:
        storage.merge_by_day(feed, tmp_path, storage.POSITIONS, set(feed[c.TIMESTAMP].dt.date))
        counts.append(rows_per_day(tmp_path))
    assert counts == [{DAY1: 200}, {DAY1: 210, DAY2: 200}, {DAY1: 213, DAY2: 207, DAY3: 200}]
    before = snapshot(tmp_path)
    for feed in feeds:  # every file read again: nothing changes, to the byte
        storage.merge_by_day(feed, tmp_path, storage.POSITIONS, set(feed[c.TIMESTAMP].dt.date))
    assert snapshot(tmp_path) == before


def test_merge_by_day_gives_the_same_bytes_whatever_order_the_rows_came_in(
        tmp_path: Path) -> None:
    one, two = positions(DAY1, 30), positions(DAY1, 30, minute0=15, mmsi0=211000001)
    storage.merge_by_day(one, tmp_path / "a", storage.POSITIONS, [DAY1])
    storage.merge_by_day(two, tmp_path / "a", storage.POSITIONS, [DAY1])
    storage.merge_by_day(pd.concat([two, one]), tmp_path / "b", storage.POSITIONS, [DAY1])
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_merge_by_day_leaves_a_stored_day_without_new_rows_untouched(tmp_path: Path) -> None:
    storage.merge_by_day(positions(DAY1, 10), tmp_path, storage.POSITIONS, [DAY1])
    file = storage.partition_dir(tmp_path, storage.POSITIONS, DAY1) / "part-0.parquet"
    stamp = file.stat().st_mtime_ns
    storage.merge_by_day(positions(DAY2, 10), tmp_path, storage.POSITIONS, [DAY1, DAY2])
    assert file.stat().st_mtime_ns == stamp
    assert rows_per_day(tmp_path) == {DAY1: 10, DAY2: 10}


def test_merge_by_day_writes_an_empty_partition_for_a_new_day_without_rows(
        tmp_path: Path) -> None:
    storage.merge_by_day(positions(DAY1, 3), tmp_path, storage.POSITIONS, [DAY1, DAY2])
    assert rows_per_day(tmp_path) == {DAY1: 3, DAY2: 0}


def test_merged_keeps_one_of_each_exact_duplicate_and_keeps_near_duplicates() -> None:
    base = positions(DAY1, 4)
    near = base.iloc[[0]].assign(**{c.LINE_NO: 99})  # same fix, another line: not a duplicate
    result = merged(base, pd.concat([base.iloc[[1, 2]], near]), [c.MMSI, c.TIMESTAMP])
    assert len(result) == 5
    assert result[c.LINE_NO].tolist().count(99) == 1


def test_distinct_sorted_orders_by_keys_then_the_other_columns_and_leaves_input_alone() -> None:
    frame = positions(DAY1, 6).iloc[::-1].reset_index(drop=True)
    copy = frame.copy()
    result = distinct_sorted(frame, [c.MMSI, c.TIMESTAMP])
    pd.testing.assert_frame_equal(frame, copy)
    assert result[[c.MMSI, c.TIMESTAMP]].apply(tuple, axis=1).is_monotonic_increasing


def test_a_day_stored_from_files_named_out_of_order_and_missing_sorts_as_plain_text(
        tmp_path: Path) -> None:
    """The input-file column goes to Arrow through its distinct values: it must sort, tie-break,
    drop duplicates and read back exactly as the plain text column did."""
    frame = pd.concat([positions(DAY1, 6), positions(DAY1, 6)], ignore_index=True)
    frame[c.SOURCE_FILE] = pd.array(["b.nmea", "a.nmea", None, "é.nmea", "b.nmea", "a.nmea"] * 2,
                                    dtype="string")
    frame.loc[6:, c.MMSI] = frame.loc[:5, c.MMSI].to_numpy()  # every row twice, same time ...
    frame.loc[9, c.SOURCE_FILE] = "0.nmea"  # ... one of them heard in another file
    storage.merge_by_day(frame, tmp_path / "encoded", storage.POSITIONS, [DAY1])
    storage.write_partition(distinct_sorted(frame, [c.MMSI, c.TIMESTAMP]), tmp_path / "plain",
                            storage.POSITIONS, DAY1)
    stored = storage.read_partition(tmp_path / "encoded", storage.POSITIONS, DAY1)
    assert len(stored) == 7 and stored[c.SOURCE_FILE].dtype == "string"
    assert stored[c.SOURCE_FILE].fillna("-").tolist() == [  # by vessel, time, ..., then file
        "b.nmea", "0.nmea", "é.nmea", "a.nmea", "b.nmea", "-", "a.nmea"]
    assert snapshot(tmp_path / "encoded") == snapshot(tmp_path / "plain")
