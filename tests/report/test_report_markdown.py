"""The flow run's Markdown artifact: the report's summary and top list, names as plain text."""

from __future__ import annotations

import pytest

from tests.report import report_builders as rb
from vessel_risk.report import load_day
from vessel_risk.report.markdown import day_markdown, md_text
from vessel_risk.report.summary import summarise


@pytest.fixture(scope="module")
def markdown(tmp_path_factory: pytest.TempPathFactory) -> str:
    scenario = rb.build_store(tmp_path_factory.mktemp("store"))
    data = load_day(scenario.out, rb.DAY, rb.LOOKBACK_DAYS)
    return day_markdown(summarise(data), data.listed, "/out/reports/risk_report_2024-05-02.html",
                        top=3)


def test_day_markdown_gives_the_summary_the_top_rows_and_the_report_path(markdown: str) -> None:
    assert markdown.startswith("# Vessel risk list, 2024-05-02\n")
    assert "**5 vessels screened**: 2 high, 2 medium, 1 low." in markdown
    assert "Meeting at sea 1" in markdown and "AIS dark 1" in markdown
    assert "`/out/reports/risk_report_2024-05-02.html`" in markdown
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and "MMSI" not in line]
    assert [row.split(" | ")[2] for row in rows] == ["219000001", "219000002", "219000003"]
    assert "cannot be told" in markdown and "Times are UTC." in markdown


def test_day_markdown_writes_names_as_text_not_markup(markdown: str) -> None:
    assert "| 1 | \\[/\\] | 219000001 |" in markdown
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in markdown and "<script>" not in markdown
    assert "BLUE $EXPRESS$ \\[bold\\]" in markdown


def test_md_text_escapes_table_pipes_emphasis_and_links() -> None:
    assert md_text("a|b *c* _d_ [e](f) `g` ~~h~~") == \
        "a\\|b \\*c\\* \\_d\\_ \\[e\\]\\(f\\) \\`g\\` \\~\\~h\\~\\~"
    assert md_text(None) == "" and md_text("two\nlines") == "two lines"
