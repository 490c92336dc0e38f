"""The command line refuses bad paths and options in one line, exit code 2, before Prefect
starts (``_start_prefect`` is replaced by a tripwire)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import vessel_risk.cli as cli
from vessel_risk.flows.settings import SAMPLE_AIS

runner = CliRunner()
WIDE = {"COLUMNS": "400"}
ONE_DAY = str(SAMPLE_AIS / "2026-11-22.nmea.gz")


@pytest.fixture(autouse=True)
def no_prefect(monkeypatch: pytest.MonkeyPatch) -> None:
    def tripwire(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("Prefect was started before the options were checked")

    monkeypatch.setattr(cli, "_start_prefect", tripwire)
    monkeypatch.setattr(cli, "_state", {"verbose": False})


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    result = runner.invoke(cli.app, list(args), env={**WIDE, **(env or {})})
    return result.exit_code, result.output.strip().splitlines()


@pytest.mark.parametrize(("args", "named"), [
    (["run", "--ais", "/nope/feed.nmea"], "--ais: not found: /nope/feed.nmea"),
    (["run", "--ais", ONE_DAY, "--format", "xml"], "unknown AIS format 'xml'"),
    (["run", "--ais", ONE_DAY, "--lookback-days", "0"], "lookback days must be between 1"),
    (["run", "--ais", ONE_DAY, "--registry", "/"], "no vessels.csv"),
    (["run", "--ais", ONE_DAY, "--model", "/nope"], "--model: not a folder"),
    (["run", "--ais", ONE_DAY, "--config", "/nope.toml"], "--config: not a file"),
    (["backfill", "--from", "2026-11-22", "--to", "2026-11-20"], "is before --from"),
    (["backfill", "--from", "2026-11-20", "--to", "2026-11-22", "--dask-workers", "0"],
     "--dask-workers"),
    (["train", "--ais", ONE_DAY], "--outcomes is required"),
    (["serve", "--cron", "0 25 * * *"], "hour 25"),
    (["serve", "--time-zone", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
])
def test_cli_refuses_a_bad_option_in_one_line_before_prefect(args: list[str], named: str) -> None:
    code, lines = invoke(*args)
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("error:") and named in lines[0], lines


def test_cli_names_the_key_of_a_bad_config_setting(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("[detection.gaps]\nmin_gap_hours = 3\n")
    code, lines = invoke("run", "--ais", ONE_DAY, "--config", str(config))
    assert code == 2 and "detection.gaps.min_gap_hours" in lines[0] and str(config) in lines[0]


def test_serve_without_a_server_says_how_to_start_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    code, lines = invoke("serve")
    assert code == 2 and "prefect server start" in lines[0] and "PREFECT_API_URL" in lines[0]


def test_serve_fails_at_once_when_the_server_does_not_answer() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, lines = invoke("serve", env={"PREFECT_API_URL": f"http://127.0.0.1:{port}/api"})
    assert code == 2 and f"127.0.0.1:{port}" in lines[0] and "prefect server start" in lines[0]


def test_verbose_adds_the_traceback() -> None:
    code, lines = invoke("--verbose", "run", "--ais", "/nope/feed.nmea")
    assert code == 2
    assert any("Traceback" in line for line in lines)
    assert "--ais: not found" in lines[-1]


def test_an_unexpected_error_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    from vessel_risk import preflight

    def broken(_paths: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(preflight, "ais_paths", broken)
    code, lines = invoke("run", "--ais", ONE_DAY)
    assert code == 1 and lines == ["error: RuntimeError: disk on fire (--verbose for the traceback)"]
