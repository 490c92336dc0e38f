"""End to end through the command line, on the bundled sample (Prefect's test harness)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from vessel_risk import storage
from vessel_risk.cli import app
from vessel_risk.common import columns as c
from vessel_risk.flows.settings import SAMPLE_DIR

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]
DAY = date(2026, 11, 22)
runner = CliRunner()


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("out")
    result = runner.invoke(app, ["run", "--out", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return out, result.output


def test_run_without_arguments_screens_the_sample_and_prints_the_top_ten(
        sample_run: tuple[Path, str]) -> None:
    out, output = sample_run
    assert "Risk list 2026-11-22 (top 10 of 200)" in output
    listed = storage.read_partition(out, storage.RISK_LISTS, DAY)
    top10 = listed.nsmallest(10, c.RISK_RANK)
    for mmsi in top10[c.MMSI]:
        assert str(mmsi) in output
    assert top10[c.REASONS].str.len().gt(20).all()
    assert "Quarantined by reason: bad_checksum" in output


def test_run_shows_progress_of_ingest_screening_and_scoring(sample_run: tuple[Path, str]) -> None:
    _, output = sample_run
    assert "Ingest: " in output and "lines read" in output
    assert "Screening 2026-11-22: 200 vessels" in output
    assert "Scoring: 200 vessels" in output


def test_run_ranks_vessels_with_injected_behaviour_at_the_top(sample_run: tuple[Path, str]) -> None:
    out, _ = sample_run
    listed = storage.read_partition(out, storage.RISK_LISTS, DAY)
    suspicious = set(pd.read_csv(SAMPLE_DIR / "truth.csv")[c.MMSI])
    top = listed.nsmallest(len(suspicious), c.RISK_RANK)
    hits = top[c.MMSI].isin(suspicious).sum()
    assert hits / len(suspicious) >= 0.75  # measured: 27 of 32
    assert listed.nsmallest(10, c.RISK_RANK)[c.MMSI].isin(suspicious).all()


def test_show_prints_the_stored_list(sample_run: tuple[Path, str]) -> None:
    out, _ = sample_run
    result = runner.invoke(app, ["show", "--out", str(out), "--top", "3"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "(top 3 of 200)" in result.output


def test_score_rescores_chosen_vessels_from_stored_features(sample_run: tuple[Path, str]) -> None:
    out, _ = sample_run
    listed = storage.read_partition(out, storage.RISK_LISTS, DAY)
    first, fifth = (int(m) for m in listed.nsmallest(5, c.RISK_RANK)[c.MMSI].iloc[[0, 4]])
    result = runner.invoke(app, ["score", "--out", str(out), "--mmsi", str(first),
                                 "--mmsi", str(fifth)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rescored = storage.read_partition(out, "rescores", DAY)
    assert sorted(rescored[c.MMSI]) == sorted([first, fifth])
    assert sorted(rescored[c.RISK_RANK]) == [1, 5]  # ranks among the whole day's vessels


def test_report_writes_self_contained_html(sample_run: tuple[Path, str]) -> None:
    out, _ = sample_run
    result = runner.invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "reports" / "risk_report_2026-11-22.html").read_text()
    assert "<table>" in html and "Vessel risk list, 2026-11-22" in html
    assert "http://" not in html and "https://" not in html and "<script" not in html


def test_run_names_a_missing_input_clearly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--ais", str(tmp_path / "nope.nmea"), "--out",
                                 str(tmp_path)])
    assert result.exit_code == 2
    assert "nope.nmea" in result.output


def test_run_names_file_row_and_column_of_a_broken_registry(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    registry.mkdir()
    vessels = (SAMPLE_DIR / "registry" / "vessels.csv").read_text().splitlines()
    vessels[3] = vessels[3].replace(vessels[3].split(",")[0], "1234568", 1)  # wrong check digit (1234567 is valid)
    (registry / "vessels.csv").write_text("\n".join(vessels) + "\n")
    result = runner.invoke(app, ["run", "--ais", str(SAMPLE_DIR / "ais" / "2026-11-22.nmea.gz"),
                                 "--registry", str(registry), "--out", str(tmp_path / "out")],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "vessels.csv" in result.output and "row 4" in result.output and "imo" in result.output


def test_run_explains_how_to_supply_a_missing_receive_time_and_accepts_one(tmp_path: Path) -> None:
    from tests.support import shared_file

    capture = shared_file("ais", "nmea", "pyais_nmea_data_sample.nmea")
    without = runner.invoke(app, ["run", "--ais", str(capture), "--date", "2020-04-08",
                                  "--out", str(tmp_path / "a")], env={"COLUMNS": "200"})
    assert "--capture-time" in without.output
    given = runner.invoke(app, ["run", "--ais", str(capture), "--capture-time",
                                "2020-04-08T12:00:00Z", "--out", str(tmp_path / "b")],
                          env={"COLUMNS": "200"})
    assert given.exit_code == 0, given.output
    listed = storage.read_partition(tmp_path / "b", storage.RISK_LISTS, date(2020, 4, 8))
    assert len(listed) > 50
