"""The day's self-contained HTML report for officers: one file, no scripts, no outside links."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pandas as pd

from vessel_risk import columns as c
from vessel_risk import storage

REPORTS = "reports"

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:4px 6px;
vertical-align:top;font-size:14px}th{background:#f0f0f0;text-align:left}
.high{background:#fbd5d5}.medium{background:#fdf1c7}.low{background:#e3f4e1}
.small{color:#666;font-size:12px}h2{margin-top:1.5em}
"""


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def render_report(listed: pd.DataFrame, events: pd.DataFrame, day: date, top: int) -> str:
    """The report as an HTML string (deterministic for the same inputs)."""
    ranked = listed.sort_values(c.RISK_RANK).head(top)
    bands = listed[c.RISK_BAND].value_counts()
    version = listed[c.MODEL_VERSION].iloc[0] if len(listed) else ""
    rows = []
    for r in ranked.itertuples(index=False):
        rec = r._asdict()
        seen = rec[c.LAST_SEEN]
        where = ("" if pd.isna(rec[c.LAST_LAT]) else
                 f"{rec[c.LAST_LAT]:.3f}, {rec[c.LAST_LON]:.3f}")
        rows.append(
            f"<tr class='{_cell(rec[c.RISK_BAND])}'><td>{rec[c.RISK_RANK]}</td>"
            f"<td>{rec[c.MMSI]}</td><td>{_cell(rec[c.IMO])}</td><td>{_cell(rec[c.NAME])}</td>"
            f"<td>{_cell(rec[c.FLAG])}</td><td>{_cell(rec[c.SHIP_TYPE])}</td>"
            f"<td>{rec[c.RISK_SCORE]:.2f}</td><td>{_cell(rec[c.RISK_BAND])}</td>"
            f"<td>{_cell(rec[c.REASONS])}</td>"
            f"<td>{_cell(seen.strftime('%Y-%m-%d %H:%M') if pd.notna(seen) else '')}<br>"
            f"<span class='small'>{where}</span></td><td>{_cell(rec[c.DESTINATION])}</td></tr>"
        )
    listed_mmsi = set(ranked[c.MMSI])
    own = events[events[c.MMSI].isin(listed_mmsi) & (events[c.EVENT_TYPE] != c.PORT_VISIT)]
    event_rows = [
        f"<tr><td>{e.mmsi}</td><td>{_cell(e.event_type)}</td>"
        f"<td>{e.start:%Y-%m-%d %H:%M}</td><td>{e.end:%Y-%m-%d %H:%M}</td>"
        f"<td>{e.duration_h:.1f}</td><td>{_cell(e.other_mmsi)}</td><td>{_cell(e.detail)}</td></tr>"
        for e in own.sort_values([c.MMSI, c.START]).itertuples(index=False)
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Vessel risk list {day}</title>
<style>{_CSS}</style></head><body>
<h1>Vessel risk list, {day}</h1>
<p>{len(listed)} vessels screened: {bands.get('high', 0)} high, {bands.get('medium', 0)} medium,
{bands.get('low', 0)} low. Model {html.escape(str(version))}.</p>
<p class="small">Scores are calibrated probabilities that a boarding finds the vessel of interest.
They rank vessels for attention; they are not evidence. Times are UTC.</p>
<h2>Top {len(ranked)}</h2>
<table><tr><th>#</th><th>MMSI</th><th>IMO</th><th>Name</th><th>Flag</th><th>Type</th>
<th>Score</th><th>Band</th><th>Reasons</th><th>Last seen</th><th>Destination</th></tr>
{''.join(rows)}</table>
<h2>Events of the listed vessels</h2>
<table><tr><th>MMSI</th><th>Event</th><th>Start</th><th>End</th><th>Hours</th><th>Other vessel</th>
<th>Detail</th></tr>{''.join(event_rows)}</table>
</body></html>
"""


def write_report(out: Path, day: date, top: int = 50) -> Path:
    listed = storage.read_partition(out, storage.RISK_LISTS, day)
    events = storage.read_partition(out, storage.EVENTS, day)
    path = Path(out) / REPORTS / f"risk_report_{day.isoformat()}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render_report(listed, events, day, top), encoding="utf-8")
    tmp.replace(path)
    return path
