"""Where Prefect's start-up goes in a ``vessel-risk`` command, measured in fresh processes.

    .venv/bin/python benchmarks/bench_prefect_startup.py            # 3 repeats, best and all runs

Each figure is the wall time of a new Python process (so imports are cold in the interpreter,
warm in the OS cache), in a temporary PREFECT_HOME with telemetry off:

- ``import prefect`` (the package and its logging set-up), and the product's flow module with
  everything it imports (pandas, pyarrow, LightGBM, pyais, the detectors);
- the temporary server: ``SubprocessASGIServer().start()`` in a new PREFECT_HOME (its SQLite
  database is created and migrated) and in one that already has it;
- a flow of one trivial task called with no server configured (what ``vessel-risk run`` does),
  in a new and in an existing PREFECT_HOME, and the same flow against a running server;
- the server subprocess alone: importing ``prefect.server.api.server`` and building its app.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

SNIPPETS = {
    "python alone": "pass",
    "import prefect (+ logging set-up)": "import prefect.main",
    "import the daily flow module (prefect, pandas, lightgbm, detectors)": "import flows.daily",
    "import the server app (what the temporary server imports)":
        "import prefect.server.api.server as s; s.create_app(ephemeral=True, final=True)",
    "start the temporary server (SubprocessASGIServer().start())":
        "from prefect.server.api.server import SubprocessASGIServer as S; s = S(); s.start(); s.stop()",
    "a one-task flow, no server configured":
        "from prefect import flow, task\n"
        "@task\ndef t(): return 1\n"
        "@flow\ndef f(): return t()\n"
        "f()",
}


def env_for(home: Path, api_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({"PREFECT_HOME": str(home), "PREFECT_PROFILES_PATH": str(home / "profiles.toml"),
                "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_LOGGING_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
                "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"})
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def timed(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def report(name: str, runs: list[float]) -> None:
    print(f"{min(runs):6.2f} s  {name}  (runs: {', '.join(f'{r:.2f}' for r in runs)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-prefect-") as tmp:
        tmp_path = Path(tmp)
        existing = tmp_path / "existing"
        existing.mkdir()
        timed(SNIPPETS["start the temporary server (SubprocessASGIServer().start())"],
              env_for(existing))  # creates the database once
        for name, code in SNIPPETS.items():
            report(name + ", existing PREFECT_HOME",
                   [timed(code, env_for(existing)) for _ in range(args.repeat)])
        for name in ("start the temporary server (SubprocessASGIServer().start())",
                     "a one-task flow, no server configured"):
            runs = []
            for i in range(args.repeat):
                fresh = tmp_path / f"fresh-{name[:5]}-{i}"
                fresh.mkdir()
                runs.append(timed(SNIPPETS[name], env_for(fresh)))
                shutil.rmtree(fresh, ignore_errors=True)
            report(name + ", new PREFECT_HOME", runs)
        port = free_port()
        api_url = f"http://127.0.0.1:{port}/api"
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "prefect"), "server", "start", "--host",
             "127.0.0.1", "--port", str(port)], env=env_for(existing),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            start = time.perf_counter()
            while True:
                try:
                    if httpx.get(f"{api_url}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.perf_counter() - start > 120:
                    sys.exit("prefect server did not become healthy in 120 s")
                time.sleep(0.2)
            print(f"{time.perf_counter() - start:6.2f} s  `prefect server start` until healthy")
            report("a one-task flow against a running server",
                   [timed(SNIPPETS["a one-task flow, no server configured"],
                          env_for(existing, api_url)) for _ in range(args.repeat)])
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
