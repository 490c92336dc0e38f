"""Terminal views of risk lists, run summaries and one vessel's dossier (Rich).

Every text that comes from the feed, the registry or the store (names, reasons, paths, versions)
goes to Rich as a ``Text`` or through ``escape``: it is data, never markup, so a ship named
``[/]`` prints as ``[/]``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from vessel_risk import storage
from vessel_risk.common import columns as c
from vessel_risk.common.errors import StorageError
from vessel_risk.report import words
from vessel_risk.report.dossier import Dossier, split_reasons
from vessel_risk.storage.layout import store_of

_BAND_STYLE = {"high": "bold red", "medium": "yellow", "low": "green"}
# Below this width the list is printed vessel by vessel (reasons on their own lines); at and above
# it, as a table whose reasons column still has room for ~45 characters a line.
_TABLE_MIN_WIDTH = 100
# At and above this width the table also shows IMO, flag and type.
_WIDE_TABLE_MIN_WIDTH = 150
_INDENT = 4


def latest_day(out: Path, table: str) -> date:
    days = storage.available_days(out, table)
    if not days:
        raise StorageError(f"no {table} under {store_of(out)}: run `vessel-risk run` first")
    return days[-1]


def print_summary(console: Console, summary: dict[str, Any]) -> None:
    ingest = summary["ingest"]
    quarantined = sum(ingest["quarantined"].values())
    console.print(
        f"[bold]Screening {escape(str(summary['date']))}[/]: {summary['vessels']} vessels, "
        f"{summary['positions']} positions, {summary['statics']} static reports; "
        f"{ingest['lines_read']} lines read, {quarantined} quarantined, "
        f"{ingest['duplicate_sentences']} duplicates. Model {escape(str(summary['model_version']))}."
    )
    if summary.get("files_skipped"):
        console.print(f"[dim]{summary['files_skipped']} input files already in the store "
                      "(ingest manifest): not read again; their counts are from when they "
                      "were read.[/]")
    untimed = ingest["quarantined"].get("no_receive_time", 0)
    if untimed:
        console.print(
            f"[yellow]{untimed} AIS lines have no receive time and were quarantined.[/] Give the "
            "capture time with --capture-time YYYY-MM-DDTHH:MM:SSZ, or use files whose lines "
            "carry tag blocks (\\s:...,c:UNIX*hh\\), $PGHP lines or a timestamp column."
        )
    if summary["events"]:
        console.print(Text("Events: " + ", ".join(f"{k} {v}" for k, v in summary["events"].items())))
    console.print(Text(f"Risk list: {summary['risk_list']}", style="dim"))
    if summary.get("report"):
        console.print(Text(f"Report: {summary['report']}", style="dim"))


def print_risk_list(console: Console, out: Path, day: date, top: int) -> None:
    listed = storage.read_partition(out, storage.RISK_LISTS, day)
    console.print(Text.assemble(
        (f"Risk list {day.isoformat()}", "bold"), f" (top {min(top, len(listed))} of {len(listed)})"))
    print_table(console, listed, top)


def print_table(console: Console, listed: pd.DataFrame, top: int) -> None:
    """The top of a risk list: a table on a wide terminal, vessel by vessel on a narrow one.
    Reasons wrap at word boundaries at any width; nothing is cut."""
    rows = listed.sort_values(c.RISK_RANK, kind="mergesort").head(top)
    if console.width < _TABLE_MIN_WIDTH:
        console.print(Group(*(_stacked(rec) for rec in rows.to_dict("records"))))
        return
    wide = console.width >= _WIDE_TABLE_MIN_WIDTH
    table = Table(show_lines=True, expand=True)
    headers = ("#", "MMSI", "IMO", "Name", "Flag", "Type", "Score", "Band") if wide else (
        "#", "MMSI", "Name", "Score", "Band")
    for header in headers:
        table.add_column(header, overflow="fold", no_wrap=header in ("#", "MMSI", "Score"))
    table.add_column("Reasons", overflow="fold", ratio=1, min_width=40)
    for rec in rows.to_dict("records"):
        cells = {
            "#": Text(str(rec[c.RISK_RANK])), "MMSI": Text(str(rec[c.MMSI])),
            "IMO": Text(_imo(rec[c.IMO])), "Name": Text(_text(rec[c.NAME])),
            "Flag": Text(_text(rec[c.FLAG])), "Type": Text(_text(rec[c.SHIP_TYPE])),
            "Score": Text(f"{rec[c.RISK_SCORE]:.2f}"), "Band": _band(rec[c.RISK_BAND]),
        }
        table.add_row(*(cells[h] for h in headers), _reasons_text(rec[c.REASONS]))
    console.print(table)


def _stacked(rec: dict[str, Any]) -> Group:
    head = Text.assemble(
        (f"{rec[c.RISK_RANK]:>3} ", "bold"), (_text(rec[c.NAME]) or "(no name)", "bold"),
        f"  MMSI {rec[c.MMSI]}  ", _band(rec[c.RISK_BAND]), f" {rec[c.RISK_SCORE]:.2f}")
    reasons = split_reasons(_text(rec[c.REASONS]))
    return Group(head, Padding(_bullets([Text(r) for r in reasons]), (0, 0, 0, _INDENT)))


def _bullets(items: list[Text]) -> Table:
    """A list whose wrapped lines hang under their first word."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, width=1)
    grid.add_column(overflow="fold")
    for item in items:
        grid.add_row("-", item)
    return grid


