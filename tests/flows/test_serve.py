from __future__ import annotations

import pytest

from flows.daily import daily_screening
from flows.serve import DEPLOYMENT_NAME, build_deployment

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_build_deployment_schedules_the_daily_flow_on_the_cron_with_valid_parameters() -> None:
    deployment = build_deployment(cron="0 5 * * *", ais=["data/sample/ais"],
                                  registry="data/sample/registry", model="models/default",
                                  out="data/out", lookback_days=7)
    assert deployment.name == DEPLOYMENT_NAME
    assert deployment.entrypoint is not None and deployment.entrypoint.endswith(
        "flows/daily.py:daily_screening")
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == "0 5 * * *"
    validated = daily_screening.validate_parameters(deployment.parameters)
    assert validated["lookback_days"] == 7 and validated["ais"] == ["data/sample/ais"]
