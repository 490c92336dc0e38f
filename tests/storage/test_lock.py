"""One writer at a time: the store's lock."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from vessel_risk.common.errors import StoreLockedError
from vessel_risk.storage import lock


def hold(out: str, seconds: float, ready: object) -> None:
    with lock.locked(Path(out), 5):
        ready.set()  # type: ignore[attr-defined]
        time.sleep(seconds)


def holder(out: Path, seconds: float) -> multiprocessing.process.BaseProcess:
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    process = context.Process(target=hold, args=(str(out), seconds, ready))
    process.start()
    assert ready.wait(10)
    return process


def test_locked_waits_for_the_holder_to_finish(tmp_path: Path) -> None:
    process = holder(tmp_path, 1.0)
    start = time.monotonic()
    with lock.locked(tmp_path, 10):
        waited = time.monotonic() - start
    process.join()
    assert 0.5 < waited < 5


def test_locked_times_out_with_an_error_naming_the_folder(tmp_path: Path) -> None:
    process = holder(tmp_path, 3.0)
    try:
        with pytest.raises(StoreLockedError, match=str(tmp_path)), lock.locked(tmp_path, 0.3):
            pass
    finally:
        process.join()


def test_lock_is_released_when_its_holder_is_killed(tmp_path: Path) -> None:
    process = holder(tmp_path, 60)
    process.kill()
    process.join()
    with lock.locked(tmp_path, 2):
        pass


def test_a_waiter_does_not_keep_a_removed_lock_file(tmp_path: Path) -> None:
    fd = lock.acquire(tmp_path, 1)
    (tmp_path / ".lock").unlink()  # the holder removes it (a failed first run)
    import os

    os.close(fd)
    with lock.locked(tmp_path, 1):
        assert (tmp_path / ".lock").exists()
