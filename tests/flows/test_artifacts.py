"""The run's Prefect artifacts, built as plain text and records from the summary and the list."""

from __future__ import annotations

from datetime import date

import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.flows.artifacts import TOP_N, md_text, summary_markdown, top_table

HOSTILE_NAME = "[bold red]EVIL[/] <img src=x onerror=alert(1)> **LOUD** | pipe"


def risk_list(n: int = 30) -> pd.DataFrame:
    return pd.DataFrame({
        c.DATE: [date(2026, 11, 22)] * n,
        c.MMSI: [219000000 + i for i in range(n)],
        c.IMO: pd.array([9000000 + i if i % 3 else None for i in range(n)], dtype="Int64"),
        c.NAME: [HOSTILE_NAME if i == 0 else f"VESSEL {i}" for i in range(n)],
        c.FLAG: ["DK"] * n,
        c.RISK_SCORE: [1.0 - i / n for i in range(n)],
        c.RISK_RANK: list(range(1, n + 1)),
        c.RISK_BAND: ["high"] * 3 + ["medium"] * (n - 3),
        c.REASONS: [f"AIS gap of {10 + i} h at sea" for i in range(n)],
    }).sample(frac=1.0, random_state=3)  # stored order is not rank order


def summary() -> dict:  # type: ignore[type-arg]
    return {
        "date": "2026-11-22", "vessels": 30, "bands": {"high": 3, "medium": 27, "low": 0},
        "events": {"gap": 12, "spoofing": 2}, "positions": 17238, "statics": 3644,
        "quarantined": 7, "model_version": "2026-11-22-e419b6d508",
        "risk_list": "/data/out/risk_lists/date=2026-11-22",
        "ingest": {"files": 1, "lines_read": 24749, "duplicate_sentences": 1102,
                   "quarantined": {"bad_checksum": 3, "incomplete_fragments": 4}},
        "settings_changed": {"detection.gaps.min_gap_h": 8.0},
    }


def test_summary_markdown_gives_counts_quarantine_reasons_events_and_settings() -> None:
    text = summary_markdown(summary(), risk_list())
    assert "Vessel risk screening, 2026-11-22" in text
    assert "24749" in text and "17238" in text
    assert "| bad\\_checksum | 3 |" in text and "| incomplete\\_fragments | 4 |" in text
    assert "| gap | 12 |" in text and "| spoofing | 2 |" in text
    assert "detection\\.gaps\\.min\\_gap\\_h" in text
    assert "/data/out/risk_lists/date=2026-11-22" in text


def test_summary_markdown_lists_the_top_twenty_in_rank_order_with_reasons() -> None:
    text = summary_markdown(summary(), risk_list())
    rows = [line for line in text.splitlines() if line.startswith("| ") and "AIS gap" in line]
    assert len(rows) == TOP_N
    assert [int(r.split("|")[1]) for r in rows] == list(range(1, TOP_N + 1))
    assert "AIS gap of 10 h at sea" in rows[0]
    assert "Top 20 of 30" in text


def test_summary_markdown_shows_feed_text_as_text_not_markup() -> None:
    text = summary_markdown(summary(), risk_list())
    assert "<img" not in text and "**LOUD**" not in text and "[bold red]" not in text
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in text
    assert "\\*\\*LOUD\\*\\*" in text and "\\| pipe" in text


def test_summary_markdown_says_none_for_a_clean_day() -> None:
    clean = summary() | {"events": {}, "settings_changed": {}}
    clean["ingest"] = clean["ingest"] | {"quarantined": {}}
    text = summary_markdown(clean, risk_list(5))
    assert text.count("\nnone\n") == 2
    assert "Settings that differ" not in text


def test_summary_markdown_names_a_report_when_the_summary_has_one() -> None:
    text = summary_markdown(summary() | {"report": "/data/out/reports/r.html"}, risk_list(3))
    assert "report: `/data/out/reports/r.html`" in text


def test_top_table_gives_plain_records_in_rank_order() -> None:
    rows = top_table(risk_list())
    assert len(rows) == TOP_N
    assert [r[c.RISK_RANK] for r in rows] == list(range(1, TOP_N + 1))
    first = rows[0]
    assert first[c.RISK_SCORE] == 1.0 and isinstance(first[c.MMSI], int)
    assert first[c.IMO] == "" and "<img" not in first[c.NAME]
    assert set(first) == {c.RISK_RANK, c.MMSI, c.IMO, c.NAME, c.FLAG, c.RISK_SCORE,
                          c.RISK_BAND, c.REASONS}


def test_md_text_puts_multi_line_text_on_one_line() -> None:
    assert md_text("A\nB\tC") == "A B C"
    assert md_text(None) == "" and md_text(float("nan")) == ""
