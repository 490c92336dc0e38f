"""One vessel's dossier: who it is, how it scored and why, what it did over the window.

The same dossier feeds the HTML report's section and ``vessel-risk show --mmsi``; it holds plain
text, which each medium escapes for itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features.events import per_vessel_events
from vessel_risk.features.geo import format_position, haversine_nm
from vessel_risk.report import timeline, words
from vessel_risk.report.day import DayData
from vessel_risk.report.params import ReportParams

_REASON_SEPARATOR = "; "


@dataclass(frozen=True)
class EventLine:
    event_id: str
    event_type: str
    label: str
    start: pd.Timestamp
    end: pd.Timestamp
    duration_h: float
    lat: float
    lon: float
    other_mmsi: int | None
    text: str  # what happened, in words (both vessels named)

    @property
    def when(self) -> str:
        return words.span(self.start, self.end)

    @property
    def spatial(self) -> bool:
        return self.event_type in words.SPATIAL_EVENT_TYPES and bool(
            np.isfinite(self.lat) and np.isfinite(self.lon))


@dataclass(frozen=True)
class NearPort:
    name: str
    country: str
    distance_nm: float


@dataclass(frozen=True)
class Dossier:
    rank: int
    mmsi: int
    imo: int | None
    name: str
    flag: str
    ship_type: str
    owner: str
    destination: str
    score: float
    band: str
    reasons: tuple[str, ...]
    last_seen: pd.Timestamp | None
    last_lat: float
    last_lon: float
    nearest_ports: tuple[NearPort, ...]
    events: tuple[EventLine, ...]
    heard: timeline.Spans
    silent: timeline.Spans
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    fixes: int  # positions heard in the window

    @property
    def title(self) -> str:
        return self.name or f"MMSI {self.mmsi}"

    def identity(self) -> list[tuple[str, str]]:
        """(label, value) rows of identity facts, unknown ones said so."""
        return [
            ("MMSI", str(self.mmsi)),
            ("IMO", str(self.imo) if self.imo is not None else "none known"),
            ("Flag", self.flag or "unknown"),
            ("Type", self.ship_type or "unknown"),
            ("Owner", self.owner or "unknown"),
            ("Destination", self.destination or "none given"),
            ("Last seen", words.utc(self.last_seen) or "not heard"),
            ("Last position", format_position(self.last_lat, self.last_lon)),
            ("Nearest ports", ", ".join(
                f"{p.name}{f' ({p.country})' if p.country else ''} {p.distance_nm:.0f} nm"
                for p in self.nearest_ports) or "unknown"),
        ]


def vessel_names(listed: pd.DataFrame) -> dict[int, str]:
    """Name by MMSI for every vessel of the day's list (vessels without a name left out)."""
    named = listed.loc[listed[c.NAME].notna(), [c.MMSI, c.NAME]]
    return {int(m): str(n) for m, n in zip(named[c.MMSI], named[c.NAME]) if str(n).strip()}


def vessel_track(positions: pd.DataFrame, mmsi: int) -> pd.DataFrame:
    """One vessel's fixes from ``positions`` sorted by vessel then time (a slice, not a copy)."""
    ids = positions[c.MMSI].to_numpy()
    lo, hi = np.searchsorted(ids, mmsi, side="left"), np.searchsorted(ids, mmsi, side="right")
    return positions.iloc[lo:hi]


def build_dossiers(data: DayData, mmsis: Sequence[int], ports: pd.DataFrame,
                   params: ReportParams) -> list[Dossier]:
    """Dossiers for ``mmsis`` (in that order), each vessel's events mirrored from its partners."""
    names = vessel_names(data.listed)
    rows = data.listed.set_index(c.MMSI)
    wanted = set(int(m) for m in mmsis)
    events = data.events
    mine = per_vessel_events(events)
    mine = mine[mine[c.MMSI].isin(wanted)]
    by_vessel = {int(m): g for m, g in mine.groupby(c.MMSI, sort=False)}
    out = []
    for mmsi in mmsis:
        row = rows.loc[int(mmsi)]
        out.append(_dossier(int(mmsi), row, by_vessel.get(int(mmsi)), data, names, ports, params))
    return out