def _reasons_text(value: object) -> Text:
    return Text("\n".join(f"- {r}" for r in split_reasons(_text(value))))


def print_dossier(console: Console, dossier: Dossier) -> None:
    """One vessel's dossier: the report's section for it, without the map."""
    console.print(Text.assemble((f"#{dossier.rank} {dossier.title}", "bold"), "  ",
                                _band(dossier.band), f" {dossier.score:.2f}"))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column(overflow="fold")
    for label, value in dossier.identity():
        facts.add_row(Text(label), Text(value))
    console.print(facts)
    console.print(Text("Why it is listed", style="bold"))
    console.print(Padding(_bullets([Text(r) for r in dossier.reasons or ("none given",)]),
                          (0, 0, 0, 2)))
    heard_h = sum((b - a).total_seconds() for a, b in dossier.heard) / 3600.0
    console.print(Text(f"Timeline (UTC), {words.utc(dossier.window_start)} to "
                       f"{words.utc(dossier.window_end)}: heard {words.hours(heard_h)}, "
                       f"{dossier.fixes} fixes", style="bold"))
    console.print(_strip(dossier, max(10, console.width - 24)))
    silences = [Text(f"silent {words.hours((b - a).total_seconds() / 3600.0)}: "
                     f"{words.span(a, b)}") for a, b in dossier.silent]
    if silences:
        console.print(Padding(_bullets(silences), (0, 0, 0, 2)))
    console.print(Text("Events", style="bold"))
    events = [Text.assemble((e.when, "dim"), " ", (e.label, "bold"), ": ", e.text)
              for e in dossier.events] or [Text("none in the window")]
    console.print(Padding(_bullets(events), (0, 0, 0, 2)))


def _strip(dossier: Dossier, width: int) -> Table:
    """The timeline as text: one character per slice of the window; # heard, . silent, and one
    row per event type with * where it happened."""
    start, end = dossier.window_start, dossier.window_end
    step = (end - start) / width
    cells = [(start + step * i, start + step * (i + 1)) for i in range(width)]

    def row(spans: list[tuple[pd.Timestamp, pd.Timestamp]], on: str, off: str) -> Text:
        return Text("".join(on if any(a < ce and b >= cs for a, b in spans) else off
                            for cs, ce in cells))

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, width=21)
    grid.add_column(no_wrap=True)
    grid.add_row(Text("heard # / silent ."), row(list(dossier.heard), "#", "."))
    for event_type in dict.fromkeys(e.event_type for e in dossier.events):
        spans = [(e.start, e.end) for e in dossier.events if e.event_type == event_type]
        grid.add_row(Text(words.event_label(event_type)[:21]), row(spans, "*", " "))
    return grid


def _band(band: object) -> Text:
    text = _text(band)
    return Text(text, style=_BAND_STYLE.get(text, ""))


def _imo(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))  # type: ignore[call-overload]


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
