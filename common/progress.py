"""Where a running job reports its progress, so the CLI can show it while flows stay thin.

Flows and tasks call :func:`current` and report to whatever the caller installed with
:func:`reporting`; with nothing installed (a served run, a test) reports go nowhere. Tasks run in
threads of the caller's process, so one process-wide reporter is enough; tasks on other processes
(Dask workers) report nothing, and the flow reports their completion instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

INGEST = "ingest"
SCREENING = "screening"
SCORING = "scoring"
DAYS = "days"


class Reporter(Protocol):
    def start(self, stage: str, description: str, total: int | None = None) -> None:
        """A stage begins; ``total`` is the count it goes up to, when known."""

    def update(self, stage: str, completed: int, description: str | None = None) -> None:
        """The stage has got as far as ``completed``."""

    def finish(self, stage: str, description: str) -> None:
        """The stage is done; ``description`` says what it did."""


class Silent:
    """Reports go nowhere."""

    def start(self, stage: str, description: str, total: int | None = None) -> None:
        pass

    def update(self, stage: str, completed: int, description: str | None = None) -> None:
        pass

    def finish(self, stage: str, description: str) -> None:
        pass


_current: Reporter = Silent()


def current() -> Reporter:
    return _current


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Send reports to ``reporter`` for the duration of the block."""
    global _current
    before, _current = _current, reporter
    try:
        yield reporter
    finally:
        _current = before
