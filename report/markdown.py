"""The day's summary and the top of the list as Markdown, for the flow run's Prefect artifact.

Names from the feed or registry are data: Markdown's and HTML's special characters in them are
escaped, so ``*[/]*`` shows as typed and never as emphasis, a link or a tag.
"""

from __future__ import annotations

import re
from html import escape

import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.report import words
from vessel_risk.report.summary import DaySummary

# Every character Markdown gives a meaning to somewhere (emphasis, links, headings, lists, tables,
# quotes): escaped, feed text can never become markup.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md_text(value: object) -> str:
    """Plain text safe in Markdown (table cells included): HTML-escaped, specials backslashed."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False))


def day_markdown(summary: DaySummary, listed: pd.DataFrame, report_path: str, top: int = 10) -> str:
    """The artifact's Markdown: what the report's summary says, the top ``top`` rows, and where
    the full report is."""
    cov = summary.coverage
    bands = ", ".join(f"{n} {b}" for b, n in summary.bands)
    events = ", ".join(f"{words.event_label(e.event_type)} {e.events}" for e in summary.events)
    lines = [
        f"# Vessel risk list, {summary.day.isoformat()}",
        "",
        f"**{summary.vessels} vessels screened**: {bands}.",
        "",
        f"**{md_text(summary.model.sentence())}**",
        "",
        f"Events in the {summary.lookback_days}-day window: {md_text(events) or 'none'}.",
        "",
        f"Data coverage of the day (UTC): {cov.positions} positions from {cov.vessels_heard} "
        f"vessels, {cov.static_reports} static reports, positions in "
        f"{cov.hours_with_positions} of 24 hours, longest silence of the feed "
        f"{words.hours(cov.longest_silence_h)}; "
        f"{sum(n for _, n in cov.quarantined)} lines quarantined.",
        "",
        f"Full report (maps, timelines, every vessel): `{report_path.replace('`', '')}`",
        "",
        "| # | Name | MMSI | Band | Score | Reasons |",
        "|---:|---|---:|---|---:|---|",
    ]
    for r in listed.head(top).to_dict("records"):
        lines.append(
            f"| {int(r[c.RISK_RANK])} | {md_text(r[c.NAME])} | {int(r[c.MMSI])} | "
            f"{md_text(r[c.RISK_BAND])} | {float(r[c.RISK_SCORE]):.2f} | {md_text(r[c.REASONS])} |"
        )
    lines.append("")
    lines.append("Times are UTC.")
    return "\n".join(lines) + "\n"
