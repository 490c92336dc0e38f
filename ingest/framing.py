"""NMEA line framing: find each AIS sentence in a line and the time it was received.

A receive time can come from (first match wins):

- an IEC 61162-450 tag block before the sentence: ``\\s:STATION,c:UNIX*hh\\!AIVDM,...``
  (``c:`` in seconds, or milliseconds when it has 13 digits);
- a Gatehouse ``$PGHP,1,YYYY,M,D,h,m,s,ms,...`` sentence on an earlier line: it stamps the sentences
  that follow it, up to :attr:`FramingParams.pghp_max_lines` lines;
- a timestamp column before the sentence (``1241544035,!AIVDM...``, ``2024-01-01T00:00:00Z !AIVDM``)
  or after it (``!AIVDM...*hh,rSTATION,1241544035``): ISO 8601, Unix seconds or milliseconds;
- the caller's capture time for files that carry none.

A line that holds no usable sentence becomes a :class:`Rejected` with a reason code; nothing is
dropped silently.

This module is the one statement of the framing rules: :func:`frame_line` is a state machine that
frames one line given what the framer remembers (:class:`FramingState`), and :func:`frame_lines`
runs it over a file. It is written for clarity, line by line; :mod:`ingest.fast_framing` frames the
common lines as whole arrays and hands every other line to :func:`frame_line`, with the state this
module would have at that line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

# Reason codes (stable: they are written to the quarantine table and counted in the run summary).
NO_RECEIVE_TIME = "no_receive_time"
BAD_CHECKSUM = "bad_checksum"
MALFORMED_SENTENCE = "malformed_sentence"
NOT_AIS = "not_ais_sentence"
BAD_TAG_BLOCK = "bad_tag_block"
BAD_TAG_CHECKSUM = "bad_tag_checksum"

PGHP_PREFIX = "$PGHP"  # a Gatehouse time line
# What many providers (AMSA, Spire) write as the tag-block checksum instead of computing it.
TAG_CHECKSUM_PLACEHOLDER = "00"

_SENTENCE = re.compile(
    r"!(?P<talker>[A-Z0-9]{2}|--)VD(?P<own>[MO]),(?P<total>\d),(?P<num>\d),(?P<seq>\d?),(?P<chan>[^,]?),"
    r"(?P<payload>[0-9:;<=>?@A-W`a-w]*),(?P<fill>[0-5])\*(?P<cs>[0-9A-Fa-f]{2})"
)
_SENTENCE_START = re.compile(r"!(?:[A-Z0-9]{2}|--)VD[MO],")
# Where a second sentence starts on a line: right after the previous sentence's ",fill*hh".
_PIECE_CUT = re.compile(r"(?<=,[0-5]\*[0-9A-Fa-f]{2})(?=[\\!])")
_TAG_BLOCK = re.compile(r"\\(?P<body>[^\\]*)\\")
_UNIX = re.compile(r"^\d{9,13}(\.\d+)?$")
_MS_DIGITS = 13  # a 13-digit Unix time is in milliseconds (seconds reach 13 digits in year 5138)


@dataclass(frozen=True)
class FramingParams:
    """How lenient framing is.

    The defaults are lenient where real feeds are routinely sloppy and strict where sloppiness
    fabricates data. A sentence with a wrong checksum can decode into a plausible phantom vessel,
    and a tag block with a wrong checksum can carry a corrupted ``c:`` time that moves positions to
    another day: both are always rejected. Only the tag-block checksum ``*00``, which AMSA and
    Spire write on every line instead of computing it, is accepted unverified by default.
    """

    # True: a ``*00`` tag-block checksum must be right too (for feeds known to compute them all).
    strict_tag_checksum: bool = False
    # A $PGHP time applies to the lines after it; a message has at most 9 fragments.
    pghp_max_lines: int = 9
    # Real-time feeds (e.g. Kystverket's) are written in receive order but drop the tag block on
    # some lines: such a sentence takes the time of the timed line just before it, if that line is
    # at most this many lines earlier (0 turns inheriting off).
    inherit_time_lines: int = 3
    # Unix seconds for files that carry no receive time (None: such lines are quarantined).
    capture_time_s: float | None = None

    @property
    def context_lines(self) -> int:
        """Lines before a chunk that stateful rules ($PGHP, inherited times) may look back to."""
        return max(self.pghp_max_lines, self.inherit_time_lines)


@dataclass(frozen=True)
class Sentence:
    """One AIS sentence found on a line."""

    line_no: int
    received_s: float
    station: str | None
    talker: str
    total: int
    num: int
    seq: str
    channel: str
    payload: str
    fill: int
    group: str | None  # tag-block group id (g:n-m-ID) when present
    raw: str
    own_time: bool = True  # False when the time came from a $PGHP line or a neighbouring line


@dataclass(frozen=True)
class Rejected:
    """A line (or part of a line) that cannot be used, and why."""

    line_no: int
    reason: str
    raw: str
    received_s: float | None = None


def nmea_checksum(text: str) -> int:
    """XOR of the characters of ``text`` (the part between ``!``/``$``/``\\`` and ``*``)."""
    value = 0
    for byte in text.encode("latin-1", errors="replace"):  # beyond Latin-1: never valid NMEA
        value ^= byte
    return value


@dataclass
class FramingState:
    """What the framer remembers from the lines before: it is carried from line to line, and from
    one block of a file to the next."""

    pghp_time_s: float | None = None  # the last $PGHP line's time (None: unreadable or none)
    pghp_left: int = 0  # sentence lines that time still applies to
    last_time_s: float | None = None  # the last sentence with its own time, for lines without one
    last_time_line: int = -(10**9)
    # tag-block group id: (time, station) of its fragment that carried c:
    group_time: dict[str, tuple[float, str | None]] = field(default_factory=dict)


def frame_lines(
    lines: Iterable[str], params: FramingParams = FramingParams(), first_line_no: int = 1
) -> Iterator[Sentence | Rejected]:
    """Yield a :class:`Sentence` for every valid AIS sentence and a :class:`Rejected` otherwise.

    Blank lines and ``#`` comments yield nothing (they are counted by the caller).
    """
    state = FramingState()
    for line_no, line in enumerate(lines, start=first_line_no):
        yield from frame_line(line, line_no, state, params)


def frame_line(
    line: str, line_no: int, state: FramingState, params: FramingParams = FramingParams()
) -> list[Sentence | Rejected]:
    """Frame one line, as the line after those ``state`` remembers; ``state`` is updated.

    A line yields nothing (blank, comment, a ``$PGHP`` time), one item, or one per sentence on it.
    """
    text = line.strip()
    if not text or text.startswith("#"):
        return []
    if text.startswith(PGHP_PREFIX):
        state.pghp_time_s = _parse_pghp(text)
        state.pghp_left = params.pghp_max_lines
        if state.pghp_time_s is None:
            return [Rejected(line_no, MALFORMED_SENTENCE, line)]
        return []
    starts = [m.start() for m in _SENTENCE_START.finditer(text)]
    if not starts:
        return [Rejected(line_no, NOT_AIS if text[:1] in "$!" else MALFORMED_SENTENCE, line)]
    fallback = state.pghp_time_s if state.pghp_left > 0 else None
    state.pghp_left -= 1
    if fallback is None and line_no - state.last_time_line <= params.inherit_time_lines:
        fallback = state.last_time_s
    out: list[Sentence | Rejected] = []
    for piece in _split_pieces(text, len(starts)):
        framed = _frame_piece(piece, line_no, fallback, params, state.group_time)
        if isinstance(framed, Sentence) and framed.own_time:
            state.last_time_s, state.last_time_line = framed.received_s, line_no
        out.append(framed)
    return out


def _split_pieces(text: str, count: int) -> list[str]:
    """Cut a line that holds several sentences (each with its own tag block) into pieces."""
    if count == 1:
        return [text]
    cuts = [0, *(m.start() for m in _PIECE_CUT.finditer(text)), len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]


def _frame_piece(
    text: str,
    line_no: int,
    fallback_time: float | None,
    params: FramingParams,
    group_time: dict[str, tuple[float, str | None]],
) -> Sentence | Rejected:
    match = _SENTENCE.search(text)
    if match is None:
        return Rejected(line_no, MALFORMED_SENTENCE, text)
    body = text[match.start() + 1 : match.end() - 3]
    if nmea_checksum(body) != int(match["cs"], 16):
        return Rejected(line_no, BAD_CHECKSUM, text)
    tag = _parse_tag_block(text[: match.start()], params)
    if isinstance(tag, str):
        return Rejected(line_no, tag, text)
    tag_time, station, group = tag
    if group is not None:
        # In a tag-block group only the first fragment usually carries c: and s:.
        if tag_time is not None:
            group_time[group] = (tag_time, station)
        elif group in group_time:
            tag_time, station = group_time[group][0], station or group_time[group][1]
    received = tag_time
    if received is None:
        received = _column_time(text[: match.start()], text[match.end() :])
    own_time = received is not None
    if received is None:
        received = fallback_time
    if received is None:
        received = params.capture_time_s
    if received is None:
        return Rejected(line_no, NO_RECEIVE_TIME, text)
    return Sentence(
        line_no=line_no,
        received_s=received,
        station=station,
        talker=match["talker"],
        total=int(match["total"]),
        num=int(match["num"]),
        seq=match["seq"],
        channel=match["chan"],
        payload=match["payload"],
        fill=int(match["fill"]),
        group=group,
        raw=text,
        own_time=own_time,
    )


def _parse_tag_block(
    before: str, params: FramingParams
) -> tuple[float | None, str | None, str | None] | str:
    """(receive time, station, group id) from a tag block; (None, None, None) if there is none.

    Returns the reason code when a tag block is present but unusable.
    """
    match = _TAG_BLOCK.search(before)
    if match is None:
        return None, None, None
    body = match["body"]
    content, star, cs = body.rpartition("*")
    if not star:
        return BAD_TAG_BLOCK
    placeholder = cs == TAG_CHECKSUM_PLACEHOLDER and not params.strict_tag_checksum
    if not placeholder and not _checksum_matches(content, cs):
        return BAD_TAG_CHECKSUM
    time_s: float | None = None
    station: str | None = None
    group: str | None = None
    for item in content.split(","):
        key, _, value = item.partition(":")
        if key == "c":
            time_s = _unix_seconds(value)
            if time_s is None:
                return BAD_TAG_BLOCK
        elif key == "s":
            station = value or None
        elif key == "g":
            parts = value.split("-", 2)
            group = parts[2] if len(parts) == 3 else value
    return time_s, station, group


def _checksum_matches(content: str, cs: str) -> bool:
    return len(cs) == 2 and _is_hex(cs) and nmea_checksum(content) == int(cs, 16)


def _is_hex(text: str) -> bool:
    return all(ch in "0123456789abcdefABCDEF" for ch in text)


def _unix_seconds(text: str) -> float | None:
    text = text.strip()
    if not _UNIX.match(text):
        return None
    value = float(text)
    return value / 1000.0 if len(text.split(".")[0]) >= _MS_DIGITS else value


def _column_time(before: str, after: str) -> float | None:
    """A timestamp column before or after the sentence, if any."""
    leading = before.strip().rstrip(",;").strip()
    if leading:
        found = _parse_time_token(leading.split(",")[0].strip())
        if found is not None:
            return found
    for token in reversed([t.strip() for t in after.split(",") if t.strip()]):
        found = _parse_time_token(token)
        if found is not None:
            return found
    return None


def _parse_time_token(token: str) -> float | None:
    unix = _unix_seconds(token)
    if unix is not None:
        return unix
    if len(token) < 10 or not token[:4].isdigit() or token[4] != "-":
        return None
    try:
        stamp = datetime.fromisoformat(token.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp()


def _parse_pghp(text: str) -> float | None:
    fields = text.split("*")[0].split(",")
    try:
        year, month, day, hour, minute, second, millis = (int(f) for f in fields[2:9])
        stamp = datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=UTC)
    except (ValueError, IndexError):
        return None
    return stamp.timestamp()
