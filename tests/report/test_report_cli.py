"""``vessel-risk show`` and ``vessel-risk report`` on a stored day, and ``run`` on a feed whose ship
is named ``[/]`` (issue 10, item 1: it used to crash the officer's view with a Rich MarkupError)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyais.encode import encode_dict
from typer.testing import CliRunner

from tests.report import report_builders as rb
from vessel_risk.cli import app
from vessel_risk.simulator.encode import tag_block

runner = CliRunner()
WIDE = {"COLUMNS": "200"}
NARROW = {"COLUMNS": "60"}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> rb.Scenario:
    return rb.build_store(tmp_path_factory.mktemp("store"))


@pytest.mark.parametrize("env", [WIDE, NARROW])
def test_show_prints_a_ship_named_markup_as_typed(scenario: rb.Scenario, env: dict[str, str]
                                                  ) -> None:
    result = runner.invoke(app, ["show", "--out", str(scenario.out)], env=env)
    assert result.exit_code == 0, result.output
    assert "[/]" in result.output and "<script>alert(1)</script>" in result.output
    assert "(top 5 of 5)" in result.output


def test_show_mmsi_prints_that_vessels_dossier(scenario: rb.Scenario) -> None:
    result = runner.invoke(app, ["show", "--out", str(scenario.out), "--mmsi", str(rb.A),
                                 "--lookback-days", str(rb.LOOKBACK_DAYS)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "#1 [/]" in result.output and "AIS dark" in result.output
    assert "met BLUE $EXPRESS$ [bold] (MMSI 219000003) at sea" in result.output


def test_show_mmsi_names_a_vessel_that_is_not_listed(scenario: rb.Scenario) -> None:
    result = runner.invoke(app, ["show", "--out", str(scenario.out), "--mmsi", "111222333"])
    assert result.exit_code == 2
    assert "111222333" in result.output


def test_report_writes_the_stored_days_report_with_the_asked_number_of_maps(
        scenario: rb.Scenario) -> None:
    result = runner.invoke(app, ["report", "--out", str(scenario.out), "--top", "2",
                                 "--lookback-days", str(rb.LOOKBACK_DAYS)], env=WIDE)
    assert result.exit_code == 0, result.output
    page = (scenario.out / "reports" / "risk_report_2024-05-02.html").read_text(encoding="utf-8")
    assert page.count('<svg class="map"') == 2
    assert "risk_report_2024-05-02.html" in result.output.replace("\n", "")


def markup_named_feed(path: Path) -> None:
    """Real AIS sentences: a ship named ``[/]`` (type 5) sailing for two hours (type 1)."""
    t0 = 1_714_521_600  # 2024-05-01 00:00 UTC
    mmsi = 219012345
    lines = []
    for part in encode_dict({"type": 5, "mmsi": mmsi, "shipname": "[/]", "callsign": "OZ[/]",
                             "destination": "[RED]", "imo": 9074729, "ship_type": 70},
                            talker_id="AI", sentence_type="VDM", radio_channel="A"):
        lines.append(tag_block("DK-TEST", t0 + 30) + part)
    for i in range(13):
        for sentence in encode_dict({"type": 1, "mmsi": mmsi, "lat": 55.0 + i * 0.01,
                                     "lon": 7.0 + i * 0.01, "speed": 10.0, "course": 45.0},
                                    talker_id="AI", sentence_type="VDM", radio_channel="A"):
            lines.append(tag_block("DK-TEST", t0 + 600 * i) + sentence)
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_run_and_show_print_a_ship_named_markup_as_typed(tmp_path: Path) -> None:
    feed = tmp_path / "feed.nmea"
    markup_named_feed(feed)
    out = tmp_path / "out"
    ran = runner.invoke(app, ["run", "--ais", str(feed), "--out", str(out)], env=NARROW)
    assert ran.exit_code == 0, ran.output
    assert "[/]" in ran.output
    shown = runner.invoke(app, ["show", "--out", str(out)], env=WIDE)
    assert shown.exit_code == 0, shown.output
    assert "[/]" in shown.output
    page = (out / "reports" / "risk_report_2024-05-01.html").read_text(encoding="utf-8")
    assert "#1 [/]" in page
