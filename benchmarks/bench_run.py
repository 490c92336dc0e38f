"""The whole ``vessel-risk run`` as a user runs it, against a plain pyais loop on the same input.

    .venv/bin/python benchmarks/bench_run.py                  # the ~710k-line world, 3 repeats
    .venv/bin/python benchmarks/bench_run.py --repeat 5 --no-server

The input is a held-out simulated world (:mod:`worlds`: seed 12, 240 vessels, 5 days, positions
every 1.6-2.4 minutes at sea, about 710k lines), its five day files joined into one gzip file,
with its registry. Each figure is the wall time of a new process, so imports and Prefect's
start-up count:

- ``pyais loop`` (``baseline.py``): read the file, decode every message with pyais' stream
  reader (which joins fragments), ``asdict()`` each, build one DataFrame. Nothing else.
- ``vessel-risk run``, no server configured (a user's defaults): Prefect starts its temporary
  server; PREFECT_HOME is the same folder run after run (as for a user), made by a first,
  untimed run. One run in a new PREFECT_HOME (its SQLite database created and migrated) is
  timed separately.
- ``vessel-risk run`` against a running ``prefect server start`` (PREFECT_API_URL set).

Every run writes to a new output folder. Best and median of --repeat runs are printed, and the
ratios of best to best and median to median (below 1: the whole run is faster than decoding alone).
The machine is shared: the load average before and after is printed too.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from worlds import CACHE, simulated_world  # noqa: E402

CLI = Path(sys.executable).parent / "vessel-risk"

BASELINE = ROOT / "benchmarks" / "baseline.py"  # the plain pyais loop, run as a script


def joined(world: Path) -> Path:
    """The world's day files as one gzip file (cached beside the world)."""
    path = world.with_name(world.name + ".nmea.gz")
    if not path.exists():
        staging = path.with_name(path.name + ".partial")
        with open(staging, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh,
                                                      mtime=0) as gz:
            for day in sorted((world / "ais").glob("*.nmea.gz")):
                gz.write(gzip.decompress(day.read_bytes()))
        staging.rename(path)
    return path


def env_for(home: Path, api_url: str | None = None) -> dict[str, str]:
    """The user's environment with Prefect's state in ``home`` and no server unless given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({"PREFECT_HOME": str(home), "PREFECT_PROFILES_PATH": str(home / "profiles.toml")})
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}")
    return seconds


def run_command(ais: Path, registry: Path, out: Path) -> list[str]:
    return [str(CLI), "run", "--ais", str(ais), "--registry", str(registry), "--out", str(out),
            "--top", "3"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = env_for(home)
    env.update({"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "prefect"), "server", "start", "--host", "127.0.0.1",
         "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    began = time.perf_counter()
    while time.perf_counter() - began < 120:
        try:
            if httpx.get(f"{api_url}/health", timeout=1).status_code == 200:
                return server, api_url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    os.killpg(server.pid, 15)
    sys.exit("prefect server did not become healthy in 120 s")


def summary(name: str, runs: list[float]) -> str:
    return (f"{name:<44} best {min(runs):6.2f} s  median {statistics.median(runs):6.2f} s  "
            f"(runs: {', '.join(f'{r:.2f}' for r in runs)})")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--vessels", type=int, default=240)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-server", action="store_true", help="skip the configured-server runs")
    args = parser.parse_args()
    world = simulated_world(args.seed, args.vessels, args.days)
    ais, registry = joined(world), world / "registry"
    with gzip.open(ais, "rb") as handle:
        n_lines = sum(1 for _ in handle)
    print(f"input: {ais} ({n_lines:,} lines), registry {registry}")
    print(f"load average before: {load()}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-run-", dir=CACHE))
    try:
        outs = iter(tmp / f"out-{i}" for i in range(10_000))
        home = tmp / "prefect-home"
        home.mkdir()
        baseline = [timed([sys.executable, str(BASELINE), str(ais)], os.environ.copy())
                    for _ in range(args.repeat)]
        print(summary("pyais loop (decode + asdict + DataFrame)", baseline), flush=True)
        timed(run_command(ais, registry, next(outs)), env_for(home))  # creates PREFECT_HOME
        no_server = [timed(run_command(ais, registry, next(outs)), env_for(home))
                     for _ in range(args.repeat)]
        print(summary("vessel-risk run, no server configured", no_server), flush=True)
        fresh = tmp / "fresh-home"
        fresh.mkdir()
        new_home = timed(run_command(ais, registry, next(outs)), env_for(fresh))
        print(summary("vessel-risk run, new PREFECT_HOME", [new_home]), flush=True)
        rows = [("no server configured", no_server)]
        if not args.no_server:
            server, api_url = start_server(tmp / "server-home")
            try:
                timed(run_command(ais, registry, next(outs)), env_for(home, api_url))  # warm-up
                with_server = [timed(run_command(ais, registry, next(outs)),
                                     env_for(home, api_url)) for _ in range(args.repeat)]
            finally:
                os.killpg(server.pid, 15)
                server.wait(timeout=30)
            print(summary("vessel-risk run, server configured", with_server))
            rows.append(("server configured", with_server))
        for name, runs in rows:
            print(f"ratio, {name}: best {min(runs) / min(baseline):.2f}, median "
                  f"{statistics.median(runs) / statistics.median(baseline):.2f}  "
                  "(vessel-risk run / pyais loop; below 1 is faster)")
        print(f"load average after: {load()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
