"""Retries for the tasks that touch the outside world (files, the store), and only for failures
that a second try can cure.

A missing file, a permission refused or a registry that breaks its contract fails at once: a
retry would only make the user wait. A timeout, a dropped network mount or a disk briefly full is
retried after a growing pause.
"""

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from prefect import Task, task
from prefect.cache_policies import NO_CACHE

from vessel_risk.common.errors import VesselRiskError

P = ParamSpec("P")
R = TypeVar("R")

IO_RETRIES = 3
# Seconds before each retry: a mount or disk that comes back does so within a minute.
IO_RETRY_DELAYS_S = [2.0, 10.0, 30.0]
_PERMANENT = (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError)


def is_transient(exc: BaseException | None) -> bool:
    """An OS-level failure (or a product error caused by one) that is not about the path itself."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError):
            return not isinstance(exc, _PERMANENT)
        if not isinstance(exc, VesselRiskError):
            return False
        exc, seen = exc.__cause__, seen + 1
    return False


def retry_if_transient(_task: Any, _task_run: Any, state: Any) -> bool:
    """Prefect's ``retry_condition_fn``: retry only transient failures."""
    data = getattr(state, "data", None)
    if not isinstance(data, BaseException):
        try:
            data = state.result(raise_on_failure=False)
        except Exception:  # a state whose result cannot be read: do not retry
            return False
    return is_transient(data) if isinstance(data, BaseException) else False


def io_task(fn: Callable[P, R]) -> Task[P, R]:
    """A task that reads or writes files: retried with back-off on transient failures, never
    cached, its return value not persisted (the flow's summary is)."""
    return task(cache_policy=NO_CACHE, persist_result=False, retries=IO_RETRIES,
                retry_delay_seconds=IO_RETRY_DELAYS_S, retry_condition_fn=retry_if_transient)(fn)


def compute_task(fn: Callable[P, R]) -> Task[P, R]:
    """A task that only computes: no retries (the same input fails the same way)."""
    return task(cache_policy=NO_CACHE, persist_result=False)(fn)
