"""Hive-style day partitions under the output folder.

``<out>/<table>/date=YYYY-MM-DD/part-0.parquet``. The ``date`` column lives in the folder name,
not in the file; readers add it back as a real date.

A run writes through a *staged store* (:mod:`storage.transaction`): every partition it writes
lands under ``<out>/.staging/<run>/`` and the whole run is committed at once, so a crash leaves
the store as it was before the run or as it is after it. Positions, statics and quarantine rows
*merge* into their day's partition (:func:`merge_by_day`): the store only grows. Other tables are
recomputed and replace their day whole (:func:`write_partition`). Written straight to a store
(not staged), a partition file is replaced in one rename, so a reader sees the old file or the new
one, never none.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vessel_risk.common import columns as c
from vessel_risk.common.days import day_numbers
from vessel_risk.common.errors import StorageError
from vessel_risk.storage import layout, merge
from vessel_risk.storage.layout import PART_FILE, partition_dir
from vessel_risk.storage.lock import reading

__all__ = ["partition_dir", "reading", "write_partition", "merge_by_day", "write_by_day", "read_partition",
           "read_days", "available_days", "read_file", "write_file"]

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

# The tables that only grow, and the natural keys their rows are sorted by.
GROWING_KEYS = {POSITIONS: merge.POSITION_KEYS, STATICS: merge.STATIC_KEYS,
                QUARANTINE: merge.QUARANTINE_KEYS}

_COMPRESSION = "zstd"
_FILE = PART_FILE


def write_file(frame: pd.DataFrame | pa.Table | merge.SortedRows, path: Path, what: str) -> None:
    """``frame`` as the Parquet file ``path``, flushed to disk, replacing it in one rename.
    Sorted rows are gathered and written a slice (one row group) at a time."""
    try:
        if isinstance(frame, merge.SortedRows):
            schema, slices = frame.schema, frame.slices()
        else:
            table = frame if isinstance(frame, pa.Table) else merge.as_table(frame)
            schema, slices = table.schema, iter([table])
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise StorageError(f"cannot convert {what} to Parquet: {exc}") from exc
    layout.make_dirs(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with pq.ParquetWriter(tmp, schema, compression=_COMPRESSION) as writer:
            for piece in slices:
                writer.write_table(piece, row_group_size=merge.SLICE_ROWS)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"cannot write {path}: {exc}") from exc


def read_file(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The file as a DataFrame: each column's Arrow buffers are freed as soon as it is converted,
    and Arrow's allocator gives them back, so a day of millions of rows is not held twice."""
    frame = read_table_file(path, columns).to_pandas(self_destruct=True, split_blocks=True)
    pa.default_memory_pool().release_unused()
    return frame


def read_table_file(path: Path, columns: list[str] | None = None) -> pa.Table:
    try:
        return pq.read_table(path, columns=columns)
    except (OSError, pa.ArrowException) as exc:
        raise StorageError(f"cannot read {path}: {exc}") from exc


def write_partition(frame: pd.DataFrame, out: Path, table: str, day: date) -> Path:
    """Write ``frame`` as the ``day`` partition of ``table``, replacing any earlier one."""
    target = partition_dir(out, table, day)
    write_file(frame.drop(columns=[c.DATE], errors="ignore"), target / _FILE,
               f"{table} for {day.isoformat()}")
    return target


def _stored(out: Path, table: str, day: date) -> Path | None:
    return layout.located(out, partition_dir(Path(""), table, day) / _FILE)


def merge_by_day(frame: pd.DataFrame, out: Path, table: str, days: Iterable[date]) -> list[Path]:
    """Merge ``frame``'s rows into the partitions of their UTC day (by ``timestamp``), for each
    day in ``days``: the stored rows and the new ones, each distinct row once, sorted by the
    table's natural keys then its other columns. A day with nothing stored gets a partition
    (empty if no row falls on it); a stored day that gets no new row is left as it is.
    Returns the partitions written."""
    keys = GROWING_KEYS.get(table, [c.MMSI, c.TIMESTAMP])
    by_day = _day_of_rows(frame)
    written = []
    for day in sorted(set(days)):
        new = _rows_on(frame, by_day, day)
        path = _stored(out, table, day)
        if path is not None and new.empty:
            continue
        what = f"{table} for {day.isoformat()}"
        try:
            rows = merge.encoded_table(new)
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise StorageError(f"cannot convert {what} to Parquet: {exc}") from exc
        existing = read_table_file(path) if path is not None else None
        target = partition_dir(out, table, day)
        write_file(merge.merged_rows(existing, rows, keys), target / _FILE, what)
        written.append(target)
    return written


