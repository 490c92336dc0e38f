"""Checks of paths and options made before Prefect starts."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from vessel_risk import preflight
from vessel_risk.common.errors import ConfigError, InputError
from vessel_risk.flows.settings import DEFAULT_MODEL, SAMPLE_REGISTRY


@pytest.mark.parametrize("expression", ["0 5 * * *", "*/15 * * * *", "0 5 * * MON-FRI",
                                        "0 0,12 1-15 */2 7", "30 4 1 JAN *"])
def test_cron_accepts_usual_expressions(expression: str) -> None:
    assert preflight.cron(expression) == expression


@pytest.mark.parametrize(("expression", "named"), [
    ("0 5 * *", "5 fields"), ("0 25 * * *", "hour 25"), ("60 * * * *", "minute 60"),
    ("0 5 32 * *", "day 32"), ("0 5 * 13 *", "month 13"), ("0 5 * * 8", "weekday 8"),
    ("0 5 ** * *", "bad day field"), ("every day", "5 fields"),
])
def test_cron_names_what_is_wrong(expression: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        preflight.cron(expression)


def test_paths_are_checked_with_the_option_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--ais: not found"):
        preflight.ais_paths([tmp_path / "nope.nmea"])
    with pytest.raises(InputError, match="no vessels.csv"):
        preflight.registry_dir(tmp_path)
    with pytest.raises(InputError, match="--model"):
        preflight.model_dir(tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="--out: not a folder"):
        preflight.out_dir(tmp_path / "file")
    with pytest.raises(InputError, match="--out: cannot create"):
        preflight.out_dir(tmp_path / "file" / "below")
    assert preflight.registry_dir(SAMPLE_REGISTRY) == SAMPLE_REGISTRY
    assert preflight.model_dir(DEFAULT_MODEL) == DEFAULT_MODEL
    assert preflight.out_dir(tmp_path / "new" / "out") == tmp_path / "new" / "out"


def test_prefect_server_says_how_to_start_one_when_none_is_set_or_answers() -> None:
    with pytest.raises(ConfigError, match="prefect server start"):
        preflight.prefect_server(None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # nothing listens on the port once the socket is closed
    with pytest.raises(ConfigError, match=f"no Prefect server answers at .*:{port}"):
        preflight.prefect_server(f"http://127.0.0.1:{port}/api", timeout_s=2)
