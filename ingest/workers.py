"""Worker processes for ingest: started cheaply and warm.

How workers start matters on a 2-core machine where ingest of a million lines takes ~3 s:

- A process with no other thread forks its workers: they inherit the imported, warmed-up ingest
  code and cost nothing to start.
- A process with other threads (a Prefect task runs in one) must not fork: a lock held by another
  thread would stay held in the child. Its workers come from a fork server, a clean process that
  imports and warms up ingest once (:mod:`ingest.warm`); :func:`start_fork_server` starts it
  while the caller does other work (reading the first chunks, starting Prefect).
- Spawned workers would import pandas, pyarrow and pyais each (~1 s of CPU apiece): not used.

Every process that frames chunks keeps freed memory for its next chunk
(:func:`common.allocator.reuse_freed_memory`) instead of mapping fresh pages for each: measured on
3M lines, ~10% less wall time and a third less kernel time.
"""

from __future__ import annotations

import importlib
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

_WARM_MODULE = "vessel_risk.ingest.warm"


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


def _fork_server() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([_WARM_MODULE])
    return context


# Where workers leave their results for the gathering process: memory, where the system has it
# with room to spare (a container's /dev/shm is often 64 MB: four chunks' results in flight), else
# the temporary folder.
_IN_MEMORY_FOLDER = Path("/dev/shm")
IN_MEMORY_MIN_FREE_BYTES = 2**30


def handover_folder() -> tempfile.TemporaryDirectory[str]:
    """A private folder, removed with whatever is left in it, for :func:`hand_over`.

    A result sent back through the pool's pipe arrives 64 KB at a time into a buffer that is
    grown and copied again and again: gathering a 10-million-sentence day's chunks that way cost
    the gathering process ~15 s of page faults. Through a file it is read in one piece.
    """
    where = _IN_MEMORY_FOLDER if _room_in(_IN_MEMORY_FOLDER) >= IN_MEMORY_MIN_FREE_BYTES else None
    return tempfile.TemporaryDirectory(prefix="vessel-risk-ingest-", dir=where)


def _room_in(folder: Path) -> int:
    """Bytes free in ``folder`` (0 where there is no such folder)."""
    try:
        stat = os.statvfs(folder)
    except OSError:
        return 0
    return stat.f_bavail * stat.f_frsize


def hand_over(value: Any, folder: str) -> str:
    """Pickle ``value`` into a new file of ``folder`` (in a worker); its path, for
    :func:`take_over`."""
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".pickle", delete=False) as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return handle.name


def take_over(path: str) -> Any:
    """The value :func:`hand_over` left at ``path``; the file is removed."""
    file = Path(path)
    try:
        return pickle.loads(file.read_bytes())
    finally:
        file.unlink(missing_ok=True)
