"""Typed constructors for the ingest tables (positions, statics, quarantine).

One place decides each column's dtype, so every producer (NMEA, CSV exports) writes the same schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.common.days import localized
from vessel_risk.ingest.framing import Rejected

_COMMON = [c.TIMESTAMP, c.RECEIVERS, c.SOURCE_FILE, c.LINE_NO]
POSITION_FIELDS = [col for col in c.POSITION_COLUMNS if col not in _COMMON]
STATIC_FIELDS = [col for col in c.STATIC_COLUMNS if col not in _COMMON]

POSITION_DTYPES: dict[str, str] = {
    c.MMSI: "int64", c.TIMESTAMP: "datetime64[us, UTC]", c.LAT: "float64", c.LON: "float64",
    c.SOG_KNOTS: "float64", c.COG_DEG: "float64", c.HEADING_DEG: "float64",
    c.NAV_STATUS: "float64", c.MSG_TYPE: "int64", c.RECEIVERS: "int64",
    c.SOURCE_FILE: "string", c.LINE_NO: "int64",
}
STATIC_DTYPES: dict[str, str] = {
    c.MMSI: "int64", c.TIMESTAMP: "datetime64[us, UTC]", c.MSG_TYPE: "int64",
    c.PART_NUM: "Int64", c.IMO: "Int64", c.NAME: "string", c.CALLSIGN: "string",
    c.SHIP_TYPE: "Int64", c.DESTINATION: "string", c.DRAUGHT_M: "float64",
    c.LENGTH_M: "float64", c.BEAM_M: "float64", c.RECEIVERS: "int64",
    c.SOURCE_FILE: "string", c.LINE_NO: "int64",
}
QUARANTINE_DTYPES: dict[str, str] = {
    c.SOURCE_FILE: "string", c.LINE_NO: "int64", c.TIMESTAMP: "datetime64[us, UTC]",
    c.REASON: "string", c.RAW: "string",
}


def repeated(text: str, n: int) -> np.ndarray:
    """An object array of ``n`` references to the one ``text``. (``np.full`` stores a copy of
    the string per element: a 10-million-sentence day's file names were 1.1 GB of them, made
    in the workers, pickled one by one and unpickled by the gathering process.)"""
    out = np.empty(n, dtype=object)
    out[:] = text
    return out


def seconds_to_utc(seconds: Any) -> pd.Series:
    """Unix seconds (float) to microsecond UTC timestamps (rounded half to even); NaN stays NaT."""
    micros = np.round(np.asarray(seconds, dtype="float64") * 1e6)
    missing = np.isnan(micros)
    stamps = np.where(missing, 0, micros).astype("int64").view("datetime64[us]")
    stamps[missing] = np.datetime64("NaT")
    return pd.Series(localized(stamps), copy=False)


def _frame(rows: Sequence[dict[str, Any]], dtypes: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows), columns=list(dtypes))
    if c.TIMESTAMP in frame and len(frame):
        frame[c.TIMESTAMP] = seconds_to_utc(frame[c.TIMESTAMP].astype("float64")).array
    return typed(frame, dtypes)


def typed(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """Cast ``frame`` to ``dtypes`` (column order included); None becomes the dtype's null."""
    out = frame.reindex(columns=list(dtypes))
    for col, dtype in dtypes.items():
        if str(out[col].dtype) == dtype:
            continue
        if dtype.startswith("datetime64"):
            out[col] = pd.to_datetime(out[col], utc=True).astype(dtype)
        elif dtype in ("float64",):
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(dtype)
        else:
            out[col] = out[col].astype(dtype)
    return out.reset_index(drop=True)


def positions_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    return _frame(rows, POSITION_DTYPES)


def statics_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    return _frame(rows, STATIC_DTYPES)


def quarantine_frame(rejected: Sequence[Rejected], source: str) -> pd.DataFrame:
    rows = [
        {c.SOURCE_FILE: source, c.LINE_NO: r.line_no, c.TIMESTAMP: r.received_s,
         c.REASON: r.reason, c.RAW: r.raw}
        for r in rejected
    ]
    return _frame(rows, QUARANTINE_DTYPES)


def empty_positions() -> pd.DataFrame:
    return positions_frame([])


def empty_statics() -> pd.DataFrame:
    return statics_frame([])


def empty_quarantine() -> pd.DataFrame:
    return quarantine_frame([], "")


def concat(frames: Sequence[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    """Concatenate same-schema frames, keeping the schema when there are none."""
    non_empty = [f for f in frames if len(f)]
    if not non_empty:
        return empty
    if len(non_empty) == 1 and non_empty[0].index.equals(pd.RangeIndex(len(non_empty[0]))):
        return non_empty[0]  # no copy: the one frame may be millions of rows
    return pd.concat(non_empty, ignore_index=True)
