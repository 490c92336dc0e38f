"""The ingest manifest: each input file is read once.

``<out>/ingest_manifest/part-0.parquet`` holds one row per version of an input file the store has
ingested: its absolute path, size, modification time, SHA-256, the lines ingest read from it, its
positions per day and the screening day of the run that read it. A later run skips a file whose
path, size, modification time and hash are all recorded, so a daily run over a growing feed
folder reads only what is new; a changed file is read again (and its rows merge, de-duplicated).
Each row also keeps the accounts of the ingest that read the file (its *batch*), so a run whose
files were read before reports the same accounts as the run that read them: a re-run's record is
the same bytes. Nothing here is a wall-clock time.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.common.days import day_numbers
from vessel_risk.common.errors import InputError
from vessel_risk.storage import layout, merge, read_file, write_file

MANIFEST = "ingest_manifest"
_HASH_BLOCK_BYTES = 1 << 20  # read size when hashing: large enough to run at disk speed

# A file as it was when hashed: absolute path, size, mtime_ns, inode and ctime_ns. A write, or a
# rename over the path, moves the ctime (to the file system's clock) or the inode on even when
# the size and mtime are put back (os.utime): a file with the same key has not been changed.
HashedKey = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class InputFile:
    """An input file as found now: where it is (as given, and absolute) and its fingerprint."""

    path: Path  # as given (rows keep this in their source_file)
    absolute: str
    size_bytes: int
    mtime_ns: int
    sha256: str | None  # None: not hashed (its stat matched the manifest and stat is trusted)


@dataclass(frozen=True)
class Selection:
    """The input files split into those to read and those the store already holds."""

    new: list[InputFile]
    seen: list[InputFile]
    seen_positions_by_day: dict[date, int]  # the positions of the seen files, per day
    seen_accounts: list[dict[str, Any]]  # the accounts of the ingests that read the seen files


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while block := handle.read(_HASH_BLOCK_BYTES):
                digest.update(block)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    return digest.hexdigest()


MANIFEST_FILE = Path(MANIFEST) / layout.PART_FILE  # relative to the store


def read_manifest(out: Path) -> pd.DataFrame:
    """The manifest as the store (or a staged store) holds it; empty when there is none."""
    path = layout.located(out, MANIFEST_FILE)
    if path is None:
        return empty_manifest()
    return read_file(path)


def empty_manifest() -> pd.DataFrame:
    return pd.DataFrame({
        c.FILE_PATH: pd.Series(dtype=object), c.FILE_SIZE_BYTES: pd.Series(dtype="int64"),
        c.FILE_MTIME_NS: pd.Series(dtype="int64"), c.FILE_SHA256: pd.Series(dtype=object),
        c.LINES_READ: pd.Series(dtype="int64"), c.POSITIONS_BY_DAY_JSON: pd.Series(dtype=object),
        c.SCREENING_DAY: pd.Series(dtype=object), c.INGEST_BATCH: pd.Series(dtype=object),
        c.INGEST_JSON: pd.Series(dtype=object)})


def select(paths: Iterable[Path], out: Path, trust_file_stat: bool = False,
           hashed: dict[HashedKey, str] | None = None) -> Selection:
    """Fingerprint ``paths`` and split them into new files and files already ingested.

    ``hashed``: hashes taken earlier in this process (by an earlier ``select`` given the same
    dict): a file whose stat is the same as when it was hashed is not read again, and every hash
    taken here is added to it."""
    recorded = read_manifest(out)
    by_fingerprint = {(r.path, int(r.size_bytes), int(r.mtime_ns), r.sha256): r
                      for r in recorded.itertuples()}
    by_stat = {key[:3]: r for key, r in by_fingerprint.items()}
    new, seen = [], []
    positions: dict[date, int] = {}
    batches: dict[str, dict[str, Any]] = {}
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc}") from exc
        key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)
        if trust_file_stat and key in by_stat:
            digest, row = None, by_stat[key]
        else:
            digest = _hash(Path(path), (*key, stat.st_ino, stat.st_ctime_ns), hashed)
            row = by_fingerprint.get((*key, digest))
        found = InputFile(Path(path), key[0], stat.st_size, stat.st_mtime_ns, digest)
        if row is None:
            new.append(found)
            continue
        seen.append(found)
        batches[row.ingest_batch] = json.loads(row.ingest_json)
        for day, count in json.loads(row.positions_by_day_json).items():
            positions[date.fromisoformat(day)] = positions.get(date.fromisoformat(day), 0) + count
    return Selection(new, seen, positions, [batches[b] for b in sorted(batches)])


def _hash(path: Path, key: HashedKey, hashed: dict[HashedKey, str] | None) -> str:
    """The SHA-256 of ``path``, whose stat gives ``key``: from ``hashed`` when it is there, else
    read (and kept in ``hashed``)."""
    digest = None if hashed is None else hashed.get(key)
    if digest is None:
        digest = sha256_of(path)
        if hashed is not None:
            hashed[key] = digest
    return digest


def positions_by_file(positions: pd.DataFrame) -> dict[str, dict[str, int]]:
    """``source_file`` -> {ISO day: positions} of an ingest's positions table."""
    if positions.empty:
        return {}
    # grouped on day numbers, not on a Python date per row (9 million of them on a large day)
    counts = pd.DataFrame({"source": positions[c.SOURCE_FILE].array,
                           "day": day_numbers(positions[c.TIMESTAMP])}, copy=False
                          ).groupby(["source", "day"], observed=True).size()
    found: dict[str, dict[str, int]] = {}
    for (source, day), count in counts.items():
        found.setdefault(str(source), {})[str(np.datetime64(day, "D"))] = int(count)
    return found


