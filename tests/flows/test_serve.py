"""Serving the daily flow: the deployment it builds, prefect.yaml, and (slow) a real Prefect
server whose cron schedule runs the flow to completion in a served child process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import yaml

from tests.flows.feeds import write_days
from tests.support import REPO
from vessel_risk import storage
from vessel_risk.flows.daily import daily_screening
from vessel_risk.flows.serve import DEPLOYMENT_NAME, build_deployment
from vessel_risk.flows.settings import DEFAULT_MODEL


@pytest.mark.usefixtures("prefect_harness")
def test_build_deployment_schedules_the_daily_flow_with_absolute_paths_and_the_day_rule(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    deployment = build_deployment(cron="0 5 * * *", name="oslo-daily", time_zone="Europe/Oslo",
                                  ais=["feed"], registry="registry", model="models/default",
                                  out="data/out", lookback_days=7)
    assert deployment.name == "oslo-daily"
    assert deployment.entrypoint is not None and deployment.entrypoint.endswith(
        "flows/daily.py:daily_screening")
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == "0 5 * * *"
    assert schedule.schedule.timezone == "Europe/Oslo"
    params = deployment.parameters
    assert params["ais"] == [str(tmp_path / "feed")]
    for key in ("registry", "model", "out"):
        assert Path(params[key]).is_absolute(), key
    assert params["scheduled_day_tz"] == "Europe/Oslo" and "day" not in params
    validated = daily_screening.validate_parameters(params)
    assert validated["lookback_days"] == 7


def test_build_deployment_defaults_to_utc_and_its_own_name() -> None:
    deployment = build_deployment(cron="0 5 * * *", ais=["a"], registry=None, model="m", out="o")
    assert deployment.name == DEPLOYMENT_NAME
    assert deployment.parameters["scheduled_day_tz"] == "UTC"
    assert deployment.parameters["registry"] is None


def test_prefect_yaml_deploys_the_daily_flow_with_the_schedule_day_rule(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.flows import load_flow_from_entrypoint
    from prefect.utilities.templating import apply_values

    config = yaml.safe_load((REPO / "prefect.yaml").read_text())
    (deployment,) = config["deployments"]
    monkeypatch.chdir(REPO)
    flow = load_flow_from_entrypoint(deployment["entrypoint"])
    assert flow.name == daily_screening.name
    assert flow.fn.__code__.co_filename == daily_screening.fn.__code__.co_filename
    env = {"VESSEL_RISK_HOME": str(REPO), "VESSEL_RISK_AIS": "/data/ais",
           "VESSEL_RISK_REGISTRY": "/data/registry", "VESSEL_RISK_OUT": "/data/out"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    # as `prefect deploy` fills the placeholders in
    params = apply_values(deployment["parameters"], dict(os.environ), remove_notset=False)
    assert params["model"] == str(DEFAULT_MODEL)
    assert all(Path(p).is_absolute() for p in [*params["ais"], params["registry"], params["out"]])
    validated = daily_screening.validate_parameters(params)
    assert validated["scheduled_day_tz"] == "UTC" and validated.get("day") is None
    (schedule,) = deployment["schedules"]
    assert schedule["timezone"] == validated["scheduled_day_tz"]
    step = config["pull"][0]["prefect.deployments.steps.set_working_directory"]
    assert apply_values(step, dict(os.environ), remove_notset=False)["directory"] == str(REPO)


# --- a real server ---------------------------------------------------------------------------

SERVER_START_S = 90
RUN_COMPLETE_S = 240  # the scheduler loop, the one-minute cron and the run itself


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def offline_env(home: Path, api_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PREFECT_") and k not in ("DO_NOT_TRACK",)}
    env.update({"PREFECT_HOME": str(home), "PREFECT_PROFILES_PATH": str(home / "profiles.toml"),
                "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
                "PREFECT_RUNNER_POLL_FREQUENCY": "5", "PREFECT_UI_ENABLED": "false"})
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def wait_healthy(api_url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, "prefect server exited early"
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"no healthy Prefect server at {api_url} after {timeout_s} s")


def flow_runs(api_url: str, deployment: str) -> list[dict]:  # type: ignore[type-arg]
    body = {"deployments": {"name": {"any_": [deployment]}}, "sort": "EXPECTED_START_TIME_ASC"}
    response = httpx.post(f"{api_url}/flow_runs/filter", json=body, timeout=10)
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process's whole group, then make sure nothing of it is left."""
    import psutil

    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        left = [p for p in psutil.process_iter(["pid"]) if _group(p) == process.pid]
        if not left:
            return
        time.sleep(0.5)
    raise AssertionError(f"processes left after SIGTERM: {[p.pid for p in left]}")


def _group(proc: object) -> int | None:
    try:
        return os.getpgid(proc.pid)  # type: ignore[attr-defined]
    except (ProcessLookupError, PermissionError):
        return None


@pytest.mark.slow
def test_served_deployment_completes_a_scheduled_run_on_a_real_server(tmp_path: Path) -> None:
    home, out = tmp_path / "prefect-home", tmp_path / "out"
    home.mkdir()
    now = datetime.now(UTC)
    # The run screens the day that ended before its scheduled start: yesterday, or the day
    # before if the minute turns midnight while the test runs.
    days = [(now - timedelta(days=n)).date() for n in (2, 1)]
    feed = write_days(tmp_path / "feed", days, every=3)
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "prefect"), "server", "start", "--host", "127.0.0.1",
         "--port", str(port)], env=offline_env(home, None), cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    served = None
    try:
        wait_healthy(api_url, server, SERVER_START_S)
        log = (tmp_path / "serve.log").open("wb")
        served = subprocess.Popen(
            [str(Path(sys.executable).parent / "vessel-risk"), "serve", "--ais", str(feed),
             "--out", str(out), "--cron", "* * * * *", "--name", "test-every-minute"],
            env=offline_env(home, api_url), cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + RUN_COMPLETE_S
        finished: list[dict] = []  # type: ignore[type-arg]
        while time.monotonic() < deadline and not finished:
            assert served.poll() is None, (tmp_path / "serve.log").read_text()
            runs = flow_runs(api_url, "test-every-minute")
            finished = [r for r in runs if r["state_type"] in ("COMPLETED", "FAILED", "CRASHED")]
            time.sleep(3)
        assert finished, f"no scheduled run finished: {(tmp_path / 'serve.log').read_text()}"
        run = finished[0]
        assert run["state_type"] == "COMPLETED", (run["state"], (tmp_path / "serve.log").read_text())
        started = datetime.fromisoformat(run["expected_start_time"])
        day = (started.astimezone(UTC) - timedelta(days=1)).date()
        assert day in days
        listed = storage.read_partition(out, storage.RISK_LISTS, day)
        assert len(listed) > 50
        assert run["parameters"]["scheduled_day_tz"] == "UTC"
        assert Path(run["parameters"]["out"]).is_absolute()
        print(f"scheduled run {run['name']}: {run['state_type']} in "
              f"{run['total_run_time']:.1f} s, screened {day}")
    finally:
        if served is not None:
            stop_group(served)
        stop_group(server)
