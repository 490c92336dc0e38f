"""Serve the daily screening flow as a Prefect deployment on a cron schedule.

Each scheduled run screens the day that ended before its scheduled start, in the schedule's time
zone: the deployment passes ``scheduled_day_tz`` and no ``day``. Paths are stored absolute, so a
run does not depend on the folder the runner was started in.
"""

from pathlib import Path
from typing import Any

from prefect.schedules import Cron, Schedule

from vessel_risk.common.days import UTC_NAME
from vessel_risk.flows.daily import daily_screening

DEPLOYMENT_NAME = "daily-screening"


def _absolute(path: str | Path | None) -> str | None:
    return None if path is None else str(Path(path).expanduser().resolve())


def deployment_parameters(ais: list[str], registry: str | None, model: str, out: str,
                          config: str | None = None, lookback_days: int | None = None,
                          time_zone: str = UTC_NAME) -> dict[str, Any]:
    """Parameters of each scheduled run (absolute paths; no ``day``: the schedule decides)."""
    parameters: dict[str, Any] = {
        "ais": [_absolute(p) for p in ais], "registry": _absolute(registry),
        "model": _absolute(model), "out": _absolute(out), "config": _absolute(config),
        "scheduled_day_tz": time_zone,
    }
    if lookback_days is not None:
        parameters["lookback_days"] = lookback_days
    return parameters


def schedule(cron: str, time_zone: str = UTC_NAME) -> Schedule:
    return Cron(cron, timezone=time_zone)


def build_deployment(cron: str, name: str = DEPLOYMENT_NAME, time_zone: str = UTC_NAME,
                     **parameters: Any) -> Any:
    """The deployment object (tests check it without starting a server)."""
    return daily_screening.to_deployment(
        name=name, schedules=[schedule(cron, time_zone)],
        parameters=deployment_parameters(time_zone=time_zone, **parameters),
    )


def serve_daily(cron: str, name: str = DEPLOYMENT_NAME, time_zone: str = UTC_NAME,
                **parameters: Any) -> None:
    """Block and run the flow on schedule until SIGTERM or Ctrl-C. Needs PREFECT_API_URL
    pointing at a running Prefect server (the CLI checks it first)."""
    daily_screening.serve(name=name, schedules=[schedule(cron, time_zone)],
                          parameters=deployment_parameters(time_zone=time_zone, **parameters))
