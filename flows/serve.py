"""Serve the daily screening flow as a Prefect deployment on a cron schedule."""

from __future__ import annotations

from typing import Any

from flows.daily import daily_screening

DEPLOYMENT_NAME = "daily-screening"


def deployment_parameters(ais: list[str], registry: str | None, model: str, out: str,
                          lookback_days: int) -> dict[str, Any]:
    """Parameters of each scheduled run: no ``day``, so each run screens the latest day in its data."""
    return {"ais": ais, "registry": registry, "model": model, "out": out,
            "lookback_days": lookback_days}


def build_deployment(cron: str, **parameters: Any) -> Any:
    """The deployment object (tests check it without starting a server)."""
    return daily_screening.to_deployment(
        name=DEPLOYMENT_NAME, cron=cron, parameters=deployment_parameters(**parameters)
    )


def serve_daily(cron: str, **parameters: Any) -> None:
    """Block and run the flow on schedule. Needs PREFECT_API_URL pointing at a Prefect server."""
    daily_screening.serve(name=DEPLOYMENT_NAME, cron=cron,
                          parameters=deployment_parameters(**parameters))
