"""The report page: the day's summary, the top of the list, one section per vessel with its map,
then every vessel in a sortable table. One HTML file with its styles inside; no script, no link
out, nothing fetched. Every text from the feed or the registry is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.report import words
from vessel_risk.report.dossier import Dossier
from vessel_risk.report.layers import MapLayers
from vessel_risk.report.maps import (
    EVENT_COLOURS,
    JUMP,
    OTHER_EVENT_COLOUR,
    PARTNER,
    PORT,
    SILENT,
    TRACK,
    Extent,
)
from vessel_risk.report.summary import DaySummary
from vessel_risk.report.svg_timeline import timeline_svg
from vessel_risk.report.table import sortable_css, sortable_table

TITLE = "Vessel risk list, {day}"

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;color:#222}
h1{margin-bottom:.2em}h2{margin-top:1.6em}h3{margin:1em 0 .3em;font-size:1em}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;
font-size:14px;text-align:left}th{background:#f3f3f3}td.n{text-align:right}
.note{color:#555;font-size:13px}.warn{background:#fff3cd;border:1px solid #e0c36a;padding:.6em 1em}
.band{padding:1px 6px;border-radius:3px;font-weight:600}
.high{background:#fbd5d5}.medium{background:#fdf1c7}.low{background:#e3f4e1}
section.vessel{border-top:2px solid #888;margin-top:2em;padding-top:.5em;
content-visibility:auto;contain-intrinsic-size:auto 1150px}
.cols{display:flex;flex-wrap:wrap;gap:1.2em}.cols>.mapbox{flex:0 1 640px}.cols>.facts{flex:1 1 380px}
svg.map{width:100%;height:auto;max-width:640px;border:1px solid #bbb;background:#dcebf5}
svg.map *{stroke-linejoin:round;stroke-linecap:butt}
svg.timeline{width:100%;height:auto}svg.timeline .grid{stroke:#bbb;stroke-width:1}
svg.timeline text{font-size:11px;fill:#333}
ul.legend{list-style:none;padding:0;margin:.3em 0;font-size:12px;display:flex;flex-wrap:wrap;
gap:.3em 1em}ul.legend svg{width:22px;height:12px;vertical-align:middle}
ol.events{padding-left:1.4em}ol.events li{margin:.2em 0}.when{color:#555;white-space:nowrap}
ul.reasons li{margin:.2em 0}.bars{display:flex;align-items:flex-end;gap:1px;height:40px}
.bars span{display:inline-block;width:10px;background:#1f5fa8}
.sortable{font-size:13px}
.sortable td,.sortable th{border:0;border-bottom:1px solid #e4e4e4;padding:2px 4px;font-size:13px}
.sortable th{background:#f3f3f3}
"""


@dataclass(frozen=True)
class VesselSection:
    dossier: Dossier
    map_svg: str
    extent: Extent
    layers: MapLayers


def render_page(summary: DaySummary, listed: pd.DataFrame, sections: Sequence[VesselSection],
                names: dict[int, str], top_rows: int, silent_after_h: float) -> str:
    title = TITLE.format(day=summary.day.isoformat())
    with_section = {s.dossier.mmsi for s in sections}
    body = [
        f"<h1>{escape(title)}</h1>",
        '<p class="note">Times are UTC. Scores are calibrated probabilities that a boarding finds '
        "the vessel of interest: they rank vessels for attention; they are not evidence.</p>",
        _model_banner(summary),
        _summary_html(summary),
        _top_list(listed.head(top_rows), with_section),
        f"<h2 id=\"sections\">The top {len(sections)} vessels</h2>" if sections else "",
        *(_section_html(s, names, silent_after_h) for s in sections),
        f'<h2 id="all">All {len(listed)} vessels</h2>',
        '<p class="note">Click a column name to sort by it; click again to reverse. '
        "Names link to a vessel's section where it has one.</p>",
        sortable_table(listed, with_section),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title>"
        f"<style>{_CSS}\n{sortable_css()}</style></head><body>\n"
        + "\n".join(part for part in body if part)
        + "\n</body></html>\n"
    )


