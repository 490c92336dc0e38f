"""No orphans: every process a run starts dies with it.

A run starts other processes: Prefect's temporary API server (a uvicorn subprocess), the ingest
fork server and its workers, Dask workers. Killed with ``kill -9`` or SIGTERM, the run itself
cannot stop them. :func:`start` forks a small watchdog beside the run: every ``poll_s`` seconds it
records the run's descendants (process id and start time), and when the run is gone (the
watchdog's parent changes) it terminates every recorded descendant still alive, then kills those
that outlive ``grace_s``. A process started less than a poll before the run died is found too: the
run's environment carries a mark (``VESSEL_RISK_RUN``, the run's process id and start time) that
every process it starts inherits, and the watchdog looks for it once the run is gone. A process is
only ever signalled if its start time is the one recorded,
so a process id reused by an unrelated process is never touched. The watchdog ignores SIGINT,
SIGTERM and SIGHUP (Ctrl-C or a signal to the whole process group reaches it too: it outlives the
run by one poll to clean up), and exits on its own once the run has ended.
"""

from __future__ import annotations

import os
import signal
import time

# How often the watchdog looks at the run's processes, in seconds. Processes a run starts live
# for seconds at least (a server, workers); half a second sees each of them, costs ~1 ms of CPU
# a poll, and bounds how long an orphan outlives the run.
POLL_S = 0.5
# Seconds a terminated descendant gets to exit cleanly (a server closing its database) before it
# is killed.
GRACE_S = 3.0

RUN_MARK = "VESSEL_RISK_RUN"  # environment variable: which run started a process

_started: dict[int, int] = {}  # run process id -> its watchdog's process id


def start(poll_s: float = POLL_S, grace_s: float = GRACE_S) -> int | None:
    """Fork this process's watchdog (once per process); its process id, or None where there is
    no ``fork``. Call it before the process starts threads."""
    main = os.getpid()
    if main in _started:
        return _started[main]
    if not hasattr(os, "fork"):
        return None
    import psutil  # imported before the fork: the child imports nothing

    mark = f"{main}:{psutil.Process(main).create_time()}"
    os.environ[RUN_MARK] = mark  # inherited by every process the run starts from now on
    pid = os.fork()
    if pid:
        _started[main] = pid
        return pid
    code = 0
    try:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        _detach_output()
        watch(main, poll_s, grace_s, mark)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _detach_output() -> None:
    """Hold no terminal or pipe of the run open (a reader of its output sees the end when the
    run ends, not when the watchdog does)."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def watch(main: int, poll_s: float, grace_s: float, mark: str | None = None) -> None:
    """The watchdog's loop: record ``main``'s descendants until it is gone, then stop them and
    every process that carries the run's ``mark``."""
    import psutil as ps

    me = os.getpid()
    known: dict[int, float] = {}
    try:
        run = ps.Process(main)
    except ps.Error:
        return
    while os.getppid() == main:
        try:
            for child in run.children(recursive=True):
                if child.pid != me and child.pid not in known:
                    known[child.pid] = child.create_time()
        except ps.Error:
            pass
        time.sleep(poll_s)
    if mark is not None:
        known.update(marked(mark))
    stop(known, grace_s)


def marked(mark: str) -> dict[int, float]:
    """The processes (pid -> start time) whose environment carries the run's ``mark``."""
    import psutil as ps

    found = {}
    for process in ps.process_iter(["pid", "create_time"]):
        try:
            if process.pid != os.getpid() and process.environ().get(RUN_MARK) == mark:
                found[process.pid] = process.info["create_time"]
        except ps.Error:
            continue
    return found


def stop(known: dict[int, float], grace_s: float) -> list[int]:
    """Terminate, then kill after ``grace_s``, every process of ``known`` (pid -> start time)
    still alive with that start time, and their descendants. Returns the pids signalled."""
    import psutil as ps

    found: dict[int, ps.Process] = {}
    for pid, created in known.items():
        try:
            process = ps.Process(pid)
            if process.create_time() != created:
                continue  # the pid now belongs to another process
            found[pid] = process
            for child in process.children(recursive=True):
                found.setdefault(child.pid, child)
        except ps.Error:
            continue
    found.pop(os.getpid(), None)
    for process in found.values():
        try:
            process.terminate()
        except ps.Error:
            pass
    _, alive = ps.wait_procs(list(found.values()), timeout=grace_s)
    for process in alive:
        try:
            process.kill()
        except ps.Error:
            pass
    return sorted(found)
