"""A :class:`vessel_risk.common.progress.Reporter` that draws Rich progress lines on the console."""

from __future__ import annotations

import threading

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class RichReporter:
    """One progress line per stage; a finished stage keeps its line with what it did."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(SpinnerColumn(finished_text="[green]done[/]"),
                                 TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), console=console)
        self._tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> RichReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def start(self, stage: str, description: str, total: int | None = None) -> None:
        with self._lock:
            self._tasks[stage] = self.progress.add_task(escape(description), total=total)

    def update(self, stage: str, completed: int, description: str | None = None) -> None:
        with self._lock:
            task = self._tasks.get(stage)
            if task is None:
                return
            if description is None:
                self.progress.update(task, completed=completed)
            else:
                self.progress.update(task, completed=completed, description=escape(description))

    def finish(self, stage: str, description: str) -> None:
        with self._lock:
            task = self._tasks.get(stage)
            if task is None:
                return
            total = self.progress.tasks[task].total
            done = total if total is not None else self.progress.tasks[task].completed or 1
            self.progress.update(task, total=done, completed=done, description=escape(description))
