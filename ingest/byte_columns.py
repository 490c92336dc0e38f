"""Column-wise tools over a block of NMEA bytes, for the vectorised framer (ingest.fast_framing).

Where each line and its stripped text lie (:class:`Lines`), fixed-width windows of bytes at many
offsets, splitting spans at delimiters, cutting substrings out as one Arrow array, and reading
decimal numbers column by column. Everything works on numpy arrays of byte offsets: no loop over
lines.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]


PAD = 64  # zero bytes after the content, so fixed-offset reads never leave the buffer
MAX_NUMBER_CHARS = 32  # longer time tokens go to the reference (none seen in real feeds)
EXACT_DIGITS = 15  # digit strings up to this long convert to float64 exactly (< 2**53)
MS_DIGITS = 13  # as ingest.framing: 13 integer digits are Unix milliseconds
UNIX_DIGITS = (9, 13)  # as ingest.framing's _UNIX pattern


def _byte_set(chars: bytes) -> Bools:
    table = np.zeros(256, dtype=bool)
    table[np.frombuffer(chars, dtype=np.uint8)] = True
    return table


WHITESPACE = np.array([chr(b).isspace() for b in range(256)])  # what str.strip() removes (Latin-1)
DIGIT = _byte_set(b"0123456789")
HEX = _byte_set(b"0123456789ABCDEFabcdef")
TALKER = _byte_set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
FILL = _byte_set(b"012345")
HEX_VALUE = np.zeros(256, dtype=np.uint8)
for _chars, _base in ((b"0123456789", 0), (b"ABCDEF", 10), (b"abcdef", 10)):
    HEX_VALUE[np.frombuffer(_chars, dtype=np.uint8)] = np.arange(len(_chars)) + _base


class Lines:
    """The block's bytes, where each line and its stripped text are, and where the marks are.

    Marks only some lines need (',', '*', '\\', '-') are scanned for on first use.
    """

    def __init__(self, content: bytes) -> None:
        self.size = len(content)
        padded = content + bytes(PAD)
        self.buf = np.frombuffer(padded, dtype=np.uint8)
        self.arrow = pa.py_buffer(padded)  # the same bytes, for Arrow's substring gathering
        self.scratch = np.empty(self.size, dtype=bool)  # one byte-wide mask, reused by every scan
        body = self.buf[: self.size]
        low = np.flatnonzero(np.less_equal(body, 32, out=self.scratch))
        high = np.flatnonzero(np.greater_equal(body, 127, out=self.scratch))
        odd = np.sort(np.concatenate((low, high))) if len(high) else low
        odd_byte = self.buf[odd]
        end = odd[odd_byte == 10]
        if self.size and content[-1:] != b"\n":
            end = np.append(end, self.size)
        self.end: Ints = end  # each line's '\n' (or the end of the content)
        self.start: Ints = np.concatenate(([0], end[:-1] + 1)).astype(np.int64)[: len(end)]
        self.spaces: Ints = odd[odd_byte == 32]
        self.nonprint: Ints = odd[(odd_byte != 32) & (odd_byte != 10)]
        self.s0, self.te = _strip_bounds(self.buf, odd[WHITESPACE[odd_byte]], self.start, self.end)
        self.bangs = self.find("!")

    def find(self, char: str) -> Ints:
        return np.flatnonzero(np.equal(self.buf[: self.size], ord(char), out=self.scratch))

    @cached_property
    def commas(self) -> Ints:
        return self.find(",")

    @cached_property
    def stars(self) -> Ints:
        return self.find("*")

    @cached_property
    def hyphens(self) -> Ints:
        return self.find("-")


def _strip_bounds(buf: npt.NDArray[np.uint8], ws: Ints, start: Ints, end: Ints) -> tuple[Ints, Ints]:
    """Bounds of each line after Python's str.strip() (Latin-1 whitespace, as the reference)."""
    s0, te = start.copy(), end.copy()
    if len(ws) == 0 or len(start) == 0:
        return s0, te
    breaks = np.flatnonzero(np.diff(ws) != 1)
    run_first = ws[np.concatenate(([0], breaks + 1))]
    run_last = ws[np.concatenate((breaks, [len(ws) - 1]))]
    nonempty = start < end
    lead = nonempty & WHITESPACE[buf[start]]
    run = np.searchsorted(run_first, start[lead], side="right") - 1
    s0[lead] = np.minimum(run_last[run] + 1, end[lead])
    trail = nonempty & WHITESPACE[buf[np.maximum(end - 1, 0)]]
    run = np.searchsorted(run_first, end[trail] - 1, side="right") - 1
    te[trail] = np.maximum(run_first[run], s0[trail])
    return s0, np.maximum(te, s0)


