"""A run's writes land together or not at all.

A run stages every file it writes under ``<out>/.staging/<run>/`` (the same file system as the
store, laid out as the store). To commit, it writes the list of those files to
``<run>.journal.tmp``, flushes it and renames it to ``<run>.journal``: that rename is the commit
point. It then moves each staged file over its target with one ``os.replace`` per file (a reader
of a partition sees the old file or the new one, never none), and deletes the journal.

Whoever writes the store next (under the store's lock) first calls :func:`recover`: a complete
journal is applied again (roll forward: a file already moved is skipped, so applying twice is
applying once), a staging folder without a journal is deleted (roll back), and any other leftover
(a half-written journal, the hidden temporary files and folders of older versions) is removed.
So after a crash at any point the store is, once the next writer has started, exactly as it was
before the run or as it would be after it.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from vessel_risk.common.errors import StorageError
from vessel_risk.storage import layout

_JOURNAL_FORMAT = 1


@dataclass(frozen=True)
class Recovery:
    """What :func:`recover` found: runs rolled forward, runs rolled back, leftovers removed."""

    rolled_forward: int = 0
    rolled_back: int = 0
    leftovers: int = 0


def begin(out: Path) -> Path:
    """A new, empty staged store for one run of ``out``."""
    staging = Path(out) / layout.STAGING
    layout.make_dirs(staging)
    for _ in range(100):
        run = staging / f"run-{os.getpid()}-{os.urandom(4).hex()}"
        try:
            os.mkdir(run, layout.DIR_MODE)
            return run
        except FileExistsError:
            continue
    raise StorageError(f"cannot create a staging folder under {staging}")


def journal_of(staged: Path) -> Path:
    return staged.with_name(staged.name + layout.JOURNAL_SUFFIX)


def staged_files(staged: Path) -> list[str]:
    """Every file under the staged store, as paths relative to it, sorted; hidden temporary
    files are not part of it."""
    found = []
    for root, dirs, names in os.walk(staged):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if not name.startswith("."):
                found.append(str((Path(root) / name).relative_to(staged)))
    return sorted(found)


def commit(staged: Path, sync: bool = True) -> list[Path]:
    """Commit the run staged under ``staged``: journal, then move every file into the store.
    Returns the store's files written. ``sync`` flushes the staged files and the journal to disk
    first (a power cut, not only a crash, then leaves a whole run or none)."""
    files = staged_files(staged)
    journal = journal_of(staged)
    if sync:
        for name in files:
            _fsync_file(staged / name)
    tmp = journal.with_name(journal.name + ".tmp")
    payload = json.dumps({"format": _JOURNAL_FORMAT, "files": files}, indent=0)
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.replace(tmp, journal)  # the commit point
        if sync:
            _fsync_dir(journal.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"cannot commit the run staged in {staged}: {exc}") from exc
    return apply(journal, sync)


def apply(journal: Path, sync: bool = True) -> list[Path]:
    """Move the journal's staged files into the store (those not moved yet), then delete the
    journal and the staging folder. Idempotent."""
    staged = journal.with_name(journal.name[: -len(layout.JOURNAL_SUFFIX)])
    store = layout.store_of(staged)
    try:
        files = json.loads(journal.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StorageError(f"cannot read the journal {journal}: {exc}") from exc
    written = []
    touched: set[Path] = set()
    try:
        for name in files:
            source, target = staged / name, store / name
            written.append(target)
            if not source.exists():  # moved by an earlier, interrupted apply
                continue
            if not target.parent.exists():
                layout.make_dirs(target.parent)
                touched.add(target.parent.parent)
            os.replace(source, target)
            touched.add(target.parent)
        if sync:
            for folder in sorted(touched):
                _fsync_dir(folder)
        journal.unlink()
    except OSError as exc:
        raise StorageError(f"cannot apply the journal {journal} to {store}: {exc}") from exc
    shutil.rmtree(staged, ignore_errors=True)
    return written


def discard(staged: Path) -> None:
    """Delete an uncommitted staged store (nothing when it was committed: its journal, if any
    is left, is the next writer's to apply)."""
    if not journal_of(staged).exists():
        shutil.rmtree(staged, ignore_errors=True)


def recover(out: Path, sync: bool = True) -> Recovery:
    """Finish or undo what interrupted runs left under ``out`` (call under the store's lock)."""
    out = Path(out)
    staging = out / layout.STAGING
    forward = back = other = 0
    if staging.is_dir():
        for journal in sorted(staging.glob(f"*{layout.JOURNAL_SUFFIX}")):
            apply(journal, sync)
            forward += 1
        for entry in sorted(staging.iterdir()):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
                back += 1
            else:
                entry.unlink(missing_ok=True)
                other += 1
    other += _remove_hidden_leftovers(out)
    return Recovery(forward, back, other)


def _remove_hidden_leftovers(out: Path) -> int:
    """Temporary files and folders a crash left inside tables and partitions (``.name...``)."""
    removed = 0
    for table in out.iterdir() if out.is_dir() else []:
        if not table.is_dir() or table.name.startswith("."):
            continue
        for entry in table.iterdir():
            if entry.name.startswith("."):
                _remove(entry)
                removed += 1
            elif entry.is_dir():
                for inner in entry.iterdir():
                    if inner.name.startswith("."):
                        _remove(inner)
                        removed += 1
    return removed


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
