"""A run of the store: lock, recover what an interrupted run left, stage, commit.

::

    with transaction(out, params) as staged:
        ...write and read through ``staged``...
    # committed here, when the block ends without an exception; discarded otherwise

Nothing reaches the store before the block ends. A run that fails leaves the store as it was, and
a run that created the output folder and fails removes it again (so "nothing was written" holds).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vessel_risk.common.errors import ConfigError
from vessel_risk.storage import journal, layout, lock


@dataclass(frozen=True)
class StoreParams:
    """How runs share the store."""

    # Seconds a run waits for another run on the same output folder to finish before it gives
    # up with an error. A daily run on this machine takes under a minute to a few minutes; ten
    # minutes lets a scheduled run wait out a manual one without hanging for ever on a stuck one.
    lock_timeout_s: float = 600.0
    # Flush committed files and the journal to disk (fsync). Off, a crash of the process still
    # leaves a whole run or none, but a power cut may not; only for throw-away stores.
    fsync: bool = True
    # Skip hashing an input file whose path, size and modification time match one already in
    # the ingest manifest. Off (the default), every input file is hashed and a file is skipped
    # only when its content hash matches too: a file rewritten with the same size within the
    # file system's timestamp resolution is still read again.
    trust_file_stat: bool = False

    def __post_init__(self) -> None:
        if self.lock_timeout_s < 0:
            raise ConfigError(f"lock_timeout_s must not be negative, got {self.lock_timeout_s}")


@contextmanager
def transaction(out: Path, params: StoreParams = StoreParams()) -> Iterator[Path]:
    """The block writes to the staged store it is given; it lands in ``out`` as one commit."""
    out = Path(out)
    existed = out.exists()
    with lock.locked(out, params.lock_timeout_s):
        with lock.committing(out, params.lock_timeout_s):
            journal.recover(out, params.fsync)
        staged = journal.begin(out)
        committed = False
        try:
            yield staged
            with lock.committing(out, params.lock_timeout_s):
                journal.commit(staged, params.fsync)
            committed = True
        finally:
            journal.discard(staged)
            if not existed and not committed:
                _remove_if_empty(out)


def recover(out: Path, params: StoreParams = StoreParams()) -> journal.Recovery:
    """Under the lock: finish or undo what interrupted runs left (without starting a run)."""
    with lock.locked(Path(out), params.lock_timeout_s), \
            lock.committing(Path(out), params.lock_timeout_s):
        return journal.recover(Path(out), params.fsync)


def _remove_if_empty(out: Path) -> None:
    """Remove the folder a failed run created, if it holds nothing but the run's own traces."""
    staging = out / layout.STAGING
    if staging.is_dir() and not any(staging.iterdir()):
        staging.rmdir()
    if {p.name for p in out.iterdir()} <= {layout.LOCK, layout.COMMIT_LOCK}:
        (out / layout.COMMIT_LOCK).unlink(missing_ok=True)
        (out / layout.LOCK).unlink(missing_ok=True)
        try:
            os.rmdir(out)
        except OSError:
            pass
