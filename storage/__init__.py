"""Hive-style day partitions under the output folder, written atomically.

``<out>/<table>/date=YYYY-MM-DD/part-0.parquet``. A partition is written to a temporary folder
beside it and moved into place with a rename, so a crashed run never leaves half a partition, and a
re-run of a day replaces that day's partition whole. The ``date`` column lives in the folder name,
not in the file; readers add it back as a real date.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vessel_risk.common import columns as c
from vessel_risk.common.errors import StorageError

POSITIONS = "positions"
STATICS = "statics"
QUARANTINE = "quarantine"
EVENTS = "events"
FEATURES = "features"
RISK_LISTS = "risk_lists"
VESSELS = "vessels"  # descriptive columns per vessel and day, kept so a day can be rescored
# learned context (features.anchorages, features.coverage), kept day by day
ANCHORAGE_EVIDENCE = "anchorage_evidence"  # vessels lying still, per day and cell: grows daily
ANCHORAGES = "anchorages"  # the anchorages known as of the day (all evidence up to it)
COVERAGE = "coverage"  # fixes heard per coverage cell and hour

_FILE = "part-0.parquet"
_COMPRESSION = "zstd"


def partition_dir(out: Path, table: str, day: date) -> Path:
    return Path(out) / table / f"{c.DATE}={day.isoformat()}"


def write_partition(frame: pd.DataFrame, out: Path, table: str, day: date) -> Path:
    """Write ``frame`` as the ``day`` partition of ``table``, replacing any earlier one."""
    target = partition_dir(out, table, day)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = frame.drop(columns=[c.DATE], errors="ignore")
    try:
        table_ = pa.Table.from_pandas(data, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise StorageError(f"cannot convert {table} for {day.isoformat()} to Parquet: {exc}") from exc
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        pq.write_table(table_, staging / _FILE, compression=_COMPRESSION)
        if target.exists():
            trash = target.with_name(f".{target.name}.old")
            shutil.rmtree(trash, ignore_errors=True)
            os.replace(target, trash)
            os.replace(staging, target)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise StorageError(f"cannot write {target}: {exc}") from exc
    return target


def write_by_day(frame: pd.DataFrame, out: Path, table: str, days: Iterable[date]) -> list[Path]:
    """Split ``frame`` by the UTC day of its timestamp and write one partition per day in ``days``.

    Every day in ``days`` is written, empty if no row falls on it, so a re-run replaces it.
    """
    by_day = frame[c.TIMESTAMP].dt.date if len(frame) else pd.Series([], dtype=object)
    return [
        write_partition(frame.loc[by_day == day].reset_index(drop=True), out, table, day)
        for day in sorted(set(days))
    ]


def read_partition(out: Path, table: str, day: date,
                   columns: list[str] | None = None) -> pd.DataFrame:
    """One day's partition, with its ``date`` column (and only ``columns``, if given)."""
    path = partition_dir(out, table, day) / _FILE
    if not path.exists():
        raise StorageError(f"no {table} for {day.isoformat()} under {out} (looked for {path})")
    try:
        frame = pq.read_table(path, columns=columns).to_pandas()
    except (OSError, pa.ArrowException) as exc:
        raise StorageError(f"cannot read {path}: {exc}") from exc
    frame.insert(0, c.DATE, pd.Series([day] * len(frame), dtype=object))
    return frame


def read_days(out: Path, table: str, days: Iterable[date],
              columns: list[str] | None = None) -> pd.DataFrame:
    """Several days' partitions concatenated (days without a partition are skipped), with only
    ``columns`` (and ``date``) if given."""
    frames = [
        read_partition(out, table, day, columns)
        for day in sorted(set(days))
        if (partition_dir(out, table, day) / _FILE).exists()
    ]
    frames = [f for f in frames if len(f)] or frames[:1]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def available_days(out: Path, table: str) -> list[date]:
    """The days that have a partition of ``table``, oldest first."""
    root = Path(out) / table
    if not root.exists():
        return []
    prefix = f"{c.DATE}="
    return sorted(
        date.fromisoformat(p.name[len(prefix):])
        for p in root.iterdir()
        if p.is_dir() and p.name.startswith(prefix) and (p / _FILE).exists()
    )
