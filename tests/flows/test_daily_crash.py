"""A daily run killed at any point leaves the store as it was before the run or as it is after it,
and the next run finishes the job (issue 10)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.flows import crashing_flow
from tests.flows.test_daily_store import DAYS, three_day_feed
from tests.storage.builders import snapshot
from vessel_risk.storage import layout
from vessel_risk.storage.transaction import recover

SCRIPT = Path(crashing_flow.__file__)
REPO = SCRIPT.parents[2]


def flow(out: Path, kill_at: int, files: list[Path], day_index: int) -> subprocess.Popen[str]:
    printed = out.parent / f"{out.name}.stdout"
    with printed.open("w") as handle:  # a file, not a pipe: nothing waits on a dead run's pipe
        return subprocess.Popen(
            [sys.executable, str(SCRIPT), str(out), str(kill_at), DAYS[day_index].isoformat(),
             *[str(f) for f in files]], cwd=REPO, stdout=handle, stderr=subprocess.DEVNULL,
            text=True)


def finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.wait(timeout=300)
    out = Path(process.args[2])  # type: ignore[index]
    return process.returncode, (out.parent / f"{out.name}.stdout").read_text()


def state(out: Path, before: dict[str, str], after: dict[str, str]) -> str:
    found = snapshot(out)
    return "before" if found == before else "after" if found == after else "mixed"


@pytest.mark.slow
def test_daily_run_killed_inside_its_commit_or_at_any_time_leaves_before_or_after(
        tmp_path: Path) -> None:
    files = three_day_feed(tmp_path / "feed")
    base = tmp_path / "base"
    assert finished(flow(base, 0, files[:1], 0))[0] == 0
    before = snapshot(base)
    done = tmp_path / "done"
    shutil.copytree(base, done)
    code, printed = finished(flow(done, 0, files[1:2], 1))
    assert code == 0
    after, replaces = snapshot(done), int(printed.split()[-1])
    assert replaces > 10
    found = []
    # inside the commit: at the commit point, the first file moved, the middle one, the last
    points: list[tuple[str, float | str]] = [
        ("replace", n) for n in (1, 2, replaces // 2, replaces)]
    points += [("sigkill", s) for s in (4.0, 12.0)]  # anywhere: start-up, ingest, screening
    # from outside, as soon as the journal is being written, and as soon as it is in place
    points += [("sigkill", ".journal.tmp"), ("sigkill", ".journal")]
    for kind, at in points:
        out = tmp_path / f"{kind}-{at}"
        shutil.copytree(base, out)
        if kind == "replace":
            assert finished(flow(out, int(at), files[1:2], 1))[0] == crashing_flow.KILLED
        else:
            process = flow(out, 0, files[1:2], 1)
            if isinstance(at, str):
                staging = out / layout.STAGING
                while process.poll() is None and not (
                        staging.is_dir() and any(staging.glob(f"*{at}"))):
                    time.sleep(0.001)
            else:
                time.sleep(float(at))
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()
        recover(out)  # what the next run does first
        found.append((kind, at, state(out, before, after)))
        assert found[-1][2] in ("before", "after"), found
        assert not any((out / layout.STAGING).iterdir())
        assert finished(flow(out, 0, files[1:2], 1))[0] == 0  # the next run completes ...
        assert snapshot(out) == after  # ... to the same bytes
        shutil.rmtree(out)
    print("\n" + ", ".join(f"{kind} at {at}: {s}" for kind, at, s in found))