def _model_banner(summary: DaySummary) -> str:
    model = summary.model
    notes = "".join(f"<br><span class=\"note\">Card note: {escape(n)}</span>" for n in model.notes)
    css = "warn" if model.demonstration in (True, None) else "note"
    return f'<p class="{css}" id="model"><b>{escape(model.sentence())}</b>{notes}</p>'


def _summary_html(s: DaySummary) -> str:
    cov = s.coverage
    bands = "".join(f'<tr><td><span class="band {b}">{b}</span></td><td class="n">{n}</td></tr>'
                    for b, n in s.bands)
    events = "".join(
        f"<tr><td>{escape(words.event_label(e.event_type))}</td><td class=\"n\">{e.events}</td>"
        f"<td class=\"n\">{e.vessels}</td></tr>" for e in s.events
    ) or '<tr><td colspan="3">none</td></tr>'
    peak = max(cov.positions_by_hour) or 1
    bars = "".join(
        f'<span style="height:{max(1, round(40 * n / peak)) if n else 0}px" '
        f'title="{h:02d}:00-{h + 1:02d}:00 UTC: {n} positions"></span>'
        for h, n in enumerate(cov.positions_by_hour))
    days = "".join(f'<tr><td>{d.isoformat()}</td><td class="n">{n}</td></tr>'
                   for d, n in cov.positions_by_day)
    quarantined = ", ".join(f"{escape(r)} {n}" for r, n in cov.quarantined) or "none"
    window = f"{s.lookback_days}-day window ending {s.day.isoformat()}"
    return f"""<h2 id="summary">Summary</h2>
<div class="cols"><div>
<h3>{s.vessels} vessels screened</h3><table id="bands"><tr><th>Band</th><th>Vessels</th></tr>
{bands}</table></div>
<div><h3>Events in the {escape(window)}</h3><table id="events-by-type"><tr><th>Event</th>
<th>Events</th><th>Vessels</th></tr>{events}</table></div>
<div><h3>Data coverage of {s.day.isoformat()}</h3><table id="coverage">
<tr><td>Positions</td><td class="n">{cov.positions}</td></tr>
<tr><td>Vessels heard</td><td class="n">{cov.vessels_heard}</td></tr>
<tr><td>Static reports</td><td class="n">{cov.static_reports}</td></tr>
<tr><td>Hours with positions</td><td class="n">{cov.hours_with_positions} of 24</td></tr>
<tr><td>Longest silence of the whole feed</td><td class="n">{words.hours(cov.longest_silence_h)}</td></tr>
<tr><td>Lines quarantined</td><td>{quarantined}</td></tr></table>
<p class="note">Positions by hour (UTC):</p><div class="bars" aria-label="positions by hour">{bars}</div>
</div><div><h3>Positions by day</h3><table><tr><th>Day (UTC)</th><th>Positions</th></tr>
{days}</table></div></div>"""


def _top_list(top: pd.DataFrame, with_section: set[int]) -> str:
    rows = []
    for r in top.to_dict("records"):
        mmsi = int(r[c.MMSI])
        name = escape(_text(r[c.NAME])) or "<i>no name</i>"
        if mmsi in with_section:
            name = f'<a href="#v{mmsi}">{name}</a>'
        band = escape(_text(r[c.RISK_BAND]))
        first_reason = escape(_text(r[c.REASONS]).split("; ")[0])
        rows.append(f"<tr><td class=\"n\">{int(r[c.RISK_RANK])}</td><td>{name}</td>"
                    f"<td>{mmsi}</td><td><span class=\"band {band}\">{band}</span></td>"
                    f"<td class=\"n\">{float(r[c.RISK_SCORE]):.2f}</td><td>{first_reason}</td></tr>")
    return (f'<h2 id="top">Top {len(top)}</h2><table id="top-list"><tr><th>#</th><th>Name</th>'
            "<th>MMSI</th><th>Band</th><th>Score</th><th>Main reason</th></tr>"
            + "".join(rows) + "</table>")


