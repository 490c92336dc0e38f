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

from vessel_risk.common import columns as c
from vessel_risk.ingest import tables
from vessel_risk.ingest.decode import POSITION_OUT_OF_RANGE, decode_message, position_out_of_range
from vessel_risk.ingest.decode import Decoded as DecodedMessage
from vessel_risk.ingest.fast_framing import FramedBlock, payload_spans
from vessel_risk.ingest.fast_positions import decode_position_payloads, decode_position_spans
from vessel_risk.ingest.fragments import Message
from vessel_risk.ingest.framing import Rejected
from vessel_risk.ingest.keys import payload_keys, span_keys

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


@dataclass
class BlockPositions:
    """What :func:`block_positions` made of a block's single-fragment position reports."""

    positions: pd.DataFrame  # rows with the private columns, copies dropped
    handled: np.ndarray  # mask over the block: lines decoded here (kept, copies or out of range)
    copies: int  # copies of a kept row heard by several receivers, dropped
    out_of_range: np.ndarray  # mask over the block: reports whose position is out of range


def block_positions(
    block: FramedBlock, rows: np.ndarray, source: str, window_s: float
) -> BlockPositions:
    """Decode the single-fragment sentences ``rows`` marks that are position reports 1/2/3/18,
    straight from the framer's payload buffer (no string or object per message), and drop copies
    heard by several receivers (:func:`find_copies`) before any table is built.

    The lines not handled are for pyais; those out of range are for quarantine
    (:data:`ingest.decode.POSITION_OUT_OF_RANGE`).
    """
    idx = np.flatnonzero(rows)
    data, starts, lengths = payload_spans(block.payload, idx)
    arrays = decode_position_spans(data, starts, lengths, block.fill[idx])
    outside = arrays.ok & position_out_of_range(arrays.fields[c.LAT], arrays.fields[c.LON])
    decoded = np.zeros(len(rows), dtype=bool)
    decoded[idx[arrays.ok]] = True
    out_of_range = np.zeros(len(rows), dtype=bool)
    out_of_range[idx[outside]] = True
    ok = arrays.ok & ~outside
    key = span_keys(data, starts[ok], lengths[ok])
    received = block.received_s[idx[ok]]
    keep, receivers = find_copies(key, received, np.ones(len(key), dtype="int64"), window_s)
    chosen = np.flatnonzero(ok)[keep]
    frame = position_rows(
        {name: values[chosen] for name, values in arrays.fields.items()}, received[keep],
        receivers[keep], source, block.line_no[idx[chosen]], key[keep],
        np.ones(len(chosen), dtype="int64"),
    )
    return BlockPositions(frame, decoded, int(len(keep) - len(chosen)), out_of_range)


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
    the kept row's ``receivers`` becomes the group's total. Returns (kept, dropped), kept rows in
    input order; the frame is copied only when a row is dropped."""
    keep, receivers = find_copies(key, frame[RECEIVED_S].to_numpy(),
                                  frame[c.RECEIVERS].to_numpy(), window_s)
    if keep.all():
        return _renumbered(frame), frame.iloc[:0]
    kept = _renumbered(frame.take(np.flatnonzero(keep)))
    kept[c.RECEIVERS] = receivers[keep]
    return kept, frame.take(np.flatnonzero(~keep))


def find_copies(
    key: np.ndarray, received_s: np.ndarray, receivers: np.ndarray, window_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """(keep, receivers): which rows to keep, and each kept row's total of ``receivers`` over its
    copies (rows with its key, each received within ``window_s`` of the one before).

    Only rows whose key occurs more than once (found with a hash table) are sorted, by key (as
    dense codes, which timsort orders in near-linear time when copies recur in runs) and then by
    time, unless input order already is time order within each key.
    """
    keep = np.ones(len(key), dtype=bool)
    repeated = _rows_of_repeated_keys(key)
    if len(repeated) == 0:
        return keep, receivers
    codes = pd.factorize(key[repeated])[0]  # in order of first sight, as over all rows
    local = np.argsort(codes, kind="stable")  # ties keep input order
    order = repeated[local]
    sorted_key, sorted_received = codes[local], received_s[order]
    if (np.diff(sorted_received)[sorted_key[1:] == sorted_key[:-1]] < 0).any():
        local = np.lexsort((received_s[repeated], codes))
        order = repeated[local]
        sorted_key, sorted_received = codes[local], received_s[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = (sorted_key[1:] != sorted_key[:-1]) | (np.diff(sorted_received) > window_s)
    if new_group.all():
        return keep, receivers
    starts = np.flatnonzero(new_group)
    totals = receivers.copy()
    totals[order[starts]] = np.add.reduceat(receivers[order], starts)
    keep[order[~new_group]] = False
    return keep, totals


def _rows_of_repeated_keys(key: np.ndarray) -> np.ndarray:
    """Rows whose key occurs more than once. Integer keys (a day's payload hashes: millions,
    nearly all distinct) are sorted, which finds the repeated few in a tenth of the time of
    hashing them all, and only rows with those are looked up; other keys are hashed."""
    if len(key) == 0:
        return np.zeros(0, dtype=np.intp)
    if key.dtype.kind not in "iu":
        codes = pd.factorize(key)[0]
        return np.flatnonzero(np.bincount(codes)[codes] > 1)
    ordered = np.sort(key)
    twice = ordered[1:][ordered[1:] == ordered[:-1]]
    if len(twice) == 0:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(pd.Series(key, copy=False).isin(twice).to_numpy())


def _renumbered(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a fresh RangeIndex, set in place (reset_index would copy every column)."""
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        frame.index = pd.RangeIndex(len(frame))
    return frame


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
        PAYLOAD_HASH: payload_keys(msgs[PAYLOAD].tolist()),
        N_SENTENCES: msgs[SENTENCES].map(len).to_numpy() if len(msgs) else np.zeros(0, dtype=int),
    })
    first = msgs[PAYLOAD].str[:1] if len(msgs) else pd.Series(dtype=object)
    candidate = (msgs[N_SENTENCES].to_numpy() == 1) & first.isin(_FAST_FIRST_CHARS).to_numpy()
    fast_rows = msgs[candidate]
    arrays = decode_position_payloads(fast_rows[PAYLOAD].to_numpy(), fast_rows[FILL].to_numpy())
    outside = arrays.ok & position_out_of_range(arrays.fields[c.LAT], arrays.fields[c.LON])
    ok = arrays.ok & ~outside
    ok_rows = fast_rows[ok]
    fast = position_rows(
        {name: values[ok] for name, values in arrays.fields.items()},
        ok_rows[RECEIVED_S].to_numpy(), ok_rows[c.RECEIVERS].to_numpy(), ok_rows[c.SOURCE_FILE],
        ok_rows[c.LINE_NO].to_numpy(), ok_rows[PAYLOAD_HASH].to_numpy(),
        ok_rows[N_SENTENCES].to_numpy(),
    )
    slow_mask = ~candidate
    slow_mask[np.flatnonzero(candidate)[~arrays.ok]] = True
    slow = _decode_slowly(msgs[slow_mask])
    out_of_range = _rejections(fast_rows[outside], [POSITION_OUT_OF_RANGE] * int(outside.sum()))
    return Decoded(
        positions=pd.concat([fast, slow.positions], ignore_index=True),
        statics=slow.statics, others=slow.others, failed=out_of_range + slow.failed,
    )


