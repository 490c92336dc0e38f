"""Worker processes for ingest: started cheaply and warm.

How workers start matters on a 2-core machine where ingest of a million lines takes ~3 s:

- A process with no other thread forks its workers: they inherit the imported, warmed-up ingest
  code and cost nothing to start.
- A process with other threads (a Prefect task runs in one) must not fork: a lock held by another
  thread would stay held in the child. Its workers come from a fork server, a clean process that
  imports and warms up ingest once (:mod:`ingest.warm`); :func:`start_fork_server` starts it
  while the caller does other work (reading the first chunks, starting Prefect).
- Spawned workers would import pandas, pyarrow and pyais each (~1 s of CPU apiece): not used.

Ingest also tunes glibc's allocator (:func:`keep_freed_memory`) so that chunk after chunk reuses
freed memory instead of mapping fresh pages.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import importlib
import multiprocessing
import multiprocessing.forkserver
import os
import threading
from concurrent.futures import ProcessPoolExecutor

_WARM_MODULE = "vessel_risk.ingest.warm"
# glibc's mallopt parameters, and the values ingest sets: arrays up to 32 MB (glibc's largest
# mmap threshold) come from the heap, and up to 1 GB freed stays there for the next chunk, instead
# of every chunk's arrays being mapped, page-faulted and unmapped again. Measured on 3M lines:
# ~10% less wall time, a third less kernel time.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD_BYTES = 32 * 2**20
_TRIM_THRESHOLD_BYTES = 2**30


def pool(workers: int, background: bool = False) -> ProcessPoolExecutor:
    """A process pool of ``workers`` ingest workers, started the cheapest safe way.

    ``background``: the workers run at a lower CPU priority (``BACKGROUND_NICENESS``), for an
    ingest started ahead while something the caller waits on (Prefect's server starting) needs
    the cores more; with idle cores they run as fast as ever.
    """
    context: multiprocessing.context.BaseContext
    if can_fork():
        importlib.import_module(_WARM_MODULE)  # once per process: the forked workers start warm
        context = multiprocessing.get_context("fork")
    else:
        context = _fork_server()
    if background:
        return ProcessPoolExecutor(workers, mp_context=context, initializer=_lower_priority)
    return ProcessPoolExecutor(workers, mp_context=context)


# Added to a background worker's niceness: below the starting server, above nothing that matters
BACKGROUND_NICENESS = 10


def _lower_priority() -> None:
    if hasattr(os, "nice"):
        os.nice(BACKGROUND_NICENESS)


def can_fork() -> bool:
    """Whether workers may be forked from this process: no other thread is running."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def start_fork_server() -> None:
    """Start the fork server now; it imports and warms up ingest while the caller goes on, and
    stays up for every later ingest of this process."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        _fork_server()
        multiprocessing.forkserver.ensure_running()


@functools.cache
def keep_freed_memory() -> None:
    """Tune glibc's allocator for ingest, once per process (inherited by forked workers).

    A process-wide setting: the process keeps up to 1 GB of freed memory for reuse. Nothing
    happens where the C library has no ``mallopt`` (not glibc).
    """
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    if hasattr(libc, "mallopt"):
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES)
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD_BYTES)


def _fork_server() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([_WARM_MODULE])
    return context
