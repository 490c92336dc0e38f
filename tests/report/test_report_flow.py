"""The daily flow writes the report and publishes its summary and top list as a Prefect artifact."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from vessel_risk import storage
from vessel_risk.common import columns as c

pytestmark = pytest.mark.slow


def test_daily_flow_writes_the_report_of_the_screened_day(
        sample_store: tuple[Path, dict[str, Any]]) -> None:
    out, summary = sample_store
    assert summary["report"] == str(out / "reports" / f"risk_report_{summary['date']}.html")
    page = Path(summary["report"]).read_text(encoding="utf-8")
    assert "is the synthetic demonstration model" in page
    listed = storage.read_partition(out, storage.RISK_LISTS, date.fromisoformat(summary["date"]))
    assert page.count('<section class="vessel"') == min(50, len(listed))


def test_daily_flow_publishes_the_summary_and_top_list_as_a_markdown_artifact(
        sample_store: tuple[Path, dict[str, Any]]) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from vessel_risk.flows.artifacts import SUMMARY_KEY

    out, summary = sample_store
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[SUMMARY_KEY])))
    assert artifacts, "no run summary artifact"
    mine = [a for a in artifacts if summary["report"] in str(a.data)]
    assert len(mine) == 1 and mine[0].type == "markdown"
    text = str(mine[0].data)
    assert f"# Vessel risk list, {summary['date']}" in text
    assert f"**{summary['vessels']} vessels screened**" in text
    assert "## Quarantine by reason" in text  # and the run's own accounts below the report's
    listed = storage.read_partition(out, storage.RISK_LISTS, date.fromisoformat(summary["date"]))
    for mmsi in listed.nsmallest(10, c.RISK_RANK)[c.MMSI]:
        assert f"| {mmsi} |" in text