def position_rows(
    fields: dict[str, np.ndarray], received_s: np.ndarray, receivers: np.ndarray, source: Any,
    line_no: np.ndarray, key: np.ndarray, n_sentences: np.ndarray,
) -> pd.DataFrame:
    """Positions-table rows (with the private columns) from decoded field arrays.

    ``source`` is one file name or a column of them.
    """
    lat, lon = fields[c.LAT], fields[c.LON]
    cog, heading = fields[c.COG_DEG], fields[c.HEADING_DEG]
    n = len(lat)
    sources = pd.array(tables.repeated(source, n) if isinstance(source, str)
                       else np.asarray(source, dtype=object), dtype="string")
    # The same validity rules as ingest.decode: a value outside its range is not a measurement
    # (positions out of range never get here: they are quarantined).
    return pd.DataFrame({
        c.MMSI: fields[c.MMSI].astype("int64"),
        c.TIMESTAMP: tables.seconds_to_utc(received_s).array,
        c.LAT: lat,
        c.LON: lon,
        c.SOG_KNOTS: fields[c.SOG_KNOTS],
        c.COG_DEG: np.where((cog >= 0.0) & (cog < 360.0), cog, np.nan),
        c.HEADING_DEG: np.where((heading >= 0.0) & (heading < 360.0), heading, np.nan),
        c.NAV_STATUS: fields[c.NAV_STATUS].astype("float64"),
        c.MSG_TYPE: fields[c.MSG_TYPE].astype("int64"),
        c.RECEIVERS: np.asarray(receivers, dtype="int64"),
        c.SOURCE_FILE: sources,
        c.LINE_NO: np.asarray(line_no, dtype="int64"),
        PAYLOAD_HASH: np.asarray(key, dtype="uint64"),
        RECEIVED_S: np.asarray(received_s, dtype="float64"),
        N_SENTENCES: np.asarray(n_sentences, dtype="int64"),
    })


