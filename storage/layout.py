"""Where things are in the store: partitions, the staging area of a run, the lock.

::

    <out>/<table>/date=YYYY-MM-DD/part-0.parquet   a day's partition
    <out>/<table>/part-0.parquet                   a table kept whole (the ingest manifest)
    <out>/reports/risk_report_YYYY-MM-DD.html       a day's report
    <out>/.lock                                     held by the run writing the store
    <out>/.commit.lock                              held by a commit being applied (exclusive)
                                                    and by readers (shared)
    <out>/.staging/<run>/...                        what a run has written so far, laid out as
                                                    the store itself (not yet committed)
    <out>/.staging/<run>.journal                    the run's commit: the files to move into place

A folder laid out as the store under ``<out>/.staging/`` is a *staged store*: writing to it
stages, reading from it reads the staged file where there is one and the store's otherwise.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from vessel_risk.common import columns as c

STAGING = ".staging"
LOCK = ".lock"
COMMIT_LOCK = ".commit.lock"  # held exclusively while a commit is applied, shared by readers
JOURNAL_SUFFIX = ".journal"
PART_FILE = "part-0.parquet"
# Folders and files are created with the usual permissions (the umask then applies: 0755 and
# 0644 under the common 022), so an officer's account or a web server can read the store.
DIR_MODE = 0o777
FILE_MODE = 0o666


def partition_dir(out: Path, table: str, day: date) -> Path:
    return Path(out) / table / f"{c.DATE}={day.isoformat()}"


def is_staged(out: Path) -> bool:
    """Whether ``out`` is a run's staged store (``<store>/.staging/<run>``)."""
    return Path(out).parent.name == STAGING


def store_of(out: Path) -> Path:
    """The store a staged store belongs to (``out`` itself for a store)."""
    out = Path(out)
    return out.parent.parent if is_staged(out) else out


def final_path(path: Path, staged: Path) -> Path:
    """Where ``path``, written under the staged store ``staged``, lands when the run commits."""
    return store_of(staged) / Path(path).relative_to(staged)


def located(out: Path, relative: Path) -> Path | None:
    """The file ``relative`` (to the store) as a reader of ``out`` sees it; None when there is
    none. In a staged store: the staged file, else the store's. In a store: the file of a
    committed run not yet applied (its journal lists it), else the store's, so a reader never
    sees half a commit."""
    out = Path(out)
    if is_staged(out):
        for path in (out / relative, store_of(out) / relative):
            if path.exists():
                return path
        return None
    pending = committed_file(out, relative)
    if pending is not None:
        return pending
    here = out / relative
    return here if here.exists() else None


def committed_file(out: Path, relative: Path) -> Path | None:
    """The staged file of a committed, not yet applied, run that will replace ``relative``."""
    return committed_files(out).get(str(relative))


def committed_files(out: Path) -> dict[str, Path]:
    """Relative path -> staged file, for every file of a committed run not applied yet (none
    once the next writer has started: it applies them)."""
    staging = Path(out) / STAGING
    if not staging.is_dir():
        return {}
    found: dict[str, Path] = {}
    for journal in sorted(staging.glob(f"*{JOURNAL_SUFFIX}")):
        try:
            files = json.loads(journal.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # being deleted, or not ours to read
        run = journal.with_name(journal.name[: -len(JOURNAL_SUFFIX)])
        for name in files:
            if (run / name).exists():
                found[name] = run / name
    return found


def make_dirs(path: Path) -> None:
    """``path`` and its parents, with the usual permissions."""
    os.makedirs(path, mode=DIR_MODE, exist_ok=True)