def write_by_day(frame: pd.DataFrame, out: Path, table: str, days: Iterable[date]) -> list[Path]:
    """Split ``frame`` by the UTC day of its timestamp and replace one partition per day in
    ``days`` with its rows (empty if none): for tables that are recomputed. The tables that
    only grow use :func:`merge_by_day`."""
    by_day = _day_of_rows(frame)
    return [write_partition(_rows_on(frame, by_day, day), out, table, day)
            for day in sorted(set(days))]


def _day_of_rows(frame: pd.DataFrame) -> np.ndarray:
    if frame.empty:
        return np.zeros(0, dtype="datetime64[D]")
    return day_numbers(frame[c.TIMESTAMP])


def _rows_on(frame: pd.DataFrame, by_day: np.ndarray, day: date) -> pd.DataFrame:
    """The rows of ``frame`` whose day (``by_day``) is ``day``, without a ``date`` column; no
    copy of the rows when all of them fall on it (a day's ingest usually does). The index is
    not kept (Parquet files here are written without it)."""
    on = by_day == np.datetime64(day, "D")
    rows = frame if bool(on.all()) else frame.loc[on]
    return rows.drop(columns=[c.DATE]) if c.DATE in rows.columns else rows


def read_partition(out: Path, table: str, day: date,
                   columns: list[str] | None = None, with_date: bool = True) -> pd.DataFrame:
    """One day's partition, with its ``date`` column unless ``with_date`` is False (and only
    ``columns``, if given)."""
    frame = None
    for _ in range(2):  # a file of a commit being applied moves once, from staging to the store
        path = _stored(out, table, day)
        if path is None:
            break
        try:
            frame = read_file(path, columns)
            break
        except StorageError:
            if path.exists():
                raise
    if frame is None:
        looked = partition_dir(layout.store_of(out), table, day) / _FILE
        raise StorageError(f"no {table} for {day.isoformat()} under {layout.store_of(out)} "
                           f"(looked for {looked})")
    if with_date:
        frame.insert(0, c.DATE, pd.Series([day] * len(frame), dtype=object))
    return frame


def read_days(out: Path, table: str, days: Iterable[date],
              columns: list[str] | None = None, with_date: bool = True) -> pd.DataFrame:
    """Several days' partitions concatenated (days without a partition are skipped), with only
    ``columns`` (and ``date``, unless ``with_date`` is False) if given."""
    frames = [read_partition(out, table, day, columns, with_date) for day in sorted(set(days))
              if _stored(out, table, day) is not None]
    frames = [f for f in frames if len(f)] or frames[:1]
    if not frames:
        return pd.DataFrame()
    if len(frames) == 1:
        return frames[0]  # no copy: one day of a store may be millions of rows
    return pd.concat(frames, ignore_index=True)


def available_days(out: Path, table: str) -> list[date]:
    """The days that have a partition of ``table``, oldest first."""
    roots = [Path(out) / table]
    if layout.is_staged(out):
        roots.append(layout.store_of(out) / table)
    prefix = f"{c.DATE}="
    found: set[date] = set()
    if not layout.is_staged(out):  # a committed run not applied yet
        for name in layout.committed_files(out):
            parts = Path(name).parts
            if len(parts) == 3 and parts[0] == table and parts[1].startswith(prefix):
                found.add(date.fromisoformat(parts[1][len(prefix):]))
    for root in roots:
        if not root.exists():
            continue
        found.update(date.fromisoformat(p.name[len(prefix):]) for p in root.iterdir()
                     if p.is_dir() and p.name.startswith(prefix) and (p / _FILE).exists())
    return sorted(found)