def _decode_slowly(msgs: pd.DataFrame) -> Decoded:
    """pyais for each distinct (payload, fill) once, its row repeated for every message with it.

    A vessel repeats the same static report every few minutes, so a feed's slow messages are
    mostly repeats: the work per message is numpy, the Python work is per distinct payload.
    """
    codes, keys = pd.factorize(msgs[PAYLOAD] + "," + msgs[FILL].astype(str)) if len(msgs) \
        else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object))
    sentences = msgs[SENTENCES].to_numpy()
    results = [_decoded(key, sentences[row])
               for key, row in zip(keys, np.unique(codes, return_index=True)[1].tolist())]

    def select(kind: str) -> tuple[list[DecodedMessage], np.ndarray, pd.DataFrame]:
        """The distinct decodings of ``kind``, which of them each message has, those messages."""
        chosen = [k for k, r in enumerate(results) if not isinstance(r, str) and kind in r.kind]
        where = np.full(len(results), -1, dtype=np.int64)
        where[chosen] = np.arange(len(chosen))
        taken = where[codes]
        return [results[k] for k in chosen], taken[taken >= 0], msgs[taken >= 0]  # type: ignore[misc]

    def table(kind: str, fields: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
        decoded, take, rows = select(kind)
        frame = pd.DataFrame.from_records([{k: d.row.get(k) for k in fields} for d in decoded],
                                          columns=fields).iloc[take].reset_index(drop=True)
        frame[c.TIMESTAMP] = tables.seconds_to_utc(rows[RECEIVED_S].to_numpy()).array
        for col in (c.RECEIVERS, c.SOURCE_FILE, c.LINE_NO):
            frame[col] = rows[col].to_numpy()
        out = tables.typed(frame, dtypes)
        for col in PRIVATE:
            out[col] = rows[col].to_numpy()
        return out

    decoded, take, rows = select("other")
    others = pd.DataFrame({
        c.MSG_TYPE: np.array([d.msg_type for d in decoded], dtype="int64")[take],
        c.RECEIVERS: rows[c.RECEIVERS].to_numpy(dtype="int64"),
        **{col: rows[col].to_numpy() for col in PRIVATE},
    })
    failing = np.flatnonzero([isinstance(results[k], str) for k in codes.tolist()])
    failed = _rejections(msgs.iloc[failing], [str(results[codes[i]]) for i in failing.tolist()])
    return Decoded(
        positions=table("position", tables.POSITION_FIELDS, tables.POSITION_DTYPES),
        statics=table("static", tables.STATIC_FIELDS, tables.STATIC_DTYPES),
        others=others, failed=failed,
    )


# Decodings of (payload, fill) keys this process has met, kept across chunks: a vessel repeats
# the same static report all day, so a worker meets most of its chunk's keys in earlier chunks
# (a 10M-sentence day: ~300,000 pyais decodes without it). Emptied when it reaches this size.
DECODED_CACHE_SIZE = 100_000
_DECODED: dict[str, DecodedMessage | str] = {}


def _decoded(key: str, sentences: list[str]) -> DecodedMessage | str:
    """The decoding of a message (its reason code if it fails), once per process and key."""
    found = _DECODED.get(key)
    if found is None:
        try:
            found = decode_message(sentences)
        except ValueError as exc:
            found = str(exc).split(":")[0]
        if len(_DECODED) >= DECODED_CACHE_SIZE:
            _DECODED.clear()
        _DECODED[key] = found
    return found


def _rejections(msgs: pd.DataFrame, reasons: list[str]) -> list[tuple[str, Rejected]]:
    """(source file, rejection) for every sentence of each message, with that message's reason."""
    failed: list[tuple[str, Rejected]] = []
    for (_, row), reason in zip(msgs.iterrows(), reasons):
        failed.extend((row[c.SOURCE_FILE], Rejected(n, reason, text, row[RECEIVED_S]))
                      for n, text in zip(row[RAW_LINES], row[SENTENCES]))
    return failed
