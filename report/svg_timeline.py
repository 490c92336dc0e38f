"""A vessel's window as a strip: when it was heard, when silent, and its events, in UTC."""

from __future__ import annotations

from datetime import timedelta
from html import escape

import pandas as pd

from vessel_risk.report import words
from vessel_risk.report.dossier import Dossier
from vessel_risk.report.maps import EVENT_COLOURS, OTHER_EVENT_COLOUR, TRACK

WIDTH = 1000.0
LABEL_W = 170.0  # room for the row names on the left
ROW_H = 16.0
AXIS_H = 16.0
MIN_MARK_W = 2.0  # an instant (or a lone fix) still shows as a sliver
SILENT_FILL = "#d9d9d9"


def timeline_svg(dossier: Dossier) -> str:
    """The strip as an inline SVG element; every mark has a tooltip (``<title>``)."""
    start, end = dossier.window_start, dossier.window_end
    span_s = (end - start).total_seconds()
    plot_w = WIDTH - LABEL_W

    def x(ts: pd.Timestamp) -> float:
        share = (min(max(ts, start), end) - start).total_seconds() / span_s
        return LABEL_W + share * plot_w

    types = sorted({e.event_type for e in dossier.events},
                   key=lambda t: (list(words.EVENT_LABELS).index(t)
                                  if t in words.EVENT_LABELS else 99, t))
    rows = ["heard", *types]
    height = AXIS_H + ROW_H * len(rows)
    parts = [f'<svg class="timeline" viewBox="0 0 {WIDTH:.0f} {height:.0f}" role="img" '
             f'aria-label="{escape(dossier.title)}: heard, silent and events over the window, UTC">']
    # day grid and labels
    day = start
    while day < end:
        gx = x(day)
        parts.append(f'<line x1="{gx:.1f}" y1="0" x2="{gx:.1f}" y2="{height:.0f}" class="grid"/>')
        parts.append(f'<text x="{gx + 3:.1f}" y="11" class="tick">{day:%m-%d}</text>')
        day += timedelta(days=1)
    parts.append(f'<text x="{WIDTH - 3:.0f}" y="11" class="tick" text-anchor="end">UTC</text>')
    for i, row in enumerate(rows):
        y = AXIS_H + i * ROW_H
        label = "Heard / silent" if row == "heard" else words.event_label(row)
        parts.append(f'<text x="0" y="{y + ROW_H - 4:.1f}" class="row">{escape(label)}</text>')
    y0 = AXIS_H + 2
    h = ROW_H - 4
    parts.append(f'<g class="silent"><rect x="{LABEL_W:.1f}" y="{y0:.1f}" width="{plot_w:.1f}" '
                 f'height="{h:.1f}" fill="{SILENT_FILL}"><title>silent (not heard)</title></rect>')
    for a, b in dossier.silent:
        hours = words.hours((b - a).total_seconds() / 3600.0)
        parts.append(_rect(x(a), x(b), y0, h, SILENT_FILL,
                           f"silent {hours}: {words.span(a, b)}"))
    parts.append('</g><g class="heard">')
    for a, b in dossier.heard:
        parts.append(_rect(x(a), x(b), y0, h, TRACK, f"heard {words.span(a, b)}"))
    parts.append("</g>")
    for i, event_type in enumerate(types, start=1):
        y = AXIS_H + i * ROW_H + 2
        colour = EVENT_COLOURS.get(event_type, OTHER_EVENT_COLOUR)
        parts.append(f'<g class="ev" data-type="{escape(event_type)}">')
        for e in dossier.events:
            if e.event_type == event_type:
                parts.append(_rect(x(e.start), x(e.end), y, h, colour,
                                   f"{e.label}, {e.when}: {e.text}"))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _rect(x0: float, x1: float, y: float, h: float, colour: str, title: str) -> str:
    w = max(x1 - x0, MIN_MARK_W)
    return (f'<rect x="{x0:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{colour}">'
            f"<title>{escape(title)}</title></rect>")
