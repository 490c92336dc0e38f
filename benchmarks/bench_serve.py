"""A served deployment on a real Prefect server: the first scheduled run's state and duration.

    .venv/bin/python benchmarks/bench_serve.py                 # a fresh feed: yesterday's data
    .venv/bin/python benchmarks/bench_serve.py --stalled       # the sample as it is: a stalled feed

Starts ``prefect server start`` on a free loopback port in a temporary PREFECT_HOME (telemetry
off), serves the daily flow with ``vessel-risk serve --cron '* * * * *'`` on a feed, waits for
the first scheduled run to finish and prints its state, message and run time, and how long the
server took to become healthy; then SIGTERMs both process groups. The fresh feed is the sample's
last day moved to yesterday and the day before (UTC); ``--stalled`` serves the bundled sample,
whose last day is long past, as a feed that stopped arriving would be.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SAMPLE_LAST_DAY = date(2026, 11, 22)
_TAG = re.compile(r"^\\s:([^,\\]*),c:(\d+)\*[0-9A-Fa-f]{2}\\")


def write_days(folder: Path, days: list[date]) -> Path:
    """The sample's last day, as if received on each of ``days`` (tag blocks rewritten)."""
    from vessel_risk.simulator.encode import tag_block

    with gzip.open(ROOT / "data" / "sample" / "ais" / f"{SAMPLE_LAST_DAY}.nmea.gz", "rt") as f:
        lines = f.read().splitlines()
    folder.mkdir(parents=True)
    for day in days:
        shift = int((day - SAMPLE_LAST_DAY) / timedelta(seconds=1))
        moved = []
        for line in lines:
            match = _TAG.match(line)
            moved.append(line if match is None else tag_block(
                match.group(1), int(match.group(2)) + shift) + line[match.end():])
        (folder / f"{day}.nmea").write_text("\n".join(moved) + "\n")
    return folder


def env_for(home: Path, api_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({"PREFECT_HOME": str(home), "PREFECT_PROFILES_PATH": str(home / "profiles.toml"),
                "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
                "PREFECT_RUNNER_POLL_FREQUENCY": "5", "PREFECT_UI_ENABLED": "false"})
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stalled", action="store_true")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        work = Path(tmp)
        home = work / "home"
        home.mkdir()
        if args.stalled:
            feed = ROOT / "data" / "sample" / "ais"
        else:
            now = datetime.now(UTC)
            feed = write_days(work / "feed", [(now - timedelta(days=n)).date() for n in (2, 1)])
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        api_url = f"http://127.0.0.1:{port}/api"
        start = time.perf_counter()
        server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                                   "--port", str(port)], env=env_for(home, None),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        served = None
        try:
            while True:
                try:
                    if httpx.get(f"{api_url}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            print(f"server healthy after {time.perf_counter() - start:.1f} s")
            served = subprocess.Popen(
                [str(BIN / "vessel-risk"), "serve", "--ais", str(feed), "--out",
                 str(work / "out"), "--cron", "* * * * *", "--name", "bench"],
                env=env_for(home, api_url), cwd=work, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True)
            deadline = time.perf_counter() + args.timeout
            body = {"deployments": {"name": {"any_": ["bench"]}}, "sort": "EXPECTED_START_TIME_ASC"}
            while time.perf_counter() < deadline:
                runs = httpx.post(f"{api_url}/flow_runs/filter", json=body, timeout=10).json()
                done = [r for r in runs if r["state_type"] in ("COMPLETED", "FAILED", "CRASHED")]
                if done:
                    run = done[0]
                    print(f"first scheduled run: {run['state_type']} after "
                          f"{run['total_run_time']:.1f} s of run time; scheduled "
                          f"{run['expected_start_time']}, started {run['start_time']}")
                    print(f"message: {run['state']['message']}")
                    break
                time.sleep(2)
            else:
                print(f"no run finished within {args.timeout:.0f} s")
        finally:
            for process in (served, server):
                if process is not None:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=60)


if __name__ == "__main__":
    main()
