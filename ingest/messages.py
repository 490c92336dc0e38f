"""The messages table: complete AIS messages as columns, de-duplicated and decoded in bulk.

Single-fragment position reports (types 1, 2, 3, 18: most of any feed) are decoded as whole arrays
by :mod:`ingest.fast_positions`; every other message goes through pyais one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ingest import tables
from ingest.decode import Decoded as DecodedMessage
from ingest.decode import decode_message
from ingest.fast_framing import FramedBlock
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
# Private columns of decoded rows, used to find duplicates across chunks and files, then dropped.
PAYLOAD_HASH = "_payload_hash"
N_SENTENCES = "_n_sentences"
PRIVATE = [PAYLOAD_HASH, RECEIVED_S, N_SENTENCES]

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


def single_sentence_frame(
    block: FramedBlock, content: bytes, rows: np.ndarray, source: str
) -> pd.DataFrame:
    """Messages-table rows for the single-fragment sentences ``rows`` marks, built from arrays."""
    idx = np.flatnonzero(rows)
    starts = block.sentence_start[idx].tolist()
    ends = block.sentence_end[idx].tolist()
    line_no = block.line_no[idx]
    return pd.DataFrame({
        PAYLOAD: block.payload.take(pa.array(idx)).to_numpy(zero_copy_only=False),
        FILL: block.fill[idx].astype("int64"),
        RECEIVED_S: block.received_s[idx],
        SENTENCES: pd.Series([(content[a:b].decode("latin-1"),) for a, b in zip(starts, ends)],
                             dtype=object),
        RAW_LINES: pd.Series([(n,) for n in line_no.tolist()], dtype=object),
        c.SOURCE_FILE: source,
        c.LINE_NO: line_no.astype("int64"),
    })


def deduplicate(msgs: pd.DataFrame, window_s: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kept, dropped): the first copy of each message heard by several receivers.

    Copies are identical payloads received within ``window_s`` of the copy before; the kept row
    gets ``receivers``, the number of copies. Kept rows stay in input order.
    """
    msgs = msgs.assign(**{c.RECEIVERS: np.ones(len(msgs), dtype="int64")})
    return merge_copies(msgs, msgs[PAYLOAD].to_numpy(), window_s)


