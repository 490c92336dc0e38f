"""What a run shows in the Prefect UI: a markdown summary and a table of the top of the list.

:func:`summary_markdown` and :func:`top_table` are pure functions of the run summary and the risk
list, so they are easy to test and to extend; :func:`publish` hands them to Prefect. When the run
wrote the officers' report, its summary and top list (``vessel_risk.report.day_markdown``: the
model, the day's data coverage, the report's path) head the page, so the artifact says what the
report says. Names and reasons come from feeds and registries: they are escaped, never rendered
as markdown or HTML.
"""

from typing import Any

import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.report.markdown import md_text

TOP_N = 20
SUMMARY_KEY = "daily-screening-summary"
TOP_KEY = "daily-screening-top"

def _cell(value: object) -> object:
    """A table cell: numbers as they are, text as plain data."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    if isinstance(value, bool | int | float):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return md_text(value)


def top_rows(listed: pd.DataFrame, top: int = TOP_N) -> pd.DataFrame:
    return listed.sort_values(c.RISK_RANK, kind="mergesort").head(top)


def top_table(listed: pd.DataFrame, top: int = TOP_N) -> list[dict[str, Any]]:
    """The top ``top`` rows of the risk list as records for a table artifact."""
    columns = [c.RISK_RANK, c.MMSI, c.IMO, c.NAME, c.FLAG, c.RISK_SCORE, c.RISK_BAND, c.REASONS]
    rows = top_rows(listed, top)
    return [
        {col: (round(float(rec[col]), 3) if col == c.RISK_SCORE else _cell(rec[col]))
         for col in columns}
        for rec in rows[columns].to_dict("records")
    ]


def summary_markdown(summary: dict[str, Any], listed: pd.DataFrame, top: int = TOP_N,
                     report_markdown: str | None = None) -> str:
    """The run in a page: counts, quarantine by reason, events by type, the top with reasons;
    headed by ``report_markdown`` (the report's own summary and top list) when there is one."""
    ingest = summary.get("ingest", {})
    lines = [
        f"- vessels screened: **{summary['vessels']}**; bands: "
        + ", ".join(f"{k} {v}" for k, v in summary.get("bands", {}).items()),
        f"- positions: {summary['positions']}; static reports: {summary['statics']}",
        f"- lines read: {ingest.get('lines_read', 0)} in {ingest.get('files', 0)} files; "
        f"duplicates: {ingest.get('duplicate_sentences', 0)}; "
        f"quarantined: {summary['quarantined']}",
        f"- model: {md_text(summary['model_version'])}",
        f"- risk list: `{summary['risk_list']}`",
    ]
    for extra in ("report",):  # written by other stages when they ran
        if summary.get(extra):
            lines.append(f"- {extra}: `{summary[extra]}`")
    lines += ["", "## Quarantine by reason", ""]
    lines += _counts(ingest.get("quarantined", {}), "reason")
    lines += ["", "## Events by type", ""]
    lines += _counts(summary.get("events", {}), "event type")
    changed = summary.get("settings_changed", {})
    if changed:
        lines += ["", "## Settings that differ from the defaults", ""]
        lines += _counts(changed, "setting", "value")
    if report_markdown:  # the report's summary and top list head the page
        return report_markdown + "\n## The run\n\n" + "\n".join(lines) + "\n"
    lines = [f"# Vessel risk screening, {summary['date']}", "", *lines]
    lines += ["", f"## Top {min(top, len(listed))} of {len(listed)}", "",
              "| # | MMSI | Name | Flag | Score | Band | Reasons |",
              "| ---: | ---: | --- | --- | ---: | --- | --- |"]
    for rec in top_rows(listed, top).to_dict("records"):
        lines.append(
            f"| {rec[c.RISK_RANK]} | {rec[c.MMSI]} | {md_text(rec[c.NAME])} | "
            f"{md_text(rec[c.FLAG])} | {float(rec[c.RISK_SCORE]):.2f} | "
            f"{md_text(rec[c.RISK_BAND])} | {md_text(rec[c.REASONS])} |")
    return "\n".join(lines) + "\n"


def _counts(counts: dict[str, Any], what: str, value: str = "count") -> list[str]:
    if not counts:
        return ["none"]
    rows = [f"| {what} | {value} |", "| --- | ---: |"]
    rows += [f"| {md_text(k)} | {md_text(v)} |" for k, v in counts.items()]
    return rows


def publish(summary: dict[str, Any], listed: pd.DataFrame, report_markdown: str | None = None,
            top: int = TOP_N) -> None:
    """Create the run's markdown and table artifacts (inside a flow run)."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    day = summary["date"]
    create_markdown_artifact(summary_markdown(summary, listed, top, report_markdown),
                             key=SUMMARY_KEY,
                             description=f"Screening summary for {day}")
    create_table_artifact(top_table(listed, top), key=TOP_KEY,
                          description=f"Top {top} of the risk list for {day}")
