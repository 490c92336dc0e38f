from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from vessel_risk import storage
from vessel_risk.common import columns as c
from vessel_risk.common.errors import StorageError

DAY = date(2026, 11, 22)


def frame(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame({c.MMSI: range(n), c.TIMESTAMP: pd.date_range("2026-11-22", periods=n,
                                                                        freq="h", tz="UTC")})


def test_write_partition_uses_hive_layout_and_reads_back_with_date(tmp_path: Path) -> None:
    path = storage.write_partition(frame(), tmp_path, storage.EVENTS, DAY)
    assert path == tmp_path / "events" / "date=2026-11-22"
    back = storage.read_partition(tmp_path, storage.EVENTS, DAY)
    assert back[c.DATE].tolist() == [DAY] * 3
    assert back[c.MMSI].tolist() == [0, 1, 2]


def test_write_partition_twice_gives_byte_identical_file(tmp_path: Path) -> None:
    path = storage.write_partition(frame(), tmp_path, storage.EVENTS, DAY) / "part-0.parquet"
    first = path.read_bytes()
    storage.write_partition(frame(), tmp_path, storage.EVENTS, DAY)
    assert path.read_bytes() == first


def test_write_partition_replaces_the_day_and_leaves_no_temporary_folder(tmp_path: Path) -> None:
    storage.write_partition(frame(5), tmp_path, storage.EVENTS, DAY)
    storage.write_partition(frame(2), tmp_path, storage.EVENTS, DAY)
    assert len(storage.read_partition(tmp_path, storage.EVENTS, DAY)) == 2
    assert [p.name for p in (tmp_path / "events").iterdir()] == ["date=2026-11-22"]


def test_write_partition_keeps_old_partition_when_writing_fails(tmp_path: Path) -> None:
    storage.write_partition(frame(2), tmp_path, storage.EVENTS, DAY)
    bad = pd.DataFrame({c.MMSI: [object()]})  # pyarrow cannot convert it
    with pytest.raises(StorageError, match="events"):
        storage.write_partition(bad, tmp_path, storage.EVENTS, DAY)
    assert len(storage.read_partition(tmp_path, storage.EVENTS, DAY)) == 2
    assert [p.name for p in (tmp_path / "events").iterdir()] == ["date=2026-11-22"]


def test_write_by_day_splits_rows_by_utc_day_and_writes_empty_days(tmp_path: Path) -> None:
    rows = pd.DataFrame({c.MMSI: [1, 2], c.TIMESTAMP: pd.to_datetime(
        ["2026-11-21T23:59:00Z", "2026-11-22T00:01:00Z"])})
    storage.write_by_day(rows, tmp_path, storage.POSITIONS, [date(2026, 11, 20), date(2026, 11, 21), DAY])
    assert storage.available_days(tmp_path, storage.POSITIONS) == [
        date(2026, 11, 20), date(2026, 11, 21), DAY]
    assert storage.read_partition(tmp_path, storage.POSITIONS, DAY)[c.MMSI].tolist() == [2]
    assert len(storage.read_partition(tmp_path, storage.POSITIONS, date(2026, 11, 20))) == 0


def test_read_partition_names_the_missing_day(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="2026-11-22"):
        storage.read_partition(tmp_path, storage.RISK_LISTS, DAY)
