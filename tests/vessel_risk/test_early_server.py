"""vessel_risk.early_server: when the CLI starts Prefect's temporary server itself, and that the
server it starts answers and stops."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vessel_risk import early_server as es


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No Prefect setting in the environment but a profiles file in ``tmp_path``."""
    monkeypatch.setenv("PREFECT_API_URL", "")  # recorded, so start() setting it is undone
    for key in list(os.environ):
        if key.startswith("PREFECT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.setenv("PREFECT_PROFILES_PATH", str(tmp_path / "profiles.toml"))
    return tmp_path


def profiles(folder: Path, text: str) -> None:
    (folder / "profiles.toml").write_text(text)


def test_would_start_with_prefects_default_profiles(clean_env: Path) -> None:
    assert es.would_start_temporary_server(clean_env)


def test_would_start_with_the_ephemeral_profile_active(clean_env: Path) -> None:
    profiles(clean_env, 'active = "ephemeral"\n[profiles.ephemeral]\n'
                        'PREFECT_SERVER_EPHEMERAL_ENABLED = "true"\n')
    assert es.would_start_temporary_server(clean_env)


@pytest.mark.parametrize("key, value", [
    pytest.param("PREFECT_API_URL", "http://127.0.0.1:4200/api", id="it-names-a-server"),
    pytest.param("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "false",
                 id="temporary-servers-are-not-allowed"),
    pytest.param("PREFECT_SERVER_EPHEMERAL__ENABLED", "true",
                 id="another-spelling-of-a-deciding-setting"),
])
def test_would_not_start_when_the_environment_decides(
        clean_env: Path, monkeypatch: pytest.MonkeyPatch, key: str, value: str) -> None:
    monkeypatch.setenv(key, value)
    assert not es.would_start_temporary_server(clean_env)


@pytest.mark.parametrize("text", [
    pytest.param('active = "local"\n[profiles.local]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n',
                 id="it-names-a-server"),
    pytest.param('active = "plain"\n[profiles.plain]\nPREFECT_LOGGING_LEVEL = "INFO"\n',
                 id="it-does-not-allow-temporary-servers"),
])
def test_would_not_start_when_the_active_profile_decides(clean_env: Path, text: str) -> None:
    profiles(clean_env, text)
    assert not es.would_start_temporary_server(clean_env)


@pytest.mark.parametrize("name, text", [
    ("prefect.toml", "[api]\nurl = 'http://127.0.0.1:4200/api'\n"),
    (".env", "PREFECT_API_URL=http://127.0.0.1:4200/api\n"),
    ("pyproject.toml", "[tool.prefect.api]\nurl = 'http://127.0.0.1:4200/api'\n"),
])
def test_would_not_start_when_a_settings_file_in_the_folder_may_decide(
        clean_env: Path, tmp_path: Path, name: str, text: str) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / name).write_text(text)
    assert not es.would_start_temporary_server(folder)


def test_start_does_nothing_once_prefect_is_imported(clean_env: Path) -> None:
    """Prefect reads its settings at import: pointing it at a server is too late by then."""
    import prefect  # noqa: F401

    assert es.start(clean_env) is None
    assert not os.environ.get("PREFECT_API_URL")


def test_the_server_answers_then_stops(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    server = es.EarlyServer(timeout_s=120)
    try:
        server.wait_ready()
        process = server.process
        assert process is not None and process.poll() is None
        assert server.api_url == f"http://127.0.0.1:{server.port}/api"
    finally:
        server.stop()
    assert process.poll() is not None


def test_a_server_that_exits_is_reported_with_its_output(
        clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_SERVER_DATABASE_CONNECTION_URL", "not-a-database-url")
    server = es.EarlyServer(timeout_s=120)
    try:
        with pytest.raises(es.ServerStartError, match="exited before it was ready"):
            server.wait_ready()
    finally:
        server.stop()