def merge_copies(
    frame: pd.DataFrame, key: np.ndarray, window_s: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the first of rows with the same ``key`` whose ``received_s`` chain within ``window_s``;
    the kept row's ``receivers`` becomes the group's total. Returns (kept, dropped)."""
    if frame.empty:
        return frame.reset_index(drop=True), frame
    received = frame[RECEIVED_S].to_numpy()
    order = np.lexsort((np.arange(len(frame)), received, key))
    sorted_key, sorted_received = key[order], received[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = (sorted_key[1:] != sorted_key[:-1]) | (np.diff(sorted_received) > window_s)
    starts = np.flatnonzero(new_group)
    totals = np.add.reduceat(frame[c.RECEIVERS].to_numpy()[order], starts)
    firsts = order[starts]
    by_input = np.argsort(firsts, kind="stable")
    kept = frame.iloc[firsts[by_input]].assign(**{c.RECEIVERS: totals[by_input]})
    dropped = frame.iloc[np.sort(order[~new_group])]
    return kept.reset_index(drop=True), dropped


@dataclass
class Decoded:
    """Decoded rows, each with the private columns (payload hash, receive time, sentences)."""

    positions: pd.DataFrame
    statics: pd.DataFrame
    others: pd.DataFrame  # decoded messages of types not stored: msg_type + private columns
    failed: list[tuple[str, Rejected]]  # (source file, rejection) per sentence of a failed message


def decode(msgs: pd.DataFrame) -> Decoded:
    """Decode de-duplicated messages (with ``receivers``) into positions and statics."""
    msgs = msgs.assign(**{
        PAYLOAD_HASH: pd.util.hash_array(msgs[PAYLOAD].to_numpy()) if len(msgs)
        else np.zeros(0, dtype="uint64"),
        N_SENTENCES: msgs[SENTENCES].map(len).to_numpy() if len(msgs) else np.zeros(0, dtype=int),
    })
    first = msgs[PAYLOAD].str[:1] if len(msgs) else pd.Series(dtype=object)
    candidate = (msgs[N_SENTENCES].to_numpy() == 1) & first.isin(_FAST_FIRST_CHARS).to_numpy()
    fast_rows = msgs[candidate]
    arrays = decode_position_payloads(fast_rows[PAYLOAD].to_numpy(), fast_rows[FILL].to_numpy())
    fast = _fast_positions(fast_rows[arrays.ok], arrays.to_frame()[arrays.ok])
    slow_mask = ~candidate
    slow_mask[np.flatnonzero(candidate)[~arrays.ok]] = True
    pos_rows, static_rows, other_rows, failed = _decode_slowly(msgs[slow_mask])
    return Decoded(
        positions=pd.concat([fast, _with_private(tables.positions_frame, pos_rows)],
                            ignore_index=True),
        statics=_with_private(tables.statics_frame, static_rows),
        others=pd.DataFrame(other_rows, columns=[c.MSG_TYPE, c.RECEIVERS, *PRIVATE]).astype(
            {c.MSG_TYPE: "int64", c.RECEIVERS: "int64", PAYLOAD_HASH: "uint64",
             RECEIVED_S: "float64", N_SENTENCES: "int64"}),
        failed=failed,
    )


def _with_private(make: Any, rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = make(rows)
    for col, dtype in ((PAYLOAD_HASH, "uint64"), (RECEIVED_S, "float64"), (N_SENTENCES, "int64")):
        frame[col] = np.array([r[col] for r in rows], dtype=dtype)
    return frame


def _fast_positions(rows: pd.DataFrame, fields: pd.DataFrame) -> pd.DataFrame:
    lat = fields[c.LAT].to_numpy()
    lon = fields[c.LON].to_numpy()
    cog = fields[c.COG_DEG].to_numpy()
    heading = fields[c.HEADING_DEG].to_numpy()
    # The same validity rules as ingest.decode: a value outside its range is not a measurement.
    frame = pd.DataFrame({
        c.MMSI: fields[c.MMSI].to_numpy(),
        c.TIMESTAMP: tables.seconds_to_utc(rows[RECEIVED_S].to_numpy()).array,
        c.LAT: np.where(np.abs(lat) <= 90.0, lat, np.nan),
        c.LON: np.where(np.abs(lon) <= 180.0, lon, np.nan),
        c.SOG_KNOTS: fields[c.SOG_KNOTS].to_numpy(),
        c.COG_DEG: np.where((cog >= 0.0) & (cog < 360.0), cog, np.nan),
        c.HEADING_DEG: np.where((heading >= 0.0) & (heading < 360.0), heading, np.nan),
        c.NAV_STATUS: fields[c.NAV_STATUS].to_numpy(),
        c.MSG_TYPE: fields[c.MSG_TYPE].to_numpy(),
        c.RECEIVERS: rows[c.RECEIVERS].to_numpy(),
        c.SOURCE_FILE: rows[c.SOURCE_FILE].to_numpy(),
        c.LINE_NO: rows[c.LINE_NO].to_numpy(),
    })
    typed = tables.typed(frame, tables.POSITION_DTYPES)
    for col in PRIVATE:
        typed[col] = rows[col].to_numpy()
    return typed


def _decode_slowly(
    msgs: pd.DataFrame,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[Any, ...]],
           list[tuple[str, Rejected]]]:
    pos_rows: list[dict[str, Any]] = []
    static_rows: list[dict[str, Any]] = []
    other_rows: list[tuple[Any, ...]] = []
    failed: list[tuple[str, Rejected]] = []
    # A vessel repeats the same static report every few minutes: decode each payload once.
    seen: dict[tuple[str, int], DecodedMessage | str] = {}
    for sentences, lines, received, heard_by, source, line_no, digest, payload, fill in zip(
        msgs[SENTENCES], msgs[RAW_LINES], msgs[RECEIVED_S], msgs[c.RECEIVERS],
        msgs[c.SOURCE_FILE], msgs[c.LINE_NO], msgs[PAYLOAD_HASH], msgs[PAYLOAD], msgs[FILL],
    ):
        key = (payload, fill)
        if key not in seen:
            try:
                seen[key] = decode_message(sentences)
            except ValueError as exc:
                seen[key] = str(exc).split(":")[0]
        decoded = seen[key]
        if isinstance(decoded, str):
            failed.extend((source, Rejected(n, decoded, s, received)) for n, s in zip(lines, sentences))
            continue
        common = {c.TIMESTAMP: received, c.RECEIVERS: heard_by, c.SOURCE_FILE: source,
                  c.LINE_NO: line_no, PAYLOAD_HASH: digest, RECEIVED_S: received,
                  N_SENTENCES: len(sentences)}
        if "position" in decoded.kind:
            pos_rows.append({**{k: decoded.row.get(k) for k in tables.POSITION_FIELDS}, **common})
        if "static" in decoded.kind:
            static_rows.append({**{k: decoded.row.get(k) for k in tables.STATIC_FIELDS}, **common})
        if decoded.kind == "other":
            other_rows.append((decoded.msg_type, heard_by, digest, received, len(sentences)))
    return pos_rows, static_rows, other_rows, failed
