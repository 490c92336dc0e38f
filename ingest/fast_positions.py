"""Vectorised decoder for AIS position reports (message types 1, 2, 3 and 18).

Position reports are most of any AIS feed and have a fixed 168-bit layout, so a whole batch of
armoured payloads is decoded at once with numpy instead of one message at a time with pyais. The
values are bit-for-bit those of ``pyais.decode(sentence).asdict()``; pyais stays the decoder for
every other message type and for every payload this module declines (``ok`` False).

How it works: the payloads lie in one byte buffer (ingest passes the framer's; strings are joined
into one). The first 28 characters (168 bits) of every payload are gathered into a fixed-width 2-D
array, each goes through a 256-entry lookup table to its 6-bit value (and "valid armour or not"),
the rows are packed into three 64-bit words, and every field is cut out of those words by shifting
and masking (signed fields by two's complement).

Which payloads are ``ok``: message type 1, 2, 3 or 18; enough bits, after the fill bits are taken
off, to hold every field returned here complete (through RAIM: 149 bits for Class A, 148 for
Class B); every character valid 6-bit armour ('0'-'W' or '`'-'w'; pyais silently decodes other
characters as arbitrary bits); fill bits 0..5 (pyais rejects other counts). pyais reads the fields
of a longer payload from the same first bits, and those of a shorter one truncated or missing; a
report whose only loss is the radio status (real feeds carry some with 163 bits) is therefore
decoded identically, while one too short for its RAIM flag (so possibly for lat/lon) is left to
pyais or quarantine. Type 0, which pyais reads as a type 1, is not ok.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk.common import columns as c

# --- field names not in the product tables (so not in common/columns.py) ---------------------
REPEAT = "repeat"  # repeat indicator 0..3
ROT_DEG_PER_MIN = "rot_deg_per_min"  # rate of turn, scaled as pyais scales it; NaN for type 18
ACCURACY = "accuracy"  # position accuracy flag (True: better than 10 m)
UTC_SECOND = "utc_second"  # second of the UTC minute the report was made (60..63: not available)
MANEUVER = "maneuver"  # special manoeuvre indicator 0..3; NaN for type 18
RAIM = "raim"  # receiver autonomous integrity monitoring in use

FIELD_NAMES = [
    c.MSG_TYPE, REPEAT, c.MMSI, c.NAV_STATUS, ROT_DEG_PER_MIN, c.SOG_KNOTS, ACCURACY, c.LON, c.LAT,
    c.COG_DEG, c.HEADING_DEG, UTC_SECOND, MANEUVER, RAIM,
]

# --- protocol constants (ITU-R M.1371) ------------------------------------------------------------
POSITION_REPORT_BITS = 168  # standard length of types 1, 2, 3 and 18
# Fewest bits for ok: the end of the RAIM flag, the last field returned here. The 19-20 bits of
# radio status after it are not decoded, so a report that lost only those still agrees with pyais.
CLASS_A_MIN_BITS = 149
CLASS_B_MIN_BITS = 148
CLASS_A_TYPES = (1, 2, 3)  # Class A position reports share one layout
CLASS_B_TYPE = 18  # standard Class B position report
MAX_FILL_BITS = 5  # an NMEA sentence pads its payload with at most 5 bits

# "Not available" values, as pyais returns them; mapped to NaN unless map_not_available=False.
LAT_NOT_AVAILABLE_DEG = 91.0  # raw 0x3412140 (91 * 600000)
LON_NOT_AVAILABLE_DEG = 181.0  # raw 0x6791AC0 (181 * 600000)
SOG_NOT_AVAILABLE_KNOTS = 102.3  # raw 1023; 102.2 means "102.2 knots or more" and is kept
COG_NOT_AVAILABLE_DEG = 360.0  # raw 3600
HEADING_NOT_AVAILABLE_DEG = 511.0  # raw 511
NAV_STATUS_NOT_DEFINED = 15.0  # "undefined (default)"; type 18 has no status at all
ROT_NOT_AVAILABLE = -128.0  # raw -128: no turn information (pyais TurnRate.NO_TI_DEFAULT)

_ROT_SCALE = 4.733  # pyais: rot = sign(raw) * round((raw / 4.733) ** 2), in degrees per minute
_ROT_NO_TI_RAW = 127  # |raw| >= 127 means "turning, no turn indicator": pyais keeps the raw value

# What decode_position_payloads takes: anything list-like of payload strings (or bytes).
Payloads: TypeAlias = Sequence[str | bytes | None] | np.ndarray | pd.Series

_WORD_BITS = 60  # ten 6-bit characters per 64-bit word
_CHARS = POSITION_REPORT_BITS // 6  # 28 characters hold one report


def _armour_tables() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """Lookup tables from an ASCII byte to its 6-bit value and to whether it is valid armour."""
    codes = np.arange(256)
    upper = (codes >= ord("0")) & (codes <= ord("W"))
    valid = upper | ((codes >= ord("`")) & (codes <= ord("w")))
    value = codes - ord("0")
    value = np.where(value > 40, value - 8, value)  # '`'..'w' follow 'W' after a gap of 8
    return np.where(valid, value, 0).astype(np.uint8), valid


_SIXBIT, _VALID = _armour_tables()


@dataclass(frozen=True, eq=False)
class PositionArrays:
    """Decoded position reports, one entry per input payload, in input order.

    ``ok`` tells which entries were decoded; elsewhere every field is meaningless (0, False or NaN)
    and the payload is for pyais or quarantine. ``fields`` maps each name of ``FIELD_NAMES`` to an
    array: int64 for msg_type, repeat, mmsi and utc_second; bool for accuracy and raim; float64
    (NaN where not available or absent) for the rest.
    """

    ok: npt.NDArray[np.bool_]
    fields: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.ok)

    def to_frame(self) -> pd.DataFrame:
        """All fields as a DataFrame, RangeIndex in input order (select rows with ``ok``)."""
        return pd.DataFrame(self.fields, columns=FIELD_NAMES)


def decode_position_payloads(
    payloads: Payloads,
    fill_bits: npt.ArrayLike | None = None,
    map_not_available: bool = True,
) -> PositionArrays:
    """Decode armoured AIS payloads of types 1, 2, 3 and 18 as whole arrays.

    Args:
        payloads: the payload field (6th field) of single-sentence ``!xxVDM``/``!xxVDO`` messages.
            Entries that are not strings (None, NaN) are simply not ok.
        fill_bits: fill-bit count of each payload (7th field); None means 0 for all.
        map_not_available: True turns the "not available" sentinels (lat 91, lon 181, sog 102.3,
            cog 360, heading 511, nav_status 15, rot -128) into NaN; False keeps pyais' values.

    Returns:
        PositionArrays with one entry per payload; values equal ``pyais.decode(...).asdict()``
        (``status``, ``turn``, ``speed``, ``course`` are named nav_status, rot_deg_per_min,
        sog_knots, cog_deg). Never raises on bad payload content.

    Raises:
        ValueError: fill_bits is not the same length as payloads (a caller's bug, not bad data).
    """
    flat, lengths = _flatten(payloads)
    return decode_position_spans(flat, np.cumsum(lengths) - lengths, lengths, fill_bits,
                                 map_not_available)


def decode_position_spans(
    data: npt.NDArray[np.uint8],
    starts: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
    fill_bits: npt.ArrayLike | None = None,
    map_not_available: bool = True,
) -> PositionArrays:
    """:func:`decode_position_payloads` for payloads that are spans of one byte buffer.

    Payload ``i`` is ``data[starts[i]:starts[i] + lengths[i]]`` (ASCII bytes): ingest passes the
    framer's buffer of payloads as it is, with no string made per message.
    """
    n = len(lengths)
    fill, fill_ok = _fill_bits(fill_bits, n)
    if n and int(starts.max()) + _CHARS > len(data):  # so that every row can read 28 bytes
        data = np.concatenate((data, np.zeros(_CHARS, dtype=np.uint8)))
    # (n, 28): the first 28 characters of each row. A shorter row picks up the bytes after it,
    # but only where ok rows hold fill or radio bits, which are never read.
    raw = data[starts[:, None] + np.arange(_CHARS)]
    chars_ok = _chars_ok(data, raw, starts, lengths)
    words = _pack_words(_SIXBIT[raw])

    msg_type = _bits(words, 0, 6)
    is_a = np.isin(msg_type, CLASS_A_TYPES)
    is_b = msg_type == CLASS_B_TYPE
    n_bits = 6 * lengths - fill
    long_enough = np.where(is_b, n_bits >= CLASS_B_MIN_BITS, n_bits >= CLASS_A_MIN_BITS)
    ok = (is_a | is_b) & chars_ok & fill_ok & long_enough
    fields = _decode_fields(words, msg_type, is_b)
    if map_not_available:
        _map_not_available(fields)
    _blank_not_ok(fields, ok)
    return PositionArrays(ok=ok, fields=fields)


def _chars_ok(
    data: npt.NDArray[np.uint8], raw: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """Whether every character of each payload is valid armour: from the gathered 28 characters
    for the usual 28-character payload, by counting over its span in ``data`` for the others."""
    ok = (lengths == _CHARS) & _VALID[raw].all(axis=1)
    other = np.flatnonzero(lengths != _CHARS)
    if len(other):
        invalid_before = np.concatenate(([0], np.cumsum(~_VALID[data], dtype=np.int64)))
        a, b = starts[other], starts[other] + lengths[other]
        ok[other] = invalid_before[b] == invalid_before[a]
    return ok


def _flatten(
    payloads: Payloads,
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64]]:
    """All payload characters in one byte array (non-ASCII as 0, i.e. invalid) and each length."""
    # numpy arrays and pandas Series become lists of Python objects: one C-level pass
    items: list[Any] = payloads.tolist() if hasattr(payloads, "tolist") else list(payloads)
    joined: str | bytes
    try:
        lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
        joined = items[0][:0].join(items) if len(items) else ""
    except (TypeError, AttributeError):  # None, NaN, str mixed with bytes: slow path, bad input
        items = [_as_text(item) for item in items]
        lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
        joined = "".join(items)
    if isinstance(joined, bytes):
        codes = np.frombuffer(joined, dtype=np.uint8)
    else:
        try:
            codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        except UnicodeEncodeError:
            wide = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            codes = np.where(wide < 128, wide, 0).astype(np.uint8)
    return codes, lengths


def _as_text(item: object) -> str:
    """A payload as text; anything that is not text becomes '' (never ok)."""
    if isinstance(item, str):
        return item
    if isinstance(item, bytes):
        return item.decode("latin-1")
    return ""


def _fill_bits(
    fill_bits: npt.ArrayLike | None, n: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Fill-bit counts as int64 (0 where unusable) and whether each one is a valid 0..5."""
    if fill_bits is None:
        return np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)
    as_float = np.asarray(fill_bits, dtype=np.float64)
    if as_float.shape != (n,):
        raise ValueError(f"fill_bits has shape {as_float.shape}, expected ({n},) like payloads")
    usable = (as_float >= 0) & (as_float <= MAX_FILL_BITS) & (as_float == np.floor(as_float))
    return np.where(usable, as_float, 0).astype(np.int64), usable


