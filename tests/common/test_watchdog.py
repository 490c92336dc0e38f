"""No orphans: the processes a run starts die with it, however it dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.support import REPO, alive, wait_for
from vessel_risk.common import watchdog

# A "run": starts its watchdog, then a child that starts a grandchild, then waits to be killed.
FAKE_RUN = """
import subprocess, sys, time
from vessel_risk.common import watchdog
watchdog.start(poll_s=0.1, grace_s=1.0)
child = subprocess.Popen([sys.executable, "-c",
    "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']); time.sleep(300)"])
print("started", flush=True)
time.sleep(300)
"""


def descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_watchdog_stops_every_descendant_when_the_run_is_killed(sig: signal.Signals) -> None:
    run = subprocess.Popen([sys.executable, "-c", FAKE_RUN], stdout=subprocess.PIPE, text=True,
                           cwd=REPO)
    assert run.stdout is not None and run.stdout.readline().strip() == "started"
    assert wait_for(lambda: len(descendants(run.pid)) >= 3, 10)  # watchdog, child, grandchild
    started = descendants(run.pid)
    time.sleep(0.3)  # a poll sees them all
    os.kill(run.pid, sig)
    run.wait()
    assert wait_for(lambda: not alive(started), 5), [p.pid for p in alive(started)]


def test_watchdog_exits_by_itself_when_the_run_ends_normally() -> None:
    code = ("from vessel_risk.common import watchdog; import time; "
            "print(watchdog.start(poll_s=0.1, grace_s=0.5), flush=True); time.sleep(0.3)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, check=True)
    dog = int(done.stdout.strip())
    assert wait_for(lambda: not psutil.pid_exists(dog) or
                    psutil.Process(dog).status() == psutil.STATUS_ZOMBIE, 3)


def test_stop_never_signals_a_process_whose_start_time_differs() -> None:
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        created = psutil.Process(bystander.pid).create_time()
        assert watchdog.stop({bystander.pid: created - 1.0}, grace_s=0.1) == []
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


# A "run" killed before its watchdog's first poll: its child is found by the mark it inherited.
QUICK_RUN = """
import subprocess, sys, time
from vessel_risk.common import watchdog
watchdog.start(poll_s=2.0, grace_s=1.0)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
print(child.pid, flush=True)
time.sleep(300)
"""


def test_watchdog_stops_a_process_started_just_before_the_run_was_killed() -> None:
    run = subprocess.Popen([sys.executable, "-c", QUICK_RUN], stdout=subprocess.PIPE, text=True,
                           cwd=REPO)
    assert run.stdout is not None
    child = psutil.Process(int(run.stdout.readline()))
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert wait_for(lambda: not alive([child]), 10)
