"""Terminal views: names are never markup, reasons wrap at words at any width, one vessel's dossier."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from tests.report import report_builders as rb
from vessel_risk import views
from vessel_risk.report import dossier_for

WIDTHS = (60, 80, 120, 200)


def console(width: int) -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=width, color_system=None, legacy_windows=False), buf


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> rb.Scenario:
    return rb.build_store(tmp_path_factory.mktemp("store"))


def words_in_lines(output: str) -> list[str]:
    """Every word printed, table borders dropped (a word cut by a line end is two words)."""
    return [w for line in output.splitlines() for w in re.split(r"[\s│┃|]+", line) if w]


@pytest.mark.parametrize("width", WIDTHS)
def test_print_table_wraps_reasons_at_words_and_never_drops_a_digit(
        scenario: rb.Scenario, width: int) -> None:
    con, buf = console(width)
    views.print_table(con, scenario.listed, top=5)
    output = buf.getvalue()
    assert max(len(line) for line in output.splitlines()) <= width
    printed = words_in_lines(output)
    for reason in scenario.listed["reasons"]:
        for word in reason.replace(";", " ").split():
            assert word.strip(";") in printed, (width, word)
    assert "162" in printed and "14" in printed and "min" in printed


@pytest.mark.parametrize("width", WIDTHS)
def test_print_table_prints_markup_in_names_and_reasons_as_typed(scenario: rb.Scenario,
                                                                  width: int) -> None:
    con, buf = console(width)
    views.print_table(con, scenario.listed, top=5)
    output = buf.getvalue()
    assert "[/]" in output
    assert "[red]not" in output and "markup[/red]" in output
    assert "<script>alert(1)</script>" in "".join(words_in_lines(output)) or \
        "<script>alert(1)</script>" in output


def test_print_summary_prints_a_path_and_version_with_brackets_as_typed() -> None:
    con, buf = console(100)
    summary = {
        "date": "2024-05-02", "vessels": 5, "positions": 10, "statics": 2,
        "ingest": {"quarantined": {"bad_checksum": 1}, "lines_read": 12,
                   "duplicate_sentences": 0},
        "model_version": "v[/]1", "events": {"gap": 1}, "risk_list": "/data/[/]/risk_lists",
        "report": "/data/[bold]/report.html",
    }
    views.print_summary(con, summary)
    output = buf.getvalue()
    assert "Model v[/]1." in output and "/data/[/]/risk_lists" in output
    assert "/data/[bold]/report.html" in output


@pytest.mark.parametrize("width", (60, 80, 120))
def test_print_dossier_prints_the_section_without_the_map(scenario: rb.Scenario,
                                                          width: int) -> None:
    dossier = dossier_for(scenario.out, rb.DAY, rb.C, rb.LOOKBACK_DAYS, rb.registry_vessels())
    con, buf = console(width)
    views.print_dossier(con, dossier)
    output = buf.getvalue()
    flat = " ".join(words_in_lines(output))
    assert "#3 BLUE $EXPRESS$ [bold]" in output
    assert "Owner Blue Lines Ltd" in flat
    assert "Meeting at sea: met [/] (MMSI 219000001) at sea" in flat
    assert "UTC" in output and "heard" in output
    assert max(len(line) for line in output.splitlines()) <= width


def test_dossier_for_names_an_mmsi_that_is_not_listed(scenario: rb.Scenario) -> None:
    from vessel_risk.common.errors import ConfigError

    with pytest.raises(ConfigError, match="123456789"):
        dossier_for(scenario.out, rb.DAY, 123456789, rb.LOOKBACK_DAYS)