def _pack_words(grid: npt.NDArray[np.uint8]) -> list[npt.NDArray[np.uint64]]:
    """Pack 28 six-bit columns into three uint64 words of 60 bits each, left-aligned."""
    words = []
    for first in range(0, _CHARS, _WORD_BITS // 6):
        word = np.zeros(len(grid), dtype=np.uint64)
        for col in range(first, first + _WORD_BITS // 6):
            value = grid[:, col] if col < _CHARS else np.uint8(0)
            word = (word << np.uint64(6)) | value.astype(np.uint64)
        words.append(word)
    return words


def _bits(
    words: list[npt.NDArray[np.uint64]], start: int, width: int, signed: bool = False
) -> npt.NDArray[np.int64]:
    """The ``width``-bit field at bit ``start`` of every row (MSB first), as int64."""
    first, offset = divmod(start, _WORD_BITS)
    head = min(width, _WORD_BITS - offset)  # bits taken from the first word
    value = (words[first] >> np.uint64(_WORD_BITS - offset - head)) & np.uint64((1 << head) - 1)
    tail = width - head  # bits from the next word (a field spans at most two)
    if tail:
        value = (value << np.uint64(tail)) | (words[first + 1] >> np.uint64(_WORD_BITS - tail))
    result = value.astype(np.int64)
    if signed:
        result = np.where(result >= 1 << (width - 1), result - (1 << width), result)
    return result


def _decode_fields(
    words: list[npt.NDArray[np.uint64]],
    msg_type: npt.NDArray[np.int64],
    is_b: npt.NDArray[np.bool_],
) -> dict[str, np.ndarray]:
    """Every field, scaled as pyais scales it; Class B fields sit 4 bits earlier than Class A."""

    def either(start_a: int, start_b: int, width: int, signed: bool = False) -> np.ndarray:
        class_b = _bits(words, start_b, width, signed)
        return np.where(is_b, class_b, _bits(words, start_a, width, signed))

    class_a_only = np.where(is_b, np.nan, 1.0)  # nav_status, rot and maneuver: absent in type 18
    # bit offsets: (Class A, Class B) where they differ, then width
    return {
        c.MSG_TYPE: msg_type,
        REPEAT: _bits(words, 6, 2),
        c.MMSI: _bits(words, 8, 30),
        c.NAV_STATUS: _bits(words, 38, 4) * class_a_only,
        ROT_DEG_PER_MIN: _scale_rot(_bits(words, 42, 8, signed=True)) * class_a_only,
        c.SOG_KNOTS: either(50, 46, 10) / 10.0,
        ACCURACY: either(60, 56, 1).astype(bool),
        c.LON: _scale_lat_lon(either(61, 57, 28, signed=True)),
        c.LAT: _scale_lat_lon(either(89, 85, 27, signed=True)),
        c.COG_DEG: either(116, 112, 12) / 10.0,
        c.HEADING_DEG: either(128, 124, 9).astype(np.float64),
        UTC_SECOND: either(137, 133, 6),
        MANEUVER: _bits(words, 143, 2) * class_a_only,
        RAIM: either(148, 147, 1).astype(bool),
    }


def _scale_lat_lon(raw: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """1/10000 minute to degrees rounded to 6 decimals, exactly as pyais: round(5 * raw / 3) / 1e6.

    5 * raw / 3 is never halfway between integers, so floor((10 * raw + 3) / 6) is its nearest
    integer, and dividing that exact integer by 1e6 is correctly rounded.
    """
    return ((10 * raw + 3) // 6) / 1e6


def _scale_rot(raw: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Raw rate of turn to pyais' value: sign(raw) * round((raw / 4.733) ** 2).

    |raw| >= 127 (turning, no turn indicator; -128 not available) keeps the raw value, as pyais.
    """
    as_float = raw.astype(np.float64)
    scaled = np.copysign(np.round((as_float / _ROT_SCALE) ** 2), as_float)
    return np.where(np.abs(raw) >= _ROT_NO_TI_RAW, as_float, scaled)


def _map_not_available(fields: dict[str, np.ndarray]) -> None:
    """Replace each "not available" sentinel by NaN, in place (fields are our own arrays)."""
    sentinels = {
        c.LAT: LAT_NOT_AVAILABLE_DEG,
        c.LON: LON_NOT_AVAILABLE_DEG,
        c.SOG_KNOTS: SOG_NOT_AVAILABLE_KNOTS,
        c.COG_DEG: COG_NOT_AVAILABLE_DEG,
        c.HEADING_DEG: HEADING_NOT_AVAILABLE_DEG,
        c.NAV_STATUS: NAV_STATUS_NOT_DEFINED,
        ROT_DEG_PER_MIN: ROT_NOT_AVAILABLE,
    }
    for name, sentinel in sentinels.items():
        fields[name][fields[name] == sentinel] = np.nan


def _blank_not_ok(fields: dict[str, np.ndarray], ok: npt.NDArray[np.bool_]) -> None:
    """Zero, False or NaN every field of the rows that are not ok, in place."""
    for values in fields.values():
        values[~ok] = np.nan if values.dtype.kind == "f" else 0
