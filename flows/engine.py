"""Where submitted tasks run: in this process one at a time, or on a Dask cluster.

Dask workers are other processes, and a Prefect client with no ``PREFECT_API_URL`` starts its
own temporary server: each worker would pay that start-up (8-13 s) before its first task.
:func:`api_for_workers` gives them this process's API instead: the configured server when there
is one, else one temporary server started here, its address exported to the workers' environment.
Workers of an existing scheduler (``--dask-address``) were started elsewhere: point them at a
real Prefect server yourself.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DEFAULT_DASK_WORKERS = 2  # the machines have 2 cores


def one_at_a_time() -> Any:
    """The default task runner of flows that submit tasks: one task at a time, in this process."""
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=1)


def dask_runner(address: str | None = None, workers: int = DEFAULT_DASK_WORKERS) -> Any:
    """A DaskTaskRunner: on the scheduler at ``address``, or on a new LocalCluster of
    ``workers`` single-threaded processes (pandas work holds the GIL), its dashboard on a free
    port (two clusters on one machine must not fight over 8787)."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": ":0"})


@contextmanager
def api_for_workers() -> Iterator[str]:
    """Within the block, child processes started from here use this process's Prefect API."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = PREFECT_API_URL.value()
    started = None
    if not url:
        from prefect.server.api.server import SubprocessASGIServer

        started = SubprocessASGIServer()  # the same one this process's flows use
        started.start()
        url = started.api_url
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before