def record(out: Path, files: list[InputFile], lines_by_file: Mapping[str, int],
           positions: pd.DataFrame, screening_day: date,
           accounts: Mapping[str, Any] | None = None) -> None:
    """Add ``files`` (read by one ingest: ``positions`` is its positions table, ``accounts``
    what it counted) to the manifest of ``out`` (a staged store)."""
    if not files:
        return
    per_file = positions_by_file(positions)
    digests = [f.sha256 or sha256_of(f.path) for f in files]
    batch = hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()[:16]
    rows = pd.DataFrame({
        c.FILE_PATH: [f.absolute for f in files],
        c.FILE_SIZE_BYTES: pd.Series([f.size_bytes for f in files], dtype="int64"),
        c.FILE_MTIME_NS: pd.Series([f.mtime_ns for f in files], dtype="int64"),
        c.FILE_SHA256: digests,
        c.LINES_READ: pd.Series([int(lines_by_file.get(str(f.path), 0)) for f in files],
                                dtype="int64"),
        c.POSITIONS_BY_DAY_JSON: [json.dumps(per_file.get(str(f.path), {}), sort_keys=True)
                                  for f in files],
        c.SCREENING_DAY: [screening_day.isoformat()] * len(files),
        c.INGEST_BATCH: [batch] * len(files),
        c.INGEST_JSON: [json.dumps(dict(accounts or {}), sort_keys=True)] * len(files),
    })
    table = merge.merged(read_manifest(out), rows,
                         [c.FILE_PATH, c.FILE_MTIME_NS, c.FILE_SIZE_BYTES, c.FILE_SHA256])
    # a file version read again (an earlier run failed after reading it) keeps one row
    table = table.drop_duplicates([c.FILE_PATH, c.FILE_SIZE_BYTES, c.FILE_MTIME_NS,
                                   c.FILE_SHA256], keep="first", ignore_index=True)
    write_file(table[c.MANIFEST_COLUMNS], Path(out) / MANIFEST_FILE, MANIFEST)


def add_accounts(parts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Accounts of several ingests added up, key by key (nested tables too), keys sorted."""
    total: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, Mapping):
                total[key] = add_accounts([total.get(key, {}), value])
            elif isinstance(value, int | float) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value
            else:
                total.setdefault(key, value)
    return dict(sorted(total.items()))