def _dossier(mmsi: int, row: pd.Series, events: pd.DataFrame | None, data: DayData,
             names: Mapping[int, str], ports: pd.DataFrame, params: ReportParams) -> Dossier:
    track = vessel_track(data.positions, mmsi)
    heard = timeline.heard_spans(track[c.TIMESTAMP], params.silent_after_h)
    imo = row.get(c.IMO)
    owner = _text(row.get(c.OWNER))
    if not owner and imo is not None and not pd.isna(imo):
        owner = _text(data.owners.get(int(imo)))
    last_lat, last_lon = _float(row.get(c.LAST_LAT)), _float(row.get(c.LAST_LON))
    return Dossier(
        rank=int(row[c.RISK_RANK]),
        mmsi=mmsi,
        imo=None if imo is None or pd.isna(imo) else int(imo),
        name=_text(row.get(c.NAME)),
        flag=_text(row.get(c.FLAG)),
        ship_type=_text(row.get(c.SHIP_TYPE)),
        owner=owner,
        destination=_text(row.get(c.DESTINATION)),
        score=float(row[c.RISK_SCORE]),
        band=_text(row.get(c.RISK_BAND)),
        reasons=split_reasons(_text(row.get(c.REASONS))),
        last_seen=None if pd.isna(row.get(c.LAST_SEEN)) else pd.Timestamp(row[c.LAST_SEEN]),
        last_lat=last_lat,
        last_lon=last_lon,
        nearest_ports=nearest_ports(last_lat, last_lon, ports, params.ports_listed),
        events=_event_lines(events, names),
        heard=heard,
        silent=timeline.silent_spans(heard, data.window_start, data.window_end,
                                     params.silent_after_h),
        window_start=data.window_start,
        window_end=data.window_end,
        fixes=len(track),
    )


def split_reasons(text: str) -> tuple[str, ...]:
    """The risk list's reasons, one per item."""
    return tuple(part.strip() for part in text.split(_REASON_SEPARATOR) if part.strip())


def nearest_ports(lat: float, lon: float, ports: pd.DataFrame, count: int) -> tuple[NearPort, ...]:
    if not (np.isfinite(lat) and np.isfinite(lon)) or ports.empty or count <= 0:
        return ()
    dist = haversine_nm(lat, lon, ports[c.LAT].to_numpy(), ports[c.LON].to_numpy())
    order = np.argsort(dist, kind="stable")[:count]
    return tuple(
        NearPort(_text(ports[c.NAME].iat[i]), _text(ports[c.COUNTRY].iat[i]), float(dist[i]))
        for i in order
    )


def _event_lines(events: pd.DataFrame | None, names: Mapping[int, str]) -> tuple[EventLine, ...]:
    if events is None or events.empty:
        return ()
    ordered = events.sort_values([c.START, c.EVENT_TYPE, c.EVENT_ID], kind="mergesort")
    lines = []
    for e in ordered.to_dict("records"):
        other = None if pd.isna(e[c.OTHER_MMSI]) else int(e[c.OTHER_MMSI])
        event_type = str(e[c.EVENT_TYPE])
        lines.append(EventLine(
            event_id=str(e[c.EVENT_ID]),
            event_type=event_type,
            label=words.event_label(event_type),
            start=pd.Timestamp(e[c.START]),
            end=pd.Timestamp(e[c.END]),
            duration_h=_float(e[c.DURATION_H]),
            lat=_float(e[c.LAT]),
            lon=_float(e[c.LON]),
            other_mmsi=other,
            text=words.event_sentence(event_type, _text(e[c.DETAIL]), other, names),
        ))
    return tuple(lines)


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _float(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return out
