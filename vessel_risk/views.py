"""Terminal views of risk lists and run summaries (Rich)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from vessel_risk import columns as c
from vessel_risk import storage
from vessel_risk.errors import StorageError

_BAND_STYLE = {"high": "bold red", "medium": "yellow", "low": "green"}


def latest_day(out: Path, table: str) -> date:
    days = storage.available_days(out, table)
    if not days:
        raise StorageError(f"no {table} under {out}: run `vessel-risk run` first")
    return days[-1]


def print_summary(console: Console, summary: dict[str, Any]) -> None:
    ingest = summary["ingest"]
    quarantined = sum(ingest["quarantined"].values())
    console.print(
        f"[bold]Screening {summary['date']}[/]: {summary['vessels']} vessels, "
        f"{summary['positions']} positions, {summary['statics']} static reports; "
        f"{ingest['lines_read']} lines read, {quarantined} quarantined, "
        f"{ingest['duplicate_sentences']} duplicates. Model {summary['model_version']}."
    )
    untimed = ingest["quarantined"].get("no_receive_time", 0)
    if untimed:
        console.print(
            f"[yellow]{untimed} AIS lines have no receive time and were quarantined.[/] Give the "
            "capture time with --capture-time YYYY-MM-DDTHH:MM:SSZ, or use files whose lines "
            "carry tag blocks (\\s:...,c:UNIX*hh\\), $PGHP lines or a timestamp column."
        )
    if summary["events"]:
        console.print("Events: " + ", ".join(f"{k} {v}" for k, v in summary["events"].items()))
    console.print(f"[dim]Risk list: {summary['risk_list']}[/]")


def print_risk_list(console: Console, out: Path, day: date, top: int) -> None:
    listed = storage.read_partition(out, storage.RISK_LISTS, day)
    console.print(f"[bold]Risk list {day.isoformat()}[/] (top {min(top, len(listed))} of {len(listed)})")
    print_table(console, listed, top)


_NARROW_CONSOLE = 120  # below this width, identity details give way to the reasons


def print_table(console: Console, listed: pd.DataFrame, top: int) -> None:
    wide = console.width >= _NARROW_CONSOLE
    table = Table(show_lines=True)
    headers = ("#", "MMSI", "IMO", "Name", "Flag", "Type", "Score", "Band") if wide else (
        "#", "MMSI", "Name", "Score", "Band")
    for header in headers:
        table.add_column(header, overflow="fold", ratio=1)
    table.add_column("Reasons", overflow="fold", ratio=5, min_width=30)
    for row in listed.sort_values(c.RISK_RANK).head(top).itertuples(index=False):
        rec = row._asdict()
        band = rec[c.RISK_BAND]
        cells = {
            "#": str(rec[c.RISK_RANK]), "MMSI": str(rec[c.MMSI]),
            "IMO": "" if pd.isna(rec[c.IMO]) else str(int(rec[c.IMO])),
            "Name": _text(rec[c.NAME]), "Flag": _text(rec[c.FLAG]),
            "Type": _text(rec[c.SHIP_TYPE]), "Score": f"{rec[c.RISK_SCORE]:.2f}",
            "Band": f"[{_BAND_STYLE.get(band, '')}]{band}[/]",
        }
        table.add_row(*(cells[h] for h in headers), _text(rec[c.REASONS]))
    console.print(table)


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
