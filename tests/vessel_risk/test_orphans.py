"""``vessel-risk run`` killed mid-run leaves no process behind (issue 10)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.support import alive, command_line, wait_for
from vessel_risk.common.watchdog import GRACE_S, POLL_S

CLI = Path(sys.executable).with_name("vessel-risk")


def running(processes: list[psutil.Process]) -> list[str]:
    return [line[:80] for p in alive(processes) if (line := command_line(p))]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_run_killed_mid_run_leaves_no_process_behind(tmp_path: Path, sig: signal.Signals) -> None:
    run = subprocess.Popen([str(CLI), "run", "--out", str(tmp_path / "out")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        main = psutil.Process(run.pid)

        def servers_up() -> bool:
            lines = [command_line(p) for p in main.children(recursive=True)]
            return any("uvicorn" in line for line in lines) and any(
                "forkserver" in line for line in lines)

        assert wait_for(servers_up, 90), "the run never started its server and fork server"
        time.sleep(2 * POLL_S)
        started = main.children(recursive=True)
        os.kill(run.pid, sig)
        run.wait(30)
        assert wait_for(lambda: not running(started), GRACE_S + 4 * POLL_S + 3), running(started)
    finally:
        if run.poll() is None:
            run.kill()
