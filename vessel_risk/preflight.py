"""Checks of paths and options that run before Prefect starts, so a user's mistake costs a second
and one line, not fifteen seconds of start-up and a traceback.

Nothing here imports Prefect. Each check raises :class:`ConfigError` or :class:`InputError` with
the option and the value at fault.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from vessel_risk.common.errors import ConfigError, InputError

SERVER_TIMEOUT_S = 5.0
START_SERVER_HINT = (
    "start one with `prefect server start --host 127.0.0.1` (with the same PREFECT_HOME) and "
    "set PREFECT_API_URL=http://127.0.0.1:4200/api; see the README, 'Schedules'"
)

# cron fields: minute, hour, day of month, month, day of week (names allowed in the last two)
_CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
_CRON_FIELD = re.compile(r"^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?$")


def ais_paths(paths: list[Path]) -> list[Path]:
    """Every ``--ais`` path exists (a file or a folder)."""
    for path in paths:
        if not path.exists():
            raise InputError(f"--ais: not found: {path}")
    return paths


def registry_dir(path: Path | None) -> Path | None:
    if path is None:
        return None
    if not path.is_dir():
        raise InputError(f"--registry: not a folder: {path}")
    if not (path / "vessels.csv").is_file():
        raise InputError(f"--registry: {path} has no vessels.csv (the one required file)")
    return path


def model_dir(path: Path) -> Path:
    from vessel_risk.models.card import CARD_FILE, MODEL_FILE

    if not path.is_dir():
        raise InputError(f"--model: not a folder: {path}")
    for name in (MODEL_FILE, CARD_FILE):
        if not (path / name).is_file():
            raise InputError(f"--model: {path} has no {name}")
    return path


def existing_file(path: Path | None, option: str) -> Path | None:
    if path is not None and not path.is_file():
        raise InputError(f"{option}: not a file: {path}")
    return path


def out_dir(path: Path) -> Path:
    """The output folder exists and is writable, or can be created."""
    if path.exists():
        if not path.is_dir():
            raise InputError(f"--out: not a folder: {path}")
        if not os.access(path, os.W_OK | os.X_OK):
            raise InputError(f"--out: not writable: {path}")
        return path
    parent = next((p for p in path.absolute().parents if p.exists()), None)
    if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"--out: cannot create {path} ({parent} is not a writable folder)")
    return path


def cron(expression: str) -> str:
    """Five fields, each a value, range, list or step within the field's range.

    Prefect checks the expression fully when it builds the schedule; this catches the usual
    mistakes (a missing field, an hour of 25) before Prefect is imported.
    """
    fields = expression.split()
    if len(fields) != len(_CRON_RANGES):
        raise ConfigError(f"--cron {expression!r}: needs 5 fields (minute hour day month "
                          f"weekday), got {len(fields)}")
    for text, (low, high), name in zip(fields, _CRON_RANGES,
                                       ("minute", "hour", "day", "month", "weekday")):
        for part in text.split(","):
            if not _CRON_FIELD.match(part):
                raise ConfigError(f"--cron {expression!r}: bad {name} field {text!r}")
            for number in re.findall(r"(?<![/0-9])[0-9]+", part.split("/")[0]):
                if not low <= int(number) <= high:
                    raise ConfigError(f"--cron {expression!r}: {name} {number} is outside "
                                      f"{low}-{high}")
    return expression


def prefect_server(api_url: str | None, timeout_s: float = SERVER_TIMEOUT_S) -> str:
    """The API URL of a running Prefect server, or a ConfigError that says how to start one."""
    if not api_url:
        raise ConfigError(f"schedules need a Prefect server and PREFECT_API_URL is not set: "
                          f"{START_SERVER_HINT}")
    import httpx

    health = api_url.rstrip("/") + "/health"
    try:
        response = httpx.get(health, timeout=timeout_s)
    except httpx.HTTPError as exc:
        raise ConfigError(f"no Prefect server answers at {api_url} ({type(exc).__name__}): "
                          f"{START_SERVER_HINT}") from exc
    if response.status_code != 200:
        raise ConfigError(f"{health} answered HTTP {response.status_code}, not a healthy "
                          f"Prefect server: {START_SERVER_HINT}")
    return api_url
