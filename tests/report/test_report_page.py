"""The report page rendered from a small store: content, escaping, determinism, what it never has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.report import report_builders as rb
from vessel_risk.common import columns as c
from vessel_risk.models.card import ModelCard
from vessel_risk.report import ReportParams, load_day, render_report, write_report


def card(notes: list[str], version: str = rb.MODEL_VERSION) -> ModelCard:
    return ModelCard(version=version, features=[], training_window={"first_outcome_date": "x"},
                     data_sizes={}, metrics={}, baseline={}, calibration={}, params={}, seed=0,
                     versions={}, notes=notes)


DEMO = card(["Trained on the bundled synthetic sample: for demonstration and tests only."])


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> rb.Scenario:
    return rb.build_store(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def page(scenario: rb.Scenario) -> str:
    data = load_day(scenario.out, rb.DAY, rb.LOOKBACK_DAYS, DEMO, rb.registry_vessels())
    return render_report(data, ReportParams(map_top=4), rb.ports())


def section(page: str, mmsi: int) -> str:
    match = re.search(rf'<section class="vessel" id="v{mmsi}".*?</section>', page, re.S)
    assert match, f"no section for {mmsi}"
    return match.group(0)


def test_render_report_escapes_every_feed_and_registry_text(page: str) -> None:
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Port</b>" not in page and "<i>NEW</i>" not in page
    assert "&lt;b&gt;Port&lt;/b&gt; &amp; $x$ [/]" in page  # a port name on a map, as text
    assert "Nordic &lt;Shipping&gt; [/] A/S" in page  # owner from the registry
    assert "#1 [/]" in page and "BLUE $EXPRESS$ [bold]" in page


def test_render_report_gives_the_same_bytes_for_the_same_store(scenario: rb.Scenario,
                                                               page: str) -> None:
    data = load_day(scenario.out, rb.DAY, rb.LOOKBACK_DAYS, DEMO, rb.registry_vessels())
    assert render_report(data, ReportParams(map_top=4), rb.ports()) == page


def test_render_report_draws_maps_for_the_top_only_and_tables_every_vessel(
        scenario: rb.Scenario) -> None:
    data = load_day(scenario.out, rb.DAY, rb.LOOKBACK_DAYS)
    html = render_report(data, ReportParams(map_top=2), rb.ports())
    assert html.count('<svg class="map"') == 2
    assert re.findall(r'<section class="vessel" id="v(\d+)"', html) == [str(rb.A), str(rb.B)]
    rows = re.findall(r'<tr class="b-\w+" style="[^"]*"><td>\d+<td>(?:(?!<td>).)*<td>(\d+)<td>', html)
    assert rows == [str(m) for m in (rb.A, rb.B, rb.C, rb.D, rb.E)]


def test_render_report_lists_an_encounter_under_both_vessels_naming_both(page: str) -> None:
    for mmsi, other in ((rb.A, "BLUE $EXPRESS$ [bold] (MMSI 219000003)"),
                        (rb.C, "[/] (MMSI 219000001)")):
        events = section(page, mmsi).split('<ol class="events">')[1]
        meeting = re.search(r'<li class="ev-encounter">.*?</li>', events, re.S)
        assert meeting, mmsi
        assert f"met {other} at sea" in meeting.group(0)
        assert "[/] (219000001) and BLUE $EXPRESS$ [bold] (219000003) together 3.0 h" in \
            meeting.group(0)


def test_render_report_tells_events_in_words_with_utc_times(page: str) -> None:
    a = section(page, rb.A)
    assert "<b>AIS dark</b>: dark 6.2 h at sea" in a
    assert "<b>Identity change</b>: name: [/] -&gt; &lt;i&gt;NEW&lt;/i&gt;" in a
    assert re.search(r'<span class="when">2024-05-01 \d\d:\d\d - \d\d:\d\d UTC</span>', a)
    assert "invalid_mmsi" not in page and "identity_change</b>" not in page


def test_render_report_says_the_model_is_the_synthetic_demonstration(page: str,
                                                                     scenario: rb.Scenario) -> None:
    assert "is the synthetic demonstration model" in page
    unknown = render_report(load_day(scenario.out, rb.DAY, rb.LOOKBACK_DAYS),
                            ReportParams(map_top=0), rb.ports())
    assert "whether it is the synthetic demonstration model cannot be told" in unknown
    other = render_report(load_day(scenario.out, rb.DAY, rb.LOOKBACK_DAYS,
                                   card(DEMO.notes, version="another")),
                          ReportParams(map_top=0), rb.ports())
    assert "cannot be told" in other  # a card of another version says nothing about this one
    real = render_report(load_day(scenario.out, rb.DAY, rb.LOOKBACK_DAYS, card(["real data"])),
                         ReportParams(map_top=0), rb.ports())
    assert "trained on real outcomes" in real


def test_render_report_summarises_bands_events_and_coverage(page: str) -> None:
    assert "5 vessels screened" in page
    bands = re.search(r'<table id="bands">.*?</table>', page, re.S).group(0)  # type: ignore[union-attr]
    assert re.findall(r'class="n">(\d+)<', bands) == ["2", "2", "1"]
    events = re.search(r'<table id="events-by-type">.*?</table>', page, re.S).group(0)  # type: ignore[union-attr]
    assert "<td>Meeting at sea</td><td class=\"n\">1</td><td class=\"n\">2</td>" in events
    coverage = re.search(r'<table id="coverage">.*?</table>', page, re.S).group(0)  # type: ignore[union-attr]
    assert "bad_checksum 2, [/] 1" in coverage
    assert re.search(r"Hours with positions</td><td class=\"n\">\d+ of 24", coverage)


def test_render_report_has_no_script_no_outside_reference_and_no_clock(page: str) -> None:
    assert "<script" not in page and "javascript:" not in page
    assert "http:" not in page and "https:" not in page and "//" not in page.replace("://", "")
    assert not re.search(r"url\((?!#)", page)  # every url() points inside the page
    assert not re.search(r"\b(src|href)=\"(?!#)", page)
    assert "xmlns" not in page


def test_write_report_writes_the_file_atomically_under_reports(scenario: rb.Scenario,
                                                               tmp_path: Path) -> None:
    written = write_report(scenario.out, rb.DAY, rb.LOOKBACK_DAYS, DEMO,
                           params=ReportParams(map_top=1))
    assert written.path == scenario.out / "reports" / "risk_report_2024-05-02.html"
    assert written.path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(written.path.parent.glob(".*.tmp"))
    assert list(written.listed[c.MMSI]) == [rb.A, rb.B, rb.C, rb.D, rb.E]
    assert str(written.path) in written.markdown()
