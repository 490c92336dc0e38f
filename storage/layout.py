"""Where things are in the store: partitions, the staging area of a run, the lock.

::

    <out>/<table>/date=YYYY-MM-DD/part-0.parquet   a day's partition
    <out>/<table>/part-0.parquet                   a table kept whole (the ingest manifest)
    <out>/reports/risk_report_YYYY-MM-DD.html       a day's report
    <out>/.lock                                     held by the run writing the store
    <out>/.staging/<run>/...                        what a run has written so far, laid out as
                                                    the store itself (not yet committed)
    <out>/.staging/<run>.journal                    the run's commit: the files to move into place

A folder laid out as the store under ``<out>/.staging/`` is a *staged store*: writing to it
stages, reading from it reads the staged file where there is one and the store's otherwise.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from vessel_risk.common import columns as c

STAGING = ".staging"
LOCK = ".lock"
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
    """The file ``relative`` (to the store) as a reader of ``out`` sees it: staged if staged,
    else the store's; None when neither exists."""
    here = Path(out) / relative
    if here.exists():
        return here
    if is_staged(out):
        there = store_of(out) / relative
        if there.exists():
            return there
    return None


def make_dirs(path: Path) -> None:
    """``path`` and its parents, with the usual permissions."""
    os.makedirs(path, mode=DIR_MODE, exist_ok=True)
