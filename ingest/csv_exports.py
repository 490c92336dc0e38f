"""Decoded AIS CSV exports: the Danish Maritime Authority daily CSV and NOAA MarineCadastre.

Each row is a position report that also repeats the vessel's static data. Positions become one
row each; statics one row whenever a vessel's name, IMO, call sign, type or destination changes.
Rows whose time or MMSI cannot be read, or whose field count differs from the header's, are
quarantined with their line number and raw text; so are rows whose latitude or longitude is out of
range (``position_out_of_range``, as in NMEA: the whole row, its static columns too).
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.ingest import files, tables
from vessel_risk.ingest.chunks import FILE_CUT_OFF
from vessel_risk.ingest.decode import (
    COG_NA_DEG,
    HEADING_NA_DEG,
    LAT_NA,
    LON_NA,
    NAV_STATUS_NA,
    POSITION_OUT_OF_RANGE,
    SOG_NA_KNOTS,
    position_out_of_range,
)
from vessel_risk.ingest.results import AisTables, IngestSummary

BAD_ROW = "bad_csv_row"
# The file's header lacks columns its (forced) format needs: every line is quarantined.
FORMAT_MISMATCH = "format_mismatch"
_LINE = "__line_no__"  # column added while parsing: each record's line number in the file

# ITU-R M.1371 navigational status names, as the DMA writes them.
_DMA_STATUS = {
    "under way using engine": 0, "at anchor": 1, "not under command": 2,
    "restricted manoeuverability": 3, "restricted maneuverability": 3,
    "constrained by her draught": 4, "moored": 5, "aground": 6, "engaged in fishing": 7,
    "under way sailing": 8, "reserved for future amendment [hsc]": 9,
    "reserved for future amendment [wig]": 10, "power-driven vessel towing astern": 11,
    "power-driven vessel pushing ahead or towing alongside": 12, "ais-sart": 14,
}
# DMA ship-type words to the AIS code of their group.
_DMA_SHIP_TYPE = {
    "wig": 20, "fishing": 30, "towing": 31, "towing long/wide": 32, "dredging": 33, "diving": 34,
    "military": 35, "sailing": 36, "pleasure": 37, "hsc": 40, "pilot": 50, "sar": 51, "tug": 52,
    "port tender": 53, "anti-pollution": 54, "law enforcement": 55, "medical": 58,
    "passenger": 60, "cargo": 70, "tanker": 80, "other": 90,
}
_CLASS_MSG_TYPE = {"class a": (1, 5), "a": (1, 5), "class b": (18, 24), "b": (18, 24),
                   "base station": (4, None)}


@dataclass(frozen=True)
class _Columns:
    time: str
    time_format: str | None
    mmsi: str
    lat: str
    lon: str
    sog: str
    cog: str
    heading: str
    status: str
    name: str
    imo: str
    callsign: str
    ship_type: str
    length: str
    width: str
    draught: str
    destination: str | None
    klass: str


_DMA = _Columns("# timestamp", "%d/%m/%Y %H:%M:%S", "mmsi", "latitude", "longitude", "sog", "cog",
                "heading", "navigational status", "name", "imo", "callsign", "ship type",
                "length", "width", "draught", "destination", "type of mobile")
_MARINECADASTRE = _Columns("basedatetime", None, "mmsi", "lat", "lon", "sog", "cog", "heading",
                           "status", "vesselname", "imo", "callsign", "vesseltype", "length",
                           "width", "draft", None, "transceiverclass")


def ingest_csv(path: Path, content: bytes, cut_off: str | None = None, *, fmt: str) -> AisTables:
    """Positions and statics of one CSV export. ``cut_off`` says why the file could not be read
    past ``content``, if it could not: the rest gets one quarantine row, counted as a line."""
    spec = _DMA if fmt == files.DMA_CSV else _MARINECADASTRE
    text = content.decode("utf-8-sig", errors="replace")
    raw_lines = text.splitlines()
    data_lines, frame = _read_numbered(raw_lines)
    needed = [v for k, v in vars(spec).items() if k != "time_format" and v is not None]
    if any(col not in frame.columns for col in needed):
        return _not_this_format(path, raw_lines, cut_off)
    stamp = pd.to_datetime(frame[spec.time], format=spec.time_format, utc=True, errors="coerce")
    mmsi = pd.to_numeric(frame[spec.mmsi], errors="coerce")
    good = stamp.notna() & mmsi.notna()
    lat, lon = _na(_num(frame[spec.lat]), LAT_NA), _na(_num(frame[spec.lon]), LON_NA)
    outside = good & position_out_of_range(lat, lon)  # the whole row is quarantined
    outside_lines = dict(zip(frame.index[outside.to_numpy()], stamp[outside]))
    good &= ~outside
    bad_lines = data_lines - set(frame.index[good.to_numpy()]) - outside_lines.keys()
    frame, stamp, mmsi = frame[good], stamp[good], mmsi[good].astype("int64")
    klass = frame[spec.klass].str.strip().str.lower()
    msg_types = klass.map(lambda k: _CLASS_MSG_TYPE.get(k, (1, 5)))
    source = str(path)
    positions = tables.typed(pd.DataFrame({
        c.MMSI: mmsi, c.TIMESTAMP: stamp,
        c.LAT: lat[good], c.LON: lon[good],
        c.SOG_KNOTS: _na(_num(frame[spec.sog]), SOG_NA_KNOTS),
        c.COG_DEG: _na(_num(frame[spec.cog]), COG_NA_DEG),
        c.HEADING_DEG: _na(_num(frame[spec.heading]), HEADING_NA_DEG),
        c.NAV_STATUS: _na(_status(frame[spec.status]), NAV_STATUS_NA),
        c.MSG_TYPE: msg_types.str[0], c.RECEIVERS: 1, c.SOURCE_FILE: source,
        c.LINE_NO: frame.index.to_numpy(),
    }), tables.POSITION_DTYPES)
    statics = _statics(frame, spec, stamp, mmsi, msg_types.str[1], source)
    rows = sorted(bad_lines | outside_lines.keys())
    reasons = [POSITION_OUT_OF_RANGE if i in outside_lines else BAD_ROW for i in rows]
    raws, stamps = [raw_lines[i - 1] for i in rows], [outside_lines.get(i, pd.NaT) for i in rows]
    if cut_off:
        rows.append(len(raw_lines) + 1)
        reasons.append(FILE_CUT_OFF)
        raws.append(f"file unreadable after line {len(raw_lines)}: {cut_off}")
        stamps.append(pd.NaT)
    quarantine = tables.typed(pd.DataFrame({
        c.SOURCE_FILE: source, c.LINE_NO: rows,
        c.TIMESTAMP: pd.Series(stamps, dtype="datetime64[ns, UTC]"), c.REASON: reasons, c.RAW: raws,
    }), tables.QUARANTINE_DTYPES)
    header_and_blank = len(raw_lines) - len(frame) - len(bad_lines) - len(outside_lines)
    summary = IngestSummary(files=1, lines_read=len(raw_lines) + bool(cut_off),
                            blank_or_comment=header_and_blank, quarantined=Counter(reasons),
                            decoded_sentences=len(frame),
                            messages_by_type=Counter(positions[c.MSG_TYPE].tolist()))
    return AisTables(positions, statics, quarantine, summary)


def _not_this_format(path: Path, raw_lines: list[str], cut_off: str | None) -> AisTables:
    """Every non-blank line quarantined: the file is not in the format it was read as."""
    rows = [i for i, line in enumerate(raw_lines, start=1) if line.strip()]
    blank = len(raw_lines) - len(rows)
    reasons, raws = [FORMAT_MISMATCH] * len(rows), [raw_lines[i - 1] for i in rows]
    if cut_off:
        rows.append(len(raw_lines) + 1)
        reasons.append(FILE_CUT_OFF)
        raws.append(f"file unreadable after line {len(raw_lines)}: {cut_off}")
    quarantine = tables.typed(pd.DataFrame({
        c.SOURCE_FILE: str(path), c.LINE_NO: rows, c.TIMESTAMP: pd.NaT, c.REASON: reasons,
        c.RAW: raws,
    }), tables.QUARANTINE_DTYPES)
    summary = IngestSummary(files=1, lines_read=len(raw_lines) + bool(cut_off),
                            blank_or_comment=blank, quarantined=Counter(reasons))
    return AisTables(tables.empty_positions(), tables.empty_statics(), quarantine, summary)


def _read_numbered(raw_lines: list[str]) -> tuple[set[int], pd.DataFrame]:
    """The line numbers of the data records, and the records with as many fields as the header,
    indexed by their line number (the first non-blank line is the header; blank lines are skipped).

    Each line is parsed with its number as an extra first field, so a record the parser skips (too
    many fields) cannot shift the numbers of the records after it; a record with too few fields
    ends with NaN and is dropped here. Both are then quarantined by the caller as lines not kept.
    """
    numbered = [(i, line) for i, line in enumerate(raw_lines, start=1) if line.strip()]
    header = f"{_LINE},{numbered[0][1]}" if numbered else _LINE
    body = [f"{i},{line}" for i, line in numbered[1:]]
    frame = pd.read_csv(io.StringIO("\n".join([header, *body])), dtype=str, keep_default_na=False,
                        on_bad_lines="skip", engine="python")
    frame.columns = [col.strip().lower() for col in frame.columns]
    frame = frame[frame.iloc[:, -1].notna()]
    frame.index = frame.pop(_LINE.lower()).astype("int64").to_numpy()
    return {i for i, _ in numbered[1:]}, frame


def _statics(frame: pd.DataFrame, spec: _Columns, stamp: pd.Series, mmsi: pd.Series,
             msg_type: pd.Series, source: str) -> pd.DataFrame:
    imo = pd.to_numeric(frame[spec.imo].str.upper().str.removeprefix("IMO"), errors="coerce")
    ship_type = frame[spec.ship_type].str.strip()
    code = pd.to_numeric(ship_type, errors="coerce").fillna(ship_type.str.lower().map(_DMA_SHIP_TYPE))
    out = pd.DataFrame({
        c.MMSI: mmsi, c.TIMESTAMP: stamp, c.MSG_TYPE: msg_type, c.PART_NUM: pd.NA,
        c.IMO: imo.where(imo > 0), c.NAME: _text(frame[spec.name]),
        c.CALLSIGN: _text(frame[spec.callsign]), c.SHIP_TYPE: code.where(code > 0),
        c.DESTINATION: _text(frame[spec.destination]) if spec.destination else pd.NA,
        c.DRAUGHT_M: _num(frame[spec.draught]).where(lambda d: d > 0),
        c.LENGTH_M: _num(frame[spec.length]).where(lambda d: d > 0),
        c.BEAM_M: _num(frame[spec.width]).where(lambda d: d > 0),
        c.RECEIVERS: 1, c.SOURCE_FILE: source, c.LINE_NO: frame.index.to_numpy(),
    })
    out = out[out[c.MSG_TYPE].notna()].sort_values([c.MMSI, c.TIMESTAMP], kind="mergesort")
    identity = [c.IMO, c.NAME, c.CALLSIGN, c.SHIP_TYPE, c.DESTINATION]
    keyed = out[[c.MMSI, *identity]].astype("string").fillna("")
    previous = keyed.groupby(out[c.MMSI]).shift().fillna("\x00")  # first row of a vessel: changed
    changed = keyed.ne(previous).any(axis=1)
    has_any = out[identity].notna().any(axis=1)
    return tables.typed(out[changed & has_any], tables.STATIC_DTYPES)


def _num(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce")


def _na(values: pd.Series, sentinel: float) -> pd.Series:
    return values.where(values != sentinel)


def _status(values: pd.Series) -> pd.Series:
    numeric = pd.to_numeric(values, errors="coerce")
    return numeric.fillna(values.str.strip().str.lower().map(_DMA_STATUS))


def _text(values: pd.Series) -> pd.Series:
    cleaned = values.str.replace("@", " ", regex=False).str.strip()
    return cleaned.where(cleaned != "")
