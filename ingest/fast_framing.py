"""Vectorised NMEA framing: :func:`ingest.framing.frame_lines` for a whole block of lines at once.

The reference framer reads one line at a time with regular expressions (~50k lines/s). This module
frames the common case with numpy over the raw bytes (>1M lines/s): line ends, '!' and odd bytes
are found with ``np.flatnonzero`` (',', '*', '-' only when a line needs them); the sentence fields
sit at fixed offsets from '!' (the reference's pattern allows one-digit total, number and
sequence id) and the payload ends at the ``,f*hh`` that ends the line (else at the next comma,
by ``np.searchsorted``); the NMEA checksum is ``np.bitwise_xor.reduceat``; tag-block
``c:``/``s:``/``g:`` fields, Unix time columns before or after the sentence and ``$PGHP`` times are
parsed column-wise; the stateful rules (a ``$PGHP`` time for the next lines, the time of a timed
line just before, tag-block groups where only the first fragment carries ``c:``) are forward fills
over line indices (``np.maximum.accumulate``); text fields are cut out of the buffer by Arrow.

The framing rules live in :mod:`ingest.framing`, the one state machine; this module is a faster
way to apply them, not a second statement of them. A line the fast path does not handle (several
sentences on one line, ISO-8601 time columns, non-ASCII bytes, anything unusual) is ``SLOW``:
:func:`frame_block` hands it to :func:`ingest.framing.frame_line` with the
:class:`~ingest.framing.FramingState` that state machine would have at that line, and a fast line
whose result depends on a slow line (a time inherited from it, a group time it may have set, a
``$PGHP`` line only the reference reads) is made slow too. So every line gets exactly
``frame_lines``' result; the tests compare the two on every real capture and on random mixes.

Using it: call :func:`frame_block` on a block of whole lines, passing ``FramedBlock.state`` on to
the next block of the same file. Lines of kind SENTENCE and REJECTED are in the arrays; the items
of SLOW lines are in ``FramedBlock.slow_items`` (reference objects, in line order). Merge the two
by line number to get ``frame_lines``' sequence; :func:`to_items` does that (slowly) for tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from vessel_risk.ingest.byte_columns import (
    DIGIT,
    FILL,
    HEX,
    HEX_VALUE,
    TALKER,
    Bools,
    Floats,
    Ints,
    Lines,
    bytes_of,
    count_in,
    field_spans,
    parse_unix,
    split_exact,
    substrings,
    window,
    with_nulls,
)
from vessel_risk.ingest.framing import (
    BAD_CHECKSUM,
    BAD_TAG_BLOCK,
    BAD_TAG_CHECKSUM,
    MALFORMED_SENTENCE,
    NO_RECEIVE_TIME,
    NOT_AIS,
    PGHP_PREFIX,
    TAG_CHECKSUM_PLACEHOLDER,
    FramingParams,
    FramingState,
    Rejected,
    Sentence,
    frame_line,
)

# kind of each line (int8 codes)
SENTENCE = 0  # one AIS sentence, framed by the fast path
REJECTED = 1  # a Rejected (``reason`` says why), decided by the fast path
PGHP = 2  # a $PGHP line that carries a time (a malformed one is REJECTED)
BLANK_OR_COMMENT = 3  # blank line or '#' comment: yields nothing
SLOW = 4  # framed by the reference code: its results are in FramedBlock.slow_items
REASONS = ("", MALFORMED_SENTENCE, BAD_CHECKSUM, BAD_TAG_BLOCK, NO_RECEIVE_TIME, NOT_AIS,
           BAD_TAG_CHECKSUM)
_R_MALFORMED, _R_CHECKSUM, _R_TAG, _R_NO_TIME, _R_NOT_AIS, _R_TAG_CHECKSUM = 1, 2, 3, 4, 5, 6

# $PGHP years whose microsecond timestamps stay below 2**53, so float64 equals datetime's value
_PGHP_YEARS = (1900, 2200)
_PGHP_FIELD_CHARS = 9  # longer $PGHP number fields go to the reference


@dataclass
class FramedBlock:
    """Per-line results of one block (index i is line ``line_no[i]``).

    Numeric columns are numpy arrays; text columns are pyarrow StringArrays, null where the line is
    not a fast SENTENCE (station and group also where the tag block has none). ``seq`` is -1 when
    empty. Byte offsets (into the block's content) locate each line's stripped text and, for
    sentences, the NMEA sentence from '!' to the checksum, for quarantine rows and reassembly.
    ``slow_items`` holds the reference's Sentence/Rejected objects for SLOW lines, in line order
    (a line may yield several, or none); ``state`` is the framer state after the block.
    """

    line_no: Ints
    kind: npt.NDArray[np.int8]
    reason: npt.NDArray[np.int8]  # index into REASONS (0 when not rejected)
    received_s: Floats  # NaN when none
    own_time: Bools  # False when the time came from $PGHP, a neighbouring line or capture time
    station: pa.StringArray
    talker: pa.StringArray
    total: npt.NDArray[np.int8]
    num: npt.NDArray[np.int8]
    seq: npt.NDArray[np.int8]
    channel: pa.StringArray
    payload: pa.StringArray
    fill: npt.NDArray[np.int8]
    group: pa.StringArray
    checksum_ok: Bools
    text_start: Ints
    text_end: Ints
    sentence_start: Ints
    sentence_end: Ints
    slow_items: list[Sentence | Rejected]
    state: FramingState


@dataclass
class _Parsed:
    """Working columns, one entry per line (spans are byte offsets; a == b means none)."""

    kind: npt.NDArray[np.int8]
    reason: npt.NDArray[np.int8]
    is_pghp: Bools
    starts_line: Bools  # a line with a sentence start: it counts down a $PGHP time
    simple: Bools  # one sentence start, one '!', printable ASCII: framed here
    bang: Ints
    c4: Ints
    c5: Ints
    c6: Ints
    pghp_time: Floats
    tag_time: Floats
    col_time: Floats
    col_slow: Bools
    station: tuple[Ints, Ints, Bools]
    group: tuple[Ints, Ints, Bools]
    payload: pa.StringArray  # every line's payload span (empty where none); nulls set at the end


_CAND = 9  # temporary kind: a sentence whose time is not settled yet


def frame_block(
    content: bytes,
    first_line_no: int = 1,
    params: FramingParams = FramingParams(),
    state: FramingState | None = None,
) -> FramedBlock:
    """Frame a block of whole lines ('\\n'-separated, '\\r' allowed) as ``frame_lines`` would.

    ``state`` is what the framer remembers from the lines before the block (None: the start of a
    file); the state after the block is returned in ``FramedBlock.state`` (the argument is not
    changed).
    """
    start_state = state or FramingState()
    lines = Lines(content)
    parsed = _parse(lines, params)
    return _resolve(content, lines, parsed, first_line_no, params, start_state)


def to_items(
    block: FramedBlock, content: bytes, keep: Bools | None = None
) -> list[Sentence | Rejected]:
    """The block as the reference's objects, in line order (a loop: for the lines ``keep`` marks,
    or all; the caller takes the common lines as arrays)."""
    slow = iter(block.slow_items)
    pending = next(slow, None)
    out: list[Sentence | Rejected] = []
    rows = np.arange(len(block.kind)) if keep is None else np.flatnonzero(keep)
    # only the rows asked for become Python objects (j counts them, i is the block's row)
    cols = {
        name: getattr(block, name).take(pa.array(rows)).to_pylist()
        for name in ("station", "talker", "channel", "payload", "group")
    }
    kinds = block.kind[rows].tolist()
    for j, i in enumerate(rows.tolist()):
        kind = kinds[j]
        line_no = int(block.line_no[i])
        if kind == SLOW:
            while pending is not None and pending.line_no == line_no:
                out.append(pending)
                pending = next(slow, None)
            continue
        text = content[block.text_start[i] : block.text_end[i]].decode("latin-1")
        if kind == REJECTED:
            reason = REASONS[block.reason[i]]
            whole = reason in (NOT_AIS, MALFORMED_SENTENCE) and block.sentence_start[i] < 0
            raw = _line_text(content, block, i) if whole else text
            out.append(Rejected(line_no, reason, raw))
        elif kind == SENTENCE:
            seq = int(block.seq[i])
            out.append(Sentence(
                line_no=line_no, received_s=float(block.received_s[i]),
                station=cols["station"][j], talker=cols["talker"][j], total=int(block.total[i]),
                num=int(block.num[i]), seq="" if seq < 0 else str(seq),
                channel=cols["channel"][j], payload=cols["payload"][j], fill=int(block.fill[i]),
                group=cols["group"][j], raw=text, own_time=bool(block.own_time[i]),
            ))
    return out


def payload_spans(payload: pa.Array, rows: Ints) -> tuple[npt.NDArray[np.uint8], Ints, Ints]:
    """(bytes, starts, lengths): where the payloads of ``rows`` lie in the payload column's buffer,
    for decoders that read them in place (``FramedBlock.payload``, not sliced)."""
    offsets, data = bytes_of(payload)
    starts = offsets[rows].astype(np.int64)
    return data, starts, offsets[rows + 1].astype(np.int64) - starts


def _line_text(content: bytes, block: FramedBlock, i: int) -> str:
    """The whole line (unstripped, as the reference quotes lines it cannot frame at all)."""
    start = int(block.text_start[i])
    line_start = content.rfind(b"\n", 0, start) + 1
    line_end = content.find(b"\n", start)
    return content[line_start : len(content) if line_end < 0 else line_end].decode("latin-1")


def _parse(lines: Lines, params: FramingParams) -> _Parsed:
    """Everything about each line that does not depend on other lines."""
    buf, s0, te = lines.buf, lines.s0, lines.te
    n = len(s0)
    head = window(buf, s0, 5)
    blank = (s0 == te) | (head[:, 0] == ord("#"))
    is_pghp = ~blank & (te - s0 >= 5)
    for k, char in enumerate(b"$PGHP"):
        is_pghp &= head[:, k] == char

    bangs = lines.bangs
    after = window(buf, bangs, 7)
    talker_ok = (TALKER[after[:, 1]] & TALKER[after[:, 2]]) | (
        (after[:, 1] == 45) & (after[:, 2] == 45))
    is_start = talker_ok & (after[:, 3] == 86) & (after[:, 4] == 68)
    is_start &= ((after[:, 5] == 77) | (after[:, 5] == 79)) & (after[:, 6] == 44)
    if len(bangs) == n and ((bangs >= lines.start) & (bangs < lines.end)).all():
        bang_line = np.arange(n)  # one '!' on every line, the usual case
    else:
        bang_line = np.searchsorted(lines.end, bangs)
    n_bang = np.bincount(bang_line, minlength=n)
    n_start = np.bincount(bang_line[is_start], minlength=n)
    first_bang = np.full(n, -1, dtype=np.int64)
    firsts = np.flatnonzero(np.diff(bang_line, prepend=-1))
    first_bang[bang_line[firsts]] = bangs[firsts]

    kind = np.full(n, BLANK_OR_COMMENT, dtype=np.int8)
    reason = np.zeros(n, dtype=np.int8)
    starts_line = ~blank & ~is_pghp & (n_start > 0)
    no_start = ~blank & ~is_pghp & (n_start == 0)
    kind[no_start] = REJECTED
    first = buf[s0[no_start]]
    reason[no_start] = np.where((first == 36) | (first == 33), _R_NOT_AIS, _R_MALFORMED)
    printable = count_in(lines.nonprint, s0, te) == 0
    kind[starts_line] = SLOW
    simple = starts_line & (n_start == 1) & (n_bang == 1) & printable
    kind[simple] = _CAND

    parsed = _Parsed(
        kind=kind, reason=reason, is_pghp=is_pghp, starts_line=starts_line, simple=simple,
        bang=first_bang, c4=np.zeros(n, np.int64), c5=np.zeros(n, np.int64),
        c6=np.full(n, -1, np.int64), pghp_time=np.full(n, np.nan), tag_time=np.full(n, np.nan),
        col_time=np.full(n, np.nan), col_slow=np.zeros(n, dtype=bool),
        station=(np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, dtype=bool)),
        group=(np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, dtype=bool)),
        payload=pa.array([], pa.string()),
    )
    _parse_pghp(lines, parsed, np.flatnonzero(is_pghp & printable))
    kind[is_pghp & ~printable] = SLOW
    _parse_sentences(lines, parsed)
    _parse_tags(lines, parsed, params)
    _parse_columns(lines, parsed)
    return parsed


def _parse_pghp(lines: Lines, parsed: _Parsed, rows: Ints) -> None:
    """``$PGHP,1,YYYY,M,D,h,m,s,ms,...`` as the reference's ``_parse_pghp`` reads it."""
    if len(rows) == 0:
        return
    buf, a, b, commas, stars = lines.buf, lines.s0[rows], lines.te[rows], lines.commas, lines.stars
    k = np.minimum(np.searchsorted(stars, a), max(len(stars) - 1, 0))
    first_star = stars[k] if len(stars) else b
    end = np.where((first_star >= a) & (first_star < b), first_star, b)
    lo = np.searchsorted(commas, a)
    enough = np.searchsorted(commas, end) - lo >= 8  # fields[2:9] exist
    full, lo, end = rows[enough], lo[enough], end[enough]
    padded = np.append(commas, lines.size + 1)
    at = lo[:, None] + np.arange(1, 9)  # the commas before fields 2..8 and the one after field 8
    bounds = padded[np.minimum(at, len(commas))]
    fa = bounds[:, :7] + 1
    fb = np.concatenate((bounds[:, 1:7], np.minimum(bounds[:, 7:], end[:, None])), axis=1)
    length = fb - fa
    empty = (length == 0).any(axis=1)
    odd = (length > _PGHP_FIELD_CHARS).any(axis=1)
    value = np.zeros(fa.shape, dtype=np.int64)
    for f in range(7):  # each field as an integer, one character column at a time
        width = min(int(length[:, f].max(initial=0)), _PGHP_FIELD_CHARS)
        chars = window(buf, fa[:, f], max(width, 1))
        for col in range(width):
            inside = col < length[:, f]
            odd |= inside & ~DIGIT[chars[:, col]]
            value[:, f] = np.where(inside, value[:, f] * 10 + chars[:, col] - 48, value[:, f])
    odd &= ~empty
    year, month, day, hour, minute, second, millis = value.T
    odd |= ~empty & ((year < _PGHP_YEARS[0]) | (year > _PGHP_YEARS[1]))
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)]
    month_days = month_days + (leap & (month == 2))
    ok = (
        ~empty & ~odd & (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
        & (hour <= 23) & (minute <= 59) & (second <= 59) & (millis <= 999)
    )
    micros = ((_days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second)
              * 1_000_000 + millis * 1000)
    parsed.kind[rows] = REJECTED
    parsed.reason[rows] = _R_MALFORMED  # fewer than 9 fields, an empty field or a bad date
    parsed.kind[full[odd]] = SLOW
    parsed.reason[full[odd]] = 0
    parsed.kind[full[ok]] = PGHP
    parsed.reason[full[ok]] = 0
    parsed.pghp_time[full[ok]] = micros[ok] / 1e6  # as datetime.timestamp(): exact micros / 10**6


def _days_from_civil(year: Ints, month: Ints, day: Ints) -> Ints:
    """Days since 1970-01-01 of a proleptic Gregorian date (valid dates only)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def _parse_sentences(lines: Lines, parsed: _Parsed) -> None:
    """The ``!xxVDM,total,num,seq,chan,payload,fill*hh`` match and its checksum.

    Total, number and sequence id are at most one digit, so every comma up to the channel's is at
    a fixed offset from '!'; the payload ends at the comma 5 bytes before the line's end when the
    line ends with the checksum (else at the next comma).
    """
    buf, te = lines.buf, lines.te
    rows = np.flatnonzero(parsed.kind == _CAND)
    p, end = parsed.bang[rows], te[rows]
    head = window(buf, p, 16)  # '!' and the 15 bytes after it
    ok = DIGIT[head[:, 7]] & (head[:, 8] == 44) & DIGIT[head[:, 9]] & (head[:, 10] == 44)
    seq_empty = head[:, 11] == 44
    ok &= seq_empty | (DIGIT[head[:, 11]] & (head[:, 12] == 44))
    c4 = np.where(seq_empty, p + 11, p + 12)
    chan_empty = np.where(seq_empty, head[:, 12], head[:, 13]) == 44
    c5 = np.where(chan_empty, c4 + 1, c4 + 2)
    ok &= chan_empty | (np.where(seq_empty, head[:, 13], head[:, 14]) == 44)
    tail = window(buf, end - 8, 8)  # the line's last 8 bytes: ",f*hh" when it ends the line
    at_end = (tail[:, 5] == 42) & (tail[:, 3] == 44) & (end - 5 > c5)
    c6 = end - 5
    later = np.flatnonzero(~at_end)
    if len(later):
        padded = np.append(lines.commas, lines.size + 1)
        c6[later] = padded[np.searchsorted(lines.commas, c5[later] + 1)]
        tail[later] = window(buf, c6[later] - 3, 8)  # so that tail[:, 4:8] follows c6 too
    span_ok = ok & (c6 < end)
    payload = substrings(lines, c5 + 1, c6, span_ok)
    offsets, data = bytes_of(payload)
    shifted = data - np.uint8(48)  # valid armour: '0'..'W' (0..39 here) and '`'..'w' (48..71)
    invalid = np.flatnonzero((shifted > 71) | ((shifted > 39) & (shifted < 48)))
    bad = np.zeros(len(rows), dtype=bool)
    bad[np.searchsorted(offsets, invalid, side="right") - 1] = True
    # a comma inside a payload guessed from the line's end: the payload ends earlier, and the
    # match may too; left to the reference
    has_comma = np.zeros(len(rows), dtype=bool)
    has_comma[np.searchsorted(offsets, invalid[data[invalid] == 44], side="right") - 1] = True
    ok = span_ok & ~bad & FILL[tail[:, 4]] & (tail[:, 5] == 42)
    ok &= HEX[tail[:, 6]] & HEX[tail[:, 7]]
    parsed.kind[rows[~ok]] = REJECTED
    parsed.reason[rows[~ok]] = _R_MALFORMED
    parsed.kind[rows[has_comma]] = SLOW
    parsed.reason[rows[has_comma]] = 0
    ok &= ~has_comma
    full = np.zeros(len(parsed.kind), dtype=bool)
    full[rows] = True
    parsed.payload = _spread(payload, full)

    if not ok.all():
        rows, p, c4, c5, c6, tail = rows[ok], p[ok], c4[ok], c5[ok], c6[ok], tail[ok]
    bounds = np.empty(2 * len(rows), dtype=np.int64)
    bounds[0::2], bounds[1::2] = p + 1, c6 + 2
    xor = np.bitwise_xor.reduceat(buf, bounds)[0::2] if len(rows) else bounds
    expected = HEX_VALUE[tail[:, 6]].astype(np.int64) * 16 + HEX_VALUE[tail[:, 7]]
    bad_sum = xor != expected
    parsed.kind[rows[bad_sum]] = REJECTED
    parsed.reason[rows[bad_sum]] = _R_CHECKSUM
    parsed.c4[rows], parsed.c5[rows], parsed.c6[rows] = c4, c5, c6


def _spread(strings: pa.Array, where: Bools) -> pa.Array:
    """Strings for the rows of ``where`` as a full-length array (empty strings elsewhere)."""
    offsets, _ = bytes_of(strings)
    full = np.zeros(len(where) + 1, dtype=offsets.dtype)
    rows = np.flatnonzero(where)
    full[rows + 1] = offsets[1:]
    full = np.maximum.accumulate(full)
    return pa.Array.from_buffers(strings.type, len(where), [None, pa.py_buffer(full), strings.buffers()[2]])


def _parse_tags(lines: Lines, parsed: _Parsed, params: FramingParams) -> None:
    """Tag blocks ``\\c:...,s:...,g:...*hh\\`` right before the sentence, as ``_parse_tag_block``."""
    buf = lines.buf
    rows = np.flatnonzero(parsed.kind == _CAND)
    s0, p = lines.s0[rows], parsed.bang[rows]
    opens = buf[s0] == 92
    tagged = opens & (p - 1 > s0) & (buf[p - 1] == 92)
    parsed.kind[rows[opens & ~tagged]] = SLOW  # some other use of '\\': the reference's
    rows, s0, p = rows[tagged], s0[tagged], p[tagged]
    m = len(rows)
    # each tag body, gathered: a third '\\' in it is the reference's; its last '*' ends the fields
    raw_offsets, data = bytes_of(substrings(lines, s0 + 1, p - 1))
    offsets: Ints = raw_offsets.astype(np.int64)
    extra = np.zeros(m, dtype=bool)
    extra[np.searchsorted(offsets, np.flatnonzero(data == 92), side="right") - 1] = True
    parsed.kind[rows[extra]] = SLOW
    # the body's last '*': most often 3 bytes before its end ("*hh"), else searched for
    star_c = offsets[1:] - 3
    padded = np.append(data, np.zeros(2, dtype=np.uint8))
    usual = (star_c >= offsets[:-1]) & (padded[star_c] == 42)
    usual &= (padded[star_c + 1] != 42) & (padded[star_c + 2] != 42)
    if not usual.all():
        star_pos = np.flatnonzero(data == 42)
        star_row = np.searchsorted(offsets, star_pos, side="right") - 1
        last = np.ones(len(star_pos), dtype=bool)
        last[:-1] = star_row[1:] != star_row[:-1]
        found = np.full(m, -1, dtype=np.int64)
        found[star_row[last]] = star_pos[last]
        star_c = np.where(usual, star_c, found)
    shift = s0 + 1 - offsets[:-1]  # compact position + shift = position in the block
    star = star_c + shift
    has_star = (star_c >= 0) & ~extra
    # the checksum: two hex digits between the last '*' and the closing '\\', the XOR of the
    # content before the '*'; "00" is accepted unverified unless strict (FramingParams)
    two = p - 2 - star == 2
    high, low = padded[star_c + 1], padded[star_c + 2]  # the two checksum digits
    # XOR of each body up to its '*', over the gathered bodies (not the block: ~3x fewer bytes)
    start = offsets[:-1]
    bounds = np.empty(2 * m, dtype=np.int64)
    bounds[0::2], bounds[1::2] = start, np.maximum(star_c, start)
    xor = np.bitwise_xor.reduceat(padded, bounds)[0::2] if m else bounds
    xor = np.where(star_c > start, xor, 0)
    cs_ok = two & HEX[high] & HEX[low] & (xor == (HEX_VALUE[high] << 4 | HEX_VALUE[low]))
    if not params.strict_tag_checksum:
        placeholder = np.frombuffer(TAG_CHECKSUM_PLACEHOLDER.encode(), dtype=np.uint8)
        cs_ok |= two & (high == placeholder[0]) & (low == placeholder[1])
    ok = has_star & cs_ok
    parsed.kind[rows[~has_star & ~extra]] = REJECTED
    parsed.reason[rows[~has_star & ~extra]] = _R_TAG
    parsed.kind[rows[has_star & ~cs_ok]] = REJECTED
    parsed.reason[rows[has_star & ~cs_ok]] = _R_TAG_CHECKSUM

    # the fields: split the content (before the last '*') at its commas
    comma_pos = np.flatnonzero(data == 44)
    comma_row = np.searchsorted(offsets, comma_pos, side="right") - 1
    inside = ok[comma_row] & (comma_pos < star_c[comma_row])
    comma_pos, comma_row = comma_pos[inside], comma_row[inside]
    count = np.bincount(comma_row, minlength=m)
    row, fa, fb = split_exact(comma_pos, count, offsets[:-1], np.where(ok, star_c, offsets[:-1]))
    first, second = padded[fa], padded[fa + 1]
    keyed = ok[row] & (fb > fa) & ((fb == fa + 1) | (second == 58))  # key = text before ':'
    fa, fb = fa + shift[row], fb + shift[row]
    slow = np.zeros(m, dtype=bool)
    spans = {}
    for letter in "csg":  # (field index, its row, value start, value end) of each key
        field = np.flatnonzero(keyed & (first == ord(letter)))
        where, end = row.take(field), fb.take(field)
        spans[letter] = (where, np.minimum(fa.take(field) + 2, end), end)
        slow[where[1:][where[1:] == where[:-1]]] = True  # a repeated key

    c_row, c_a, c_b = spans["c"]
    seconds, valid, unsure, other = parse_unix(lines, c_a, c_b)
    slow[c_row[unsure | other]] = True
    bad = np.zeros(m, dtype=bool)
    bad[c_row[~valid & ~unsure & ~other]] = True
    parsed.tag_time[rows.take(c_row[valid])] = seconds[valid]

    s_row, s_a, s_b = spans["s"]
    target = rows.take(s_row)
    station_a, station_b, has_station = parsed.station
    station_a[target], station_b[target] = s_a, s_b
    has_station[target] = s_b > s_a  # "s:" alone: no station

    g_row, g_a, g_b = spans["g"]
    if len(g_row):
        hyphens = np.append(lines.hyphens, np.full(2, lines.size + 1))
        second = hyphens[np.searchsorted(hyphens, g_a) + 1]
        g_a = np.where(second < g_b, second + 1, g_a)  # n-m-ID: the ID; anything else: all of it
        target = rows.take(g_row)
        group_a, group_b, has_group = parsed.group
        group_a[target], group_b[target], has_group[target] = g_a, g_b, True

    parsed.kind[rows[slow]] = SLOW
    bad &= ~slow
    parsed.kind[rows[bad]] = REJECTED
    parsed.reason[rows[bad]] = _R_TAG


def _parse_columns(lines: Lines, parsed: _Parsed) -> None:
    """A Unix time column before or after the sentence, for lines without a tag-block time."""
    buf = lines.buf
    rows = np.flatnonzero((parsed.kind == _CAND) & np.isnan(parsed.tag_time))
    s0, p = lines.s0[rows], parsed.bang[rows]
    leading = (p > s0) & (buf[s0] != 92)
    r, a, b = rows[leading], s0[leading], p[leading]
    sep = (buf[b - 1] == 44) | (buf[b - 1] == 59) | (buf[b - 1] == 32)
    b = np.where(sep, b - 1, b)
    seconds, valid, unsure, other = parse_unix(lines, a, b)
    # not a number: an ISO time, or text that may even hide a tag block; the reference's
    parsed.kind[r[(unsure | other) & (b > a)]] = SLOW
    parsed.col_time[r[valid]] = seconds[valid]

    rows = rows[np.isnan(parsed.col_time[rows]) & (parsed.kind[rows] == _CAND)]
    after, te = parsed.c6[rows] + 5, lines.te[rows]
    has_after = te > after
    rows, after, te = rows[has_after], after[has_after], te[has_after]
    if len(rows) == 0:
        return
    # the rightmost token first: the reference takes the rightmost valid one, usually the last
    commas = np.append(-1, lines.commas)  # every sentence has commas; -1 keeps this total
    last_comma = commas[np.searchsorted(commas, te) - 1]
    token = np.where(last_comma >= after, last_comma + 1, after)
    seconds, valid, _, _ = parse_unix(lines, token, te)
    parsed.col_time[rows[valid]] = seconds[valid]
    rows, after, te = rows[~valid], after[~valid], te[~valid]
    if len(rows) == 0:
        return
    # a space in the trailing columns (tokens are stripped): the reference reads those
    awkward = count_in(lines.spaces, after, te) > 0
    parsed.col_slow[rows[awkward]] = True
    rows, after, te = rows[~awkward], after[~awkward], te[~awkward]
    row, fa, fb = field_spans(lines.commas, after, te)
    seconds, valid, unsure, _ = parse_unix(lines, fa, fb)
    iso_like = (fb - fa >= 10) & (buf[fa + 4] == 45)
    for k in range(4):
        iso_like &= DIGIT[buf[fa + k]]
    parsed.col_slow[rows[row[unsure | iso_like]]] = True
    last = np.flatnonzero(valid)
    rightmost = np.ones(len(last), dtype=bool)
    rightmost[:-1] = row[last][1:] != row[last][:-1]
    last = last[rightmost]
    parsed.col_time[rows[row[last]]] = seconds[last]


def _last_before(mask: Bools) -> Ints:
    """For i in 0..n: the last index < i where ``mask`` holds, else -1."""
    index = np.where(mask, np.arange(len(mask)), -1)
    return np.concatenate(([-1], np.maximum.accumulate(index))) if len(mask) else np.array([-1])


def _prefix(mask: Bools) -> Ints:
    """For i in 0..n: how many of mask[:i] hold."""
    return np.concatenate(([0], np.cumsum(mask)))


def _resolve(
    content: bytes, lines: Lines, parsed: _Parsed, first_line_no: int, params: FramingParams,
    state: FramingState,
) -> FramedBlock:
    """Settle times (groups, columns, $PGHP, inherited), frame slow lines, build the block."""
    n = len(lines.s0)
    index = np.arange(n)
    kind = parsed.kind
    slow = kind == SLOW
    texts = {int(i): content[lines.start[i] : lines.end[i]].decode("latin-1")
             for i in np.flatnonzero(slow)}
    maybe_group = np.zeros(n, dtype=bool)  # a slow line that may set a group's time
    maybe_group[list(texts)] = [("\\g" in t or ",g" in t) for t in texts.values()]
    may_own = slow & ~parsed.is_pghp  # a slow line that may carry its own time
    cand = kind == _CAND
    own_time = parsed.tag_time.copy()
    has_station = parsed.station[2].copy()
    station_from = np.arange(n)  # the line whose tag block gives each line's station
    group_a, group_b, has_group = parsed.group
    overrides: dict[int, str | None] = {}

    # tag-block groups: a fragment without c: takes the time of the group's last c: fragment
    grouped = np.flatnonzero(cand & has_group)
    gids = substrings(lines, group_a[grouped], group_b[grouped])
    codes = np.asarray(gids.dictionary_encode().indices, dtype=np.int64)
    is_setter = ~np.isnan(own_time[grouped])
    order = np.lexsort((grouped, codes))
    ranked = np.where(is_setter[order], np.arange(len(order)), -1)
    last_setter = np.maximum.accumulate(ranked) if len(order) else ranked
    run_start = np.flatnonzero(np.append(True, codes[order][1:] != codes[order][:-1]))
    same_run = last_setter >= run_start[np.searchsorted(run_start, np.arange(len(order)), "right") - 1]
    setter_line = np.full(len(grouped), -1)
    setter_line[order] = np.where(same_run, grouped[order][np.maximum(last_setter, 0)], -1)
    group_slow = _prefix(maybe_group)
    look = ~is_setter
    line, found = grouped[look], setter_line[look]
    tainted = group_slow[line] - group_slow[found + 1] > 0
    slow[line[tainted]] = may_own[line[tainted]] = True
    hit = (found >= 0) & ~tainted
    own_time[line[hit]] = parsed.tag_time[found[hit]]
    borrow = hit & ~has_station[line]
    station_from[line[borrow]] = found[borrow]
    has_station[line[borrow]] = has_station[found[borrow]]
    away = np.flatnonzero((found < 0) & ~tainted)
    if len(away) and state.group_time:
        for k, gid in zip(away.tolist(), gids.take(np.flatnonzero(look)[away]).to_pylist()):
            if gid in state.group_time:
                i = int(line[k])
                own_time[i], station = state.group_time[gid]
                if not has_station[i]:
                    overrides[i] = station

    # time columns, for sentences still without a time
    use_col = cand & ~slow & np.isnan(own_time)
    col_slow = use_col & parsed.col_slow
    slow[col_slow] = may_own[col_slow] = True
    use_col &= ~col_slow
    own_time[use_col] = parsed.col_time[use_col]

    # fallback times: $PGHP, else the timed line just before, else the capture time
    fast = cand & ~slow
    own = fast & ~np.isnan(own_time)
    need = fast & np.isnan(own_time)
    last_pghp = _last_before(parsed.is_pghp)
    starts_seen = _prefix(parsed.starts_line)
    left = np.where(last_pghp >= 0,
                    params.pghp_max_lines - (starts_seen - starts_seen[last_pghp + 1]),
                    state.pghp_left - starts_seen)[:n]
    lp = last_pghp[:n]
    pghp_time = np.where(lp >= 0, parsed.pghp_time[lp],
                         np.nan if state.pghp_time_s is None else state.pghp_time_s)
    unknown = (lp >= 0) & (kind[lp] == SLOW)
    use_pghp = (left > 0) & ~unknown & ~np.isnan(pghp_time)
    taint_pghp = need & (left > 0) & unknown
    last_own = _last_before(own)
    last_slow = _last_before(slow & may_own)
    j, s = last_own[:n], last_slow[:n]
    reach = params.inherit_time_lines
    inherit = need & ~use_pghp & ~taint_pghp
    taint_inherit = inherit & (s > j) & (index - s <= reach)
    fallback = np.where(use_pghp, pghp_time, np.nan)
    from_line = inherit & (j >= 0) & (s <= j) & (index - j <= reach)
    fallback[from_line] = own_time[j[from_line]]
    if state.last_time_s is not None:
        from_state = inherit & (j < 0) & (s < 0) & (first_line_no + index - state.last_time_line <= reach)
        fallback[from_state] = state.last_time_s
    if params.capture_time_s is not None:
        fallback[np.isnan(fallback)] = params.capture_time_s
    slow |= taint_pghp | taint_inherit
    need &= ~slow
    dated = need & ~np.isnan(fallback)

    kind = kind.copy()
    reason = parsed.reason.copy()
    kind[slow] = SLOW
    reason[slow] = 0
    kind[own | dated] = SENTENCE
    kind[need & ~dated] = REJECTED
    reason[need & ~dated] = _R_NO_TIME
    received = np.where(own, own_time, np.where(dated, fallback, np.nan))

    texts.update({int(i): content[lines.start[i] : lines.end[i]].decode("latin-1")
                  for i in np.flatnonzero(slow) if int(i) not in texts})
    context = _Context(first_line_no, params, state, last_pghp, starts_seen, last_own, own_time,
                       parsed.pghp_time, kind == SLOW)
    setters = np.flatnonzero((kind == SENTENCE) & has_group & ~np.isnan(parsed.tag_time))
    setter_items = _setter_items(lines, setters, parsed, group_a, group_b)
    slow_items, end_state = _frame_slow(texts, context, setters, setter_items)
    return _build(lines, parsed, kind, reason, received, own, (station_from, has_station),
                  overrides, first_line_no, slow_items, end_state)


@dataclass(frozen=True)
class _Context:
    """What the slow lines need to rebuild the reference's state at any line of the block."""

    first_line_no: int
    params: FramingParams
    state: FramingState  # before the block
    last_pghp: Ints  # for i in 0..n: last $PGHP line before i
    starts_seen: Ints  # for i in 0..n: lines with a sentence start before i
    last_own: Ints  # for i in 0..n: last fast line with its own time before i
    own_time: Floats
    pghp_time: Floats
    slow: Bools


def _setter_items(
    lines: Lines, setters: Ints, parsed: _Parsed, group_a: Ints, group_b: Ints
) -> tuple[list[str], list[float], list[str | None]]:
    """Group id, time and station of each fast line that sets a group's time."""
    station_a, station_b, has_station = parsed.station
    gids = substrings(lines, group_a[setters], group_b[setters]).to_pylist()
    stations = substrings(lines, station_a[setters], station_b[setters], has_station[setters])
    return gids, parsed.tag_time[setters].tolist(), stations.to_pylist()


def _frame_slow(
    texts: dict[int, str],
    ctx: _Context,
    setters: Ints,
    setter_items: tuple[list[str], list[float], list[str | None]],
) -> tuple[list[Sentence | Rejected], FramingState]:
    """Frame the slow lines in order with :func:`frame_line`, each with its exact state."""
    gids, times, stations = setter_items
    st = FramingState(group_time=dict(ctx.state.group_time))
    applied = 0
    pghp_seen: dict[int, float | None] = {}
    slow_own: tuple[int, float | None] = (-1, None)
    items: list[Sentence | Rejected] = []
    for i in sorted(texts):
        upto = int(np.searchsorted(setters, i))
        st.group_time.update(zip(gids[applied:upto], zip(times[applied:upto], stations[applied:upto])))
        applied = upto
        _set_state(st, ctx, i, pghp_seen, slow_own)
        line_no = ctx.first_line_no + i
        items.extend(frame_line(texts[i], line_no, st, ctx.params))
        if texts[i].strip().startswith(PGHP_PREFIX):
            pghp_seen[i] = st.pghp_time_s
        if st.last_time_line == line_no:
            slow_own = (i, st.last_time_s)
    st.group_time.update(zip(gids[applied:], zip(times[applied:], stations[applied:])))
    _set_state(st, ctx, len(ctx.own_time), pghp_seen, slow_own)
    return items, st


def _set_state(
    st: FramingState, ctx: _Context, i: int, pghp_seen: dict[int, float | None],
    slow_own: tuple[int, float | None],
) -> None:
    """Put into ``st`` the reference's $PGHP and last-time memory just before line index i."""
    p = int(ctx.last_pghp[i])
    if p >= 0:
        if ctx.slow[p]:
            st.pghp_time_s = pghp_seen[p]
        else:
            st.pghp_time_s = None if np.isnan(ctx.pghp_time[p]) else float(ctx.pghp_time[p])
        st.pghp_left = ctx.params.pghp_max_lines - int(ctx.starts_seen[i] - ctx.starts_seen[p + 1])
    else:
        st.pghp_time_s = ctx.state.pghp_time_s
        st.pghp_left = ctx.state.pghp_left - int(ctx.starts_seen[i])
    j = int(ctx.last_own[i])
    if slow_own[0] > j:
        st.last_time_s, st.last_time_line = slow_own[1], ctx.first_line_no + slow_own[0]
    elif j >= 0:
        st.last_time_s, st.last_time_line = float(ctx.own_time[j]), ctx.first_line_no + j
    else:
        st.last_time_s, st.last_time_line = ctx.state.last_time_s, ctx.state.last_time_line


def _build(
    lines: Lines, parsed: _Parsed, kind: npt.NDArray[np.int8], reason: npt.NDArray[np.int8],
    received: Floats, own: Bools, station: tuple[Ints, Bools],
    overrides: dict[int, str | None], first_line_no: int,
    slow_items: list[Sentence | Rejected], end_state: FramingState,
) -> FramedBlock:
    buf, n = lines.buf, len(kind)
    is_sentence = kind == SENTENCE
    bang, c4, c5, c6 = parsed.bang, parsed.c4, parsed.c5, parsed.c6
    at = np.where(is_sentence, bang, 0)
    digits = window(buf, at + 7, 5).astype(np.int8) - 48  # total, ',', number, ',', sequence id
    total, num, seq = digits[:, 0], digits[:, 2], digits[:, 4]
    has_seq = c4 == bang + 12
    station_a, station_b, own_station = parsed.station
    station_col = substrings(lines, station_a, station_b, own_station)
    station_from, has_station = station
    if (station_from != np.arange(n)).any():  # a group fragment's station from its first one
        station_col = station_col.take(station_from)
    station_col = with_nulls(station_col, is_sentence & has_station)
    if overrides:
        values = station_col.to_pylist()
        for i, value in overrides.items():
            values[i] = value if is_sentence[i] else None
        station_col = pa.array(values, type=pa.string())
    group_a, group_b, has_group = parsed.group
    zero = np.zeros(n, dtype=np.int8)
    return FramedBlock(
        line_no=np.arange(first_line_no, first_line_no + n, dtype=np.int64),
        kind=kind,
        reason=reason,
        received_s=received,
        own_time=own & is_sentence,
        station=station_col,
        talker=substrings(lines, bang + 1, bang + 3, is_sentence),
        total=np.where(is_sentence, total, zero),
        num=np.where(is_sentence, num, zero),
        seq=np.where(is_sentence & has_seq, seq, zero - 1).astype(np.int8),
        channel=substrings(lines, c4 + 1, c5, is_sentence),
        payload=with_nulls(parsed.payload, is_sentence),
        fill=np.where(is_sentence, buf[np.maximum(c6, 0) + 1].astype(np.int8) - 48, zero),
        group=substrings(lines, group_a, group_b, is_sentence & has_group),
        checksum_ok=(c6 >= 0) & (kind != SLOW) & (reason != _R_CHECKSUM),
        text_start=lines.s0,
        text_end=lines.te,
        sentence_start=np.where(parsed.simple & (kind != SLOW), bang, -1),
        sentence_end=np.where((c6 >= 0) & (kind != SLOW) & (reason != _R_MALFORMED), c6 + 5, -1),
        slow_items=slow_items,
        state=end_state,
    )