def window(buf: npt.NDArray[np.uint8], at: Ints, width: int) -> npt.NDArray[np.uint8]:
    """The ``width`` bytes from each position, as rows (one gather instead of one per byte)."""
    return np.lib.stride_tricks.sliding_window_view(buf, width)[at]


def count_in(positions: Ints, a: Ints, b: Ints) -> Ints:
    """How many of the sorted ``positions`` fall in each [a, b)."""
    return np.searchsorted(positions, b) - np.searchsorted(positions, a)


def field_spans(delims: Ints, a: Ints, b: Ints) -> tuple[Ints, Ints, Ints]:
    """Split each row's [a, b) at the sorted delimiter positions: (row, field start, field end)."""
    lo = np.searchsorted(delims, a)
    return _split_counted(delims, lo, np.searchsorted(delims, b) - lo, a, b)


def _split_counted(
    delims: Ints, lo: Ints, count: Ints, a: Ints, b: Ints
) -> tuple[Ints, Ints, Ints]:
    """Fields of each [a, b) given its delimiters ``delims[lo:lo + count]``."""
    take = np.repeat(lo - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
    return split_exact(delims[take], count, a, b)


def split_exact(inner: Ints, count: Ints, a: Ints, b: Ints) -> tuple[Ints, Ints, Ints]:
    """Fields of each [a, b), given all rows' delimiters in order and each row's count."""
    per_row = count + 1
    first = np.cumsum(per_row) - per_row
    n_fields = int(per_row.sum())
    starts, ends = np.empty(n_fields, np.int64), np.empty(n_fields, np.int64)
    is_first = np.zeros(n_fields, dtype=bool)
    is_first[first] = True
    starts[first], starts[~is_first] = a, inner + 1
    is_last = np.zeros(n_fields, dtype=bool)
    is_last[first + count] = True
    ends[first + count], ends[~is_last] = b, inner
    return np.repeat(np.arange(len(a)), per_row), starts, ends


def substrings(lines: Lines, a: Ints, b: Ints, valid: Bools | None = None) -> pa.Array:
    """Arrow strings of [a, b) per row (rows in byte order; null where not ``valid``).

    The spans become every other entry of a zero-copy Arrow array over the block's bytes (the gaps
    between them are the others), and Arrow's ``take`` copies them out in C++.
    """
    n = len(a)
    if valid is not None and valid.all():
        valid = None
    if valid is not None:
        reach = np.maximum.accumulate(np.where(valid, b, 0)) if n else b
        a, b = np.where(valid, a, reach), np.where(valid, b, reach)
    large = lines.size + PAD >= 2**31 - 1
    offsets = np.empty(2 * n + 1, dtype=np.int64 if large else np.int32)
    offsets[0 : 2 * n : 2], offsets[1 : 2 * n : 2] = a, b
    offsets[2 * n] = b[-1] if n else 0
    kind = pa.large_string() if large else pa.string()
    if n and (offsets[0] < 0 or offsets[-1] > len(lines.buf) or (np.diff(offsets) < 0).any()):
        # spans out of order would make the Arrow array invalid: copy them out with numpy instead
        length = np.maximum(b - a, 0)
        index = np.repeat(a - (np.cumsum(length) - length), length) + np.arange(length.sum())
        packed = np.concatenate(([0], np.cumsum(length))).astype(offsets.dtype)
        data = pa.py_buffer(np.ascontiguousarray(lines.buf[index]))
        taken = pa.Array.from_buffers(kind, n, [None, pa.py_buffer(packed), data])
    else:
        spans = pa.Array.from_buffers(kind, 2 * n, [None, pa.py_buffer(offsets), lines.arrow])
        taken = spans.take(pa.array(np.arange(0, 2 * n, 2)))
    if valid is None:
        return taken
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    nulls = int(n - np.count_nonzero(valid))
    return pa.Array.from_buffers(kind, n, [bitmap, *taken.buffers()[1:]], nulls)


def with_nulls(strings: pa.Array, valid: Bools) -> pa.Array:
    """The same strings, null where not ``valid``."""
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    nulls = int(len(valid) - np.count_nonzero(valid))
    return pa.Array.from_buffers(strings.type, len(valid), [bitmap, *strings.buffers()[1:]], nulls)


def bytes_of(strings: pa.Array) -> tuple[npt.NDArray[Any], npt.NDArray[np.uint8]]:
    """Offsets (n + 1, int32 or int64) and bytes of an Arrow string array that is not sliced."""
    width = np.int64 if strings.type == pa.large_string() else np.int32
    offsets = np.frombuffer(strings.buffers()[1], dtype=width)[: len(strings) + 1]
    data = strings.buffers()[2]
    return offsets, np.frombuffer(data, dtype=np.uint8) if data is not None else np.empty(0, np.uint8)


def parse_unix(lines: Lines, a: Ints, b: Ints) -> tuple[Floats, Bools, Bools, Bools]:
    """Parse each [a, b) as the reference's ``_unix_seconds`` (without its strip).

    Returns (seconds, valid, unsure, other): ``unsure`` rows are too long to convert exactly here;
    ``other`` rows hold a character other than a digit or '.', and are never valid.
    """
    n, length = len(a), b - a
    seconds, valid = np.full(n, np.nan), np.zeros(n, dtype=bool)
    unsure, other = length > MAX_NUMBER_CHARS, np.zeros(n, dtype=bool)
    widths = np.bincount(np.where(unsure, 0, length), minlength=1)
    for width in np.flatnonzero(widths[1:]) + 1:
        rows = np.flatnonzero(length == width)
        chars = bytes_of(substrings(lines, a[rows], b[rows]))[1].reshape(len(rows), width)
        digit = (chars >= 48) & (chars <= 57)
        if digit.all():  # the usual case: a plain integer
            ok = np.full(len(rows), UNIX_DIGITS[0] <= width <= UNIX_DIGITS[1])
            if width > EXACT_DIGITS or not ok.any():
                continue
            whole = _digits_value(chars - 48)
            seconds[rows] = whole / 1000.0 if width >= MS_DIGITS else whole.astype(np.float64)
            valid[rows] = True
            continue
        dot = chars == 46
        n_dot = dot.sum(axis=1)
        other[rows] = digit.sum(axis=1) + n_dot < width
        int_digits = np.where(n_dot == 1, dot.argmax(axis=1), width)
        frac = np.where(n_dot == 1, width - int_digits - 1, 0)
        ok = ~other[rows] & (n_dot <= 1) & ((n_dot == 0) | (frac >= 1))
        ok &= (int_digits >= UNIX_DIGITS[0]) & (int_digits <= UNIX_DIGITS[1])
        unsure[rows] = ok & (int_digits + frac > EXACT_DIGITS)
        ok &= ~unsure[rows]
        if not ok.any():
            continue
        # all characters as one integer, the '.' counting as a 0 digit, then the '.' taken out
        whole = _digits_value(np.where(digit, chars - 48, 0).astype(np.uint8))
        whole, q, f = whole[ok], int_digits[ok], frac[ok]
        split = 10 ** np.maximum(f, 0)
        number = np.where(n_dot[ok] == 1, whole // (split * 10) * split + whole % split, whole)
        # float(text) == N / 10**frac exactly: both are exact doubles and division rounds correctly
        value = number / 10.0**f
        seconds[rows[ok]] = np.where(q >= MS_DIGITS, value / 1000.0, value)
        valid[rows[ok]] = True
    return seconds, valid, unsure, other


def _digits_value(digits: npt.NDArray[np.uint8]) -> Ints:
    """Rows of decimal digit values as integers (column by column: fast on narrow rows)."""
    whole = np.zeros(len(digits), dtype=np.int64)
    for col in range(digits.shape[1]):
        whole *= 10
        whole += digits[:, col]
    return whole
