"""The messages table: complete AIS messages as columns, de-duplicated and decoded in bulk.

Single-fragment position reports (types 1, 2, 3, 18: most of any feed) are decoded as whole arrays
by :mod:`ingest.fast_positions`; every other message goes through pyais one by one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ingest import tables
from ingest.decode import decode_message
from ingest.fast_positions import decode_position_payloads
from ingest.fragments import Message
from ingest.framing import Rejected
from vessel_risk import columns as c

# Columns of the messages table (internal to ingest).
PAYLOAD = "payload"
FILL = "fill"
RECEIVED_S = "received_s"  # receive time, Unix seconds
SENTENCES = "sentences"  # the message's NMEA sentences, in fragment order (tuple of str)
RAW_LINES = "raw_lines"  # the line number of each sentence (tuple of int)

# First payload character of the fixed-layout position reports: types 1, 2, 3 and 18 ('B').
_FAST_FIRST_CHARS = ("1", "2", "3", "B")


def messages_frame(messages: Sequence[Message], source: str) -> pd.DataFrame:
    """One row per complete message of one source."""
    return pd.DataFrame({
        PAYLOAD: pd.Series([m.payload for m in messages], dtype=object),
        FILL: np.fromiter((m.fill for m in messages), dtype="int64", count=len(messages)),
        RECEIVED_S: np.fromiter((m.received_s for m in messages), dtype="float64",
                                count=len(messages)),
        SENTENCES: pd.Series([m.sentences for m in messages], dtype=object),
        RAW_LINES: pd.Series([m.raw_lines for m in messages], dtype=object),
        c.SOURCE_FILE: source,
        c.LINE_NO: np.fromiter((m.line_no for m in messages), dtype="int64", count=len(messages)),
    })


def deduplicate(msgs: pd.DataFrame, window_s: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kept, dropped): the first copy of each message heard by several receivers.

    Copies are identical payloads received within ``window_s`` of the copy before; the kept row
    gets ``receivers``, the number of copies. Kept rows stay in input order.
    """
    if msgs.empty:
        return msgs.assign(**{c.RECEIVERS: pd.Series(dtype="int64")}), msgs
    order = np.lexsort((np.arange(len(msgs)), msgs[RECEIVED_S].to_numpy(),
                        msgs[PAYLOAD].to_numpy()))
    payload = msgs[PAYLOAD].to_numpy()[order]
    received = msgs[RECEIVED_S].to_numpy()[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = (payload[1:] != payload[:-1]) | (np.diff(received) > window_s)
    sizes = np.bincount(np.cumsum(new_group) - 1)
    firsts = order[new_group]
    by_input = np.argsort(firsts, kind="stable")
    kept = msgs.iloc[firsts[by_input]].assign(**{c.RECEIVERS: sizes[by_input]})
    dropped = msgs.iloc[np.sort(order[~new_group])]
    return kept.reset_index(drop=True), dropped


@dataclass
class Decoded:
    positions: pd.DataFrame
    statics: pd.DataFrame
    failed: list[tuple[str, Rejected]]  # (source file, rejection) per sentence of a failed message
    decoded_sentences: int
    by_type: Counter[int]


def decode(msgs: pd.DataFrame) -> Decoded:
    """Decode de-duplicated messages (with ``receivers``) into positions and statics."""
    n_sentences = msgs[SENTENCES].map(len).to_numpy() if len(msgs) else np.zeros(0, dtype=int)
    first = msgs[PAYLOAD].str[:1] if len(msgs) else pd.Series(dtype=object)
    candidate = (n_sentences == 1) & first.isin(_FAST_FIRST_CHARS).to_numpy()
    fast_rows = msgs[candidate]
    arrays = decode_position_payloads(fast_rows[PAYLOAD].to_numpy(), fast_rows[FILL].to_numpy())
    fast = _fast_positions(fast_rows[arrays.ok], arrays.to_frame()[arrays.ok])
    by_type: Counter[int] = Counter(fast[c.MSG_TYPE].tolist())
    slow_mask = ~candidate
    slow_mask[np.flatnonzero(candidate)[~arrays.ok]] = True
    pos_rows, static_rows, failed, slow_sentences = _decode_slowly(msgs[slow_mask], by_type)
    positions = tables.concat([fast, tables.positions_frame(pos_rows)], tables.empty_positions())
    return Decoded(
        positions=positions,
        statics=tables.statics_frame(static_rows),
        failed=failed,
        decoded_sentences=len(fast) + slow_sentences,
        by_type=by_type,
    )


def _fast_positions(rows: pd.DataFrame, fields: pd.DataFrame) -> pd.DataFrame:
    lat = fields[c.LAT].to_numpy()
    lon = fields[c.LON].to_numpy()
    frame = pd.DataFrame({
        c.MMSI: fields[c.MMSI].to_numpy(),
        c.TIMESTAMP: tables.seconds_to_utc(rows[RECEIVED_S].to_numpy()).to_numpy(),
        c.LAT: np.where(np.abs(lat) <= 90.0, lat, np.nan),
        c.LON: np.where(np.abs(lon) <= 180.0, lon, np.nan),
        c.SOG_KNOTS: fields[c.SOG_KNOTS].to_numpy(),
        c.COG_DEG: fields[c.COG_DEG].to_numpy(),
        c.HEADING_DEG: fields[c.HEADING_DEG].to_numpy(),
        c.NAV_STATUS: fields[c.NAV_STATUS].to_numpy(),
        c.MSG_TYPE: fields[c.MSG_TYPE].to_numpy(),
        c.RECEIVERS: rows[c.RECEIVERS].to_numpy(),
        c.SOURCE_FILE: rows[c.SOURCE_FILE].to_numpy(),
        c.LINE_NO: rows[c.LINE_NO].to_numpy(),
    })
    return tables.typed(frame, tables.POSITION_DTYPES)


def _decode_slowly(
    msgs: pd.DataFrame, by_type: Counter[int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, Rejected]], int]:
    pos_rows: list[dict[str, Any]] = []
    static_rows: list[dict[str, Any]] = []
    failed: list[tuple[str, Rejected]] = []
    decoded_sentences = 0
    for sentences, lines, received, heard_by, source, line_no in zip(
        msgs[SENTENCES], msgs[RAW_LINES], msgs[RECEIVED_S], msgs[c.RECEIVERS],
        msgs[c.SOURCE_FILE], msgs[c.LINE_NO],
    ):
        try:
            decoded = decode_message(sentences)
        except ValueError as exc:
            reason = str(exc).split(":")[0]
            failed.extend((source, Rejected(n, reason, s, received)) for n, s in zip(lines, sentences))
            continue
        decoded_sentences += len(sentences)
        by_type[decoded.msg_type] += 1
        common = {c.TIMESTAMP: received, c.RECEIVERS: heard_by, c.SOURCE_FILE: source,
                  c.LINE_NO: line_no}
        if "position" in decoded.kind:
            pos_rows.append({**{k: decoded.row.get(k) for k in tables.POSITION_FIELDS}, **common})
        if "static" in decoded.kind:
            static_rows.append({**{k: decoded.row.get(k) for k in tables.STATIC_FIELDS}, **common})
    return pos_rows, static_rows, failed, decoded_sentences
