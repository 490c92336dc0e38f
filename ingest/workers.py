"""Worker processes for ingest: started cheaply and warm.

How workers start matters on a 2-core machine where ingest of a million lines takes ~3 s:

- A process with no other thread forks its workers: they inherit the imported, warmed-up ingest
  code and cost nothing to start.
- A process with other threads (a Prefect task runs in one) must not fork: a lock held by another
  thread would stay held in the child. Its workers come from a fork server, a clean process that
  imports and warms up ingest once (:mod:`ingest.warm`); :func:`start_fork_server` starts it
  while the caller does other work (reading the first chunks, starting Prefect).
- Spawned workers would import pandas, pyarrow and pyais each (~1 s of CPU apiece): not used.
"""

from __future__ import annotations

import importlib
import multiprocessing
import multiprocessing.forkserver
import threading
from concurrent.futures import ProcessPoolExecutor

_WARM_MODULE = "ingest.warm"


def pool(workers: int) -> ProcessPoolExecutor:
    """A process pool of ``workers`` ingest workers, started the cheapest safe way."""
    context: multiprocessing.context.BaseContext
    if can_fork():
        importlib.import_module(_WARM_MODULE)  # once per process: the forked workers start warm
        context = multiprocessing.get_context("fork")
    else:
        context = _fork_server()
    return ProcessPoolExecutor(workers, mp_context=context)


def can_fork() -> bool:
    """Whether workers may be forked from this process: no other thread is running."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def start_fork_server() -> None:
    """Start the fork server now; it imports and warms up ingest while the caller goes on, and
    stays up for every later ingest of this process."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        _fork_server()
        multiprocessing.forkserver.ensure_running()


def _fork_server() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([_WARM_MODULE])
    return context
