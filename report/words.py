"""Events and times in the words an officer reads. Plain text: callers escape it for their medium."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd

from vessel_risk.common import columns as c

# What each event type is called in the report; an unknown type is named after its code.
EVENT_LABELS: dict[str, str] = {
    c.GAP: "AIS dark",
    c.ENCOUNTER: "Meeting at sea",
    c.LOITERING: "Loitering",
    c.SPOOFING: "Position jump",
    c.IDENTITY_SHARED: "MMSI used by two transmitters",
    c.IDENTITY_CHANGE: "Identity change",
    c.INVALID_MMSI: "Invalid MMSI",
    c.FLAG_MISMATCH: "Flag mismatch",
    c.WATCHLIST: "Watchlist",
    c.PORT_VISIT: "Port visit",
    "area_visit": "In an area of interest",
}
# Events that happen somewhere, and so are drawn on the map; the others are about identity.
SPATIAL_EVENT_TYPES = frozenset(
    {c.GAP, c.ENCOUNTER, c.LOITERING, c.SPOOFING, c.IDENTITY_SHARED, c.PORT_VISIT, "area_visit"})

_MMSI_IN_TEXT = re.compile(r"(?<!\d)(\d{9})(?!\d)")


def event_label(event_type: str) -> str:
    return EVENT_LABELS.get(event_type, event_type.replace("_", " ").capitalize())


def utc(ts: pd.Timestamp | None) -> str:
    """``2026-11-20 09:23 UTC``; empty for a missing time."""
    if ts is None or pd.isna(ts):
        return ""
    return pd.Timestamp(ts).tz_convert("UTC").strftime("%Y-%m-%d %H:%M UTC")


def span(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """``2026-11-20 09:23 - 09:37 UTC``, the end's date written only when it differs."""
    if pd.isna(end) or end == start:
        return utc(start)
    s, e = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")
    end_text = e.strftime("%H:%M") if e.date() == s.date() else e.strftime("%Y-%m-%d %H:%M")
    return f"{s.strftime('%Y-%m-%d %H:%M')} - {end_text} UTC"


def hours(value: float) -> str:
    """A duration: ``15.2 h``, ``14 min`` below an hour."""
    if not math.isfinite(value):
        return ""
    return f"{value:.1f} h" if value >= 1.0 else f"{value * 60:.0f} min"


def vessel_ref(mmsi: int, names: Mapping[int, str]) -> str:
    """``BLUE EXPRESS (MMSI 219000123)``, or ``MMSI 219000123`` when the name is unknown."""
    name = names.get(int(mmsi))
    return f"{name} (MMSI {int(mmsi)})" if name else f"MMSI {int(mmsi)}"


def name_vessels(text: str, names: Mapping[int, str]) -> str:
    """``text`` with each 9-digit MMSI of a known vessel followed by its name."""
    def sub(match: re.Match[str]) -> str:
        name = names.get(int(match.group(1)))
        return f"{name} ({match.group(1)})" if name else match.group(1)

    return _MMSI_IN_TEXT.sub(sub, text)


def event_sentence(event_type: str, detail: str, other_mmsi: int | None,
                   names: Mapping[int, str]) -> str:
    """What happened, in words: the detector's detail, both vessels of a pair named."""
    detail = name_vessels(detail or "", names)
    if other_mmsi is None:
        return detail
    other = vessel_ref(other_mmsi, names)
    lead = f"met {other} at sea" if event_type == c.ENCOUNTER else f"with {other}"
    return f"{lead}: {detail}" if detail else lead
