"""One writer at a time per store: an exclusive ``flock`` on ``<out>/.lock``.

The lock belongs to the open file, so it is released when the holder closes it or dies (even by
``kill -9``): a crashed run never leaves the store locked. The lock file may be removed by its
holder (a run that created the store and wrote nothing removes the folder again); a waiter that
then gets the lock on the removed file notices (the path's inode is no longer the one it holds)
and tries again on the new file.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vessel_risk.common.errors import StorageError, StoreLockedError
from vessel_risk.storage import layout

# How often a waiting run tries the lock again: short next to any run, long next to a syscall.
POLL_S = 0.1


@contextmanager
def locked(out: Path, timeout_s: float) -> Iterator[None]:
    """Hold the store's lock for the block, waiting at most ``timeout_s`` seconds for it."""
    fd = acquire(Path(out), timeout_s)
    try:
        yield
    finally:
        os.close(fd)  # releases the lock


def acquire(out: Path, timeout_s: float) -> int:
    """The lock file's descriptor, locked; raises :class:`StoreLockedError` after ``timeout_s``."""
    path = out / layout.LOCK
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            layout.make_dirs(out)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, layout.FILE_MODE)
        except OSError as exc:
            raise StorageError(f"cannot lock the output folder {out} ({path}): {exc}") from exc
        try:
            if _try_lock(fd, deadline) and _still_there(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        if time.monotonic() >= deadline:
            raise StoreLockedError(
                f"the output folder {out} is locked by another run (its lock file {path}); "
                f"waited {timeout_s:g} s. Wait for that run to finish, or raise "
                "[store] lock_timeout_s")


def _try_lock(fd: int, deadline: float) -> bool:
    return _try_flock(fd, fcntl.LOCK_EX, deadline)


def _try_flock(fd: int, kind: int, deadline: float) -> bool:
    while True:
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_S)


def _still_there(fd: int, path: Path) -> bool:
    """Whether the locked file is still the one at ``path`` (not removed meanwhile)."""
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


@contextmanager
def committing(out: Path, timeout_s: float) -> Iterator[None]:
    """Hold the store's commit lock exclusively for the block (a commit being applied): readers
    holding it shared (:func:`reading`) finish first, and none starts meanwhile."""
    layout.make_dirs(out)
    fd = os.open(Path(out) / layout.COMMIT_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                 layout.FILE_MODE)
    try:
        if not _try_flock(fd, fcntl.LOCK_EX, time.monotonic() + timeout_s):
            raise StoreLockedError(
                f"the output folder {out} is being read for longer than {timeout_s:g} s "
                f"(readers hold {Path(out) / layout.COMMIT_LOCK}); raise [store] lock_timeout_s")
        yield
    finally:
        os.close(fd)


@contextmanager
def reading(out: Path) -> Iterator[None]:
    """Read the store in the block without a commit being applied meanwhile (a shared lock on
    the commit lock; commits take a moment). A store that has never been committed to, or one
    this user may not lock, is read without it."""
    try:
        fd = os.open(Path(out) / layout.COMMIT_LOCK, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)