def _section_html(section: VesselSection, names: dict[int, str], silent_after_h: float) -> str:
    d = section.dossier
    band = escape(d.band)
    identity = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
                       for k, v in d.identity())
    reasons = "".join(f"<li>{escape(r)}</li>" for r in d.reasons) or "<li>none given</li>"
    events = "".join(
        f'<li class="ev-{escape(e.event_type)}"><span class="when">{escape(e.when)}</span> '
        f"<b>{escape(e.label)}</b>: {escape(e.text)}</li>" for e in d.events
    ) or "<li>none in the window</li>"
    heard_h = sum((b - a).total_seconds() for a, b in d.heard) / 3600.0
    return f"""<section class="vessel" id="v{d.mmsi}" data-mmsi="{d.mmsi}" data-rank="{d.rank}">
<h2>#{d.rank} {escape(d.title)} <span class="band {band}">{band} {d.score:.2f}</span></h2>
<div class="cols"><div class="mapbox">{section.map_svg}
<p class="note">Track over the window ({escape(words.utc(d.window_start))} to
{escape(words.utc(d.window_end))}), {escape(section.extent.caption())}.</p>
{_legend(section.layers, names)}</div>
<div class="facts"><table class="identity">{identity}</table>
<h3>Why it is listed</h3><ul class="reasons">{reasons}</ul></div></div>
<h3>Timeline (UTC): heard {words.hours(heard_h)} ({d.fixes} fixes); silences of {words.hours(silent_after_h)} or more in grey</h3>
{timeline_svg(d)}
<h3>Events</h3><ol class="events">{events}</ol>
</section>"""


def _legend(layers: MapLayers, names: dict[int, str]) -> str:
    items = [(_line_icon(TRACK, ""), "track (heard)"),
             (_dot_icon(TRACK, hollow=True), "first fix"), (_dot_icon(TRACK), "last fix")]
    if layers.silent:
        items.append((_line_icon(SILENT, "4 3"), "silent (not heard)"))
    if layers.jumps:
        items.append((_line_icon(JUMP, "1 2"), "implausible jump"))
    kinds = {m.event.event_type for m in layers.marks}
    words_for = {
        "gap": "went dark (filled) / reappeared (ring)", "encounter": "meeting point",
        "loitering": "loitering area", "spoofing": "jumped-to position",
        "identity_shared": "two transmitters on one MMSI", "port_visit": "port visit",
    }
    for kind in sorted(kinds):
        colour = EVENT_COLOURS.get(kind, OTHER_EVENT_COLOUR)
        items.append((_dot_icon(colour), words_for.get(kind, words.event_label(kind))))
    for p in layers.partners:
        items.append((_line_icon(PARTNER, ""), f"track of {words.vessel_ref(p.mmsi, names)} "
                                                "around the meeting"))
    items.append((_dot_icon(PORT, square=True), "port"))
    return '<ul class="legend">' + "".join(
        f"<li>{icon} {escape(text)}</li>" for icon, text in items) + "</ul>"


def _line_icon(colour: str, dash: str) -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg viewBox="0 0 22 12"><line x1="1" y1="6" x2="21" y2="6" stroke="{colour}" '
            f'stroke-width="2"{dashes}/></svg>')


def _dot_icon(colour: str, hollow: bool = False, square: bool = False) -> str:
    fill = "white" if hollow else colour
    shape = (f'<rect x="7" y="2" width="8" height="8" fill="{fill}" stroke="{colour}"/>' if square
             else f'<circle cx="11" cy="6" r="4" fill="{fill}" stroke="{colour}" stroke-width="1.5"/>')
    return f'<svg viewBox="0 0 22 12">{shape}</svg>'


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)
