"""Prefect's temporary server, started by the CLI before Prefect is even imported.

With no Prefect server configured, Prefect starts a temporary one at the first flow call: a
subprocess that imports Prefect's server (5-9 s of CPU on this project's machines), opens its
SQLite database in PREFECT_HOME and runs its start-up, while the caller waits. Starting it from
Prefect's own code means importing ``prefect.server.api.server`` in the CLI process first (another
2-7 s, for one ``Popen``). :func:`start` instead launches the same subprocess (uvicorn with
Prefect's ``create_app`` factory, as Prefect 3.8's ``SubprocessASGIServer`` does) as the CLI's
very first step, and points ``PREFECT_API_URL`` at it, so the server imports on the second core
while the CLI imports pandas, Prefect and the flow and reads its input.

It starts only when it is sure Prefect would start one: no ``PREFECT_API_URL`` in the environment
or the active profile, temporary servers allowed, and no other Prefect settings file in the
working folder (``prefect.toml``, ``.env``, ``[tool.prefect]`` in ``pyproject.toml``) that could
say otherwise; in every other case Prefect decides as usual. The server stops when the CLI exits.
Light to import: the standard library only.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

from vessel_risk.common.errors import VesselRiskError

_TRUE = {"1", "true", "yes", "on"}
_API_URL = "PREFECT_API_URL"
_EPHEMERAL_KEYS = ("PREFECT_SERVER_EPHEMERAL_ENABLED", "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE")
_TIMEOUT_KEY = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
_DEFAULT_TIMEOUT_S = 20.0  # Prefect's default for the same setting
_POLL_S = 0.05
# What Prefect's SubprocessASGIServer sets for its server: no UI, an ephemeral app
_SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1"}


class ServerStartError(VesselRiskError):
    """Prefect's temporary server did not start."""


class EarlyServer:
    """A temporary Prefect server subprocess on a free loopback port."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self._log = tempfile.TemporaryFile()
        prefect_root = Path(importlib.util.find_spec("prefect").origin).parent  # type: ignore[union-attr, arg-type]
        self.process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_root.parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port",
             str(self.port), "--log-level", "error", "--lifespan", "on"],
            env={**os.environ, **_SERVER_ENV}, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        self._ready = False
        atexit.register(self.stop)

    def wait_ready(self) -> None:
        """Return once the server answers its health check; raise if it exits or times out."""
        if self._ready:
            return
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise ServerStartError(f"Prefect's temporary server exited before it was ready "
                                       f"(exit code {self._exit_code()}): {self._output()}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=1) as response:
                    if response.status == 200:
                        self._ready = True
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(_POLL_S)
        raise ServerStartError(f"Prefect's temporary server did not answer within "
                               f"{self.timeout_s:.0f} s ({_TIMEOUT_KEY}): {self._output()}")

    def stop(self) -> None:
        """Terminate the server (as Prefect does: SIGTERM, then SIGKILL after 5 s)."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self._log.close()

    def _exit_code(self) -> int | None:
        return self.process.returncode if self.process is not None else None

    def _output(self) -> str:
        self._log.seek(0)
        return self._log.read()[-2000:].decode("utf-8", "replace").strip() or "no output"


def start(cwd: Path | None = None) -> EarlyServer | None:
    """Start the temporary server and set ``PREFECT_API_URL`` to it, when Prefect would start
    one itself; else None. Call before importing Prefect (its settings are read at import)."""
    if "prefect" in sys.modules:  # its settings are read: too late to point it anywhere
        return None
    if not would_start_temporary_server(cwd or Path.cwd()):
        return None
    timeout_s = _float(os.environ.get(_TIMEOUT_KEY), _DEFAULT_TIMEOUT_S)
    server = EarlyServer(timeout_s)
    os.environ[_API_URL] = server.api_url
    return server


def would_start_temporary_server(cwd: Path) -> bool:
    """Whether Prefect, with these settings, would start a temporary server at the first flow
    call (no API URL, temporary servers allowed); False when unsure."""
    if any(key.startswith("PREFECT_") and any(word in key for word in _DECISIVE_WORDS)
           and key not in _READ_ENV for key in os.environ):
        return False  # another spelling of a setting this check reads: let Prefect decide
    if os.environ.get(_API_URL):
        return False
    if _settings_files(cwd):
        return False
    profile = _active_profile()
    if profile is None or profile.get(_API_URL):
        return False
    for source in (os.environ, profile):
        for key in _EPHEMERAL_KEYS:
            if key in source:
                return str(source[key]).strip().lower() in _TRUE
    return False  # Prefect's default: no temporary server


# Environment settings the check reads, and the words of any other that could decide it
_READ_ENV = {_API_URL, *_EPHEMERAL_KEYS, _TIMEOUT_KEY, "PREFECT_HOME", "PREFECT_PROFILES_PATH",
             "PREFECT_PROFILE"}
_DECISIVE_WORDS = ("API_URL", "API__URL", "EPHEMERAL", "PROFILE")


def _settings_files(cwd: Path) -> bool:
    if (cwd / "prefect.toml").exists():
        return True
    dotenv = cwd / ".env"
    if dotenv.exists() and "PREFECT_" in dotenv.read_text(errors="replace"):
        return True
    pyproject = cwd / "pyproject.toml"
    return pyproject.exists() and "[tool.prefect" in pyproject.read_text(errors="replace")


def _active_profile() -> dict[str, object] | None:
    """The active profile's settings, as Prefect reads them; None when unreadable."""
    path = Path(os.environ.get("PREFECT_PROFILES_PATH")
                or Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")
                / "profiles.toml")
    if not path.exists():
        spec = importlib.util.find_spec("prefect")
        if spec is None or spec.origin is None:
            return None
        path = Path(spec.origin).parent / "settings" / "profiles.toml"  # Prefect's defaults
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return None
    name = os.environ.get("PREFECT_PROFILE") or data.get("active") or "ephemeral"
    profiles = data.get("profiles", {})
    profile = profiles.get(name) if isinstance(profiles, dict) else None
    return profile if isinstance(profile, dict) else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _float(text: str | None, default: float) -> float:
    try:
        return float(text) if text else default
    except ValueError:
        return default
