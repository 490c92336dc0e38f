"""Paths and helpers shared by tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SAMPLE = REPO / "data" / "sample"


def shared_file(*parts: str) -> Path:
    """A file of ../shared/data, or skip the test when it is absent (a user's own clone)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


def wait_for(condition: Callable[[], bool], timeout_s: float) -> bool:
    """Whether ``condition()`` holds within ``timeout_s`` (asked every 0.1 s, and once more at
    the end)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


def command_line(process: psutil.Process) -> str:
    """``process``'s command line, or "" once it has exited (a child can end, and turn zombie,
    between being listed and being read)."""
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those of ``processes`` still running (a zombie, dead but not yet reaped, is not)."""
    return [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
