"""Reassemble multi-fragment AIS messages.

Fragments of one message share a key: the receiving station and the tag-block group id when there
is one, else the station, channel, sequence id and fragment count. The station is the tag block's
``s:`` (a group's later fragments take their first fragment's); lines without one are keyed by
their file, because fragments are only ever assembled within one chunk of one file. So two
receivers that use the same sequence id on one channel at once (a merged feed interleaves them)
never have their fragments glued into one message. The talker is not part of the key:
aggregators rewrite it per sentence (MarineTraffic feeds carry ``!ABVDM,2,1,8,A`` followed by its
``!AIVDM,2,2,8,A``). Sentences of different messages may interleave; a fragment that arrives out of
order, or a message whose fragments never all arrive, is rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from vessel_risk.ingest.framing import Rejected, Sentence

INCOMPLETE_FRAGMENTS = "incomplete_fragments"
FRAGMENT_OUT_OF_ORDER = "fragment_out_of_order"


@dataclass(frozen=True)
class Message:
    """One complete AIS message: its sentences in order, stamped by its first fragment."""

    line_no: int
    received_s: float
    station: str | None
    sentences: tuple[str, ...]
    payload: str
    fill: int
    raw_lines: tuple[int, ...]


@dataclass(frozen=True)
class FragmentParams:
    """Reassembly limits."""

    # Fragments of one message are sent back to back; a partner more than this many sentences
    # later belongs to another transmission that reused the sequence id.
    max_sentence_distance: int = 50


def assemble(
    framed: Iterable[Sentence | Rejected], params: FragmentParams = FragmentParams()
) -> Iterator[Message | Rejected]:
    """Turn framed sentences into complete messages; pass rejections through."""
    pending: dict[tuple[str | int | None, ...], tuple[int, list[Sentence]]] = {}
    counter = 0
    for item in framed:
        if isinstance(item, Rejected):
            yield item
            continue
        counter += 1
        if item.total == 1:
            yield _message([item])
            continue
        key = _key(item)
        if item.num == 1:
            if key in pending:
                yield from _reject_all(pending.pop(key)[1], INCOMPLETE_FRAGMENTS)
            pending[key] = (counter, [item])
        elif key not in pending or pending[key][1][-1].num != item.num - 1:
            yield Rejected(item.line_no, FRAGMENT_OUT_OF_ORDER, item.raw, item.received_s)
            continue
        else:
            pending[key][1].append(item)
        parts = pending[key][1]
        if len(parts) == item.total:
            del pending[key]
            yield _message(parts)
        # Expire stale partial messages so a lost fragment cannot capture a later message's part.
        if len(pending) > 0 and counter % 64 == 0:
            for stale in [k for k, (seen, _) in pending.items()
                          if counter - seen > params.max_sentence_distance]:
                yield from _reject_all(pending.pop(stale)[1], INCOMPLETE_FRAGMENTS)
    for _, parts in sorted(pending.values(), key=lambda p: p[1][0].line_no):
        yield from _reject_all(parts, INCOMPLETE_FRAGMENTS)


def _key(s: Sentence) -> tuple[str | int | None, ...]:
    if s.group is not None:
        return ("g", s.station, s.group, s.total)
    return ("s", s.station, s.channel, s.seq, s.total)


def _message(parts: list[Sentence]) -> Message:
    first = parts[0]
    return Message(
        line_no=first.line_no,
        received_s=first.received_s,
        station=first.station,
        sentences=tuple(_sentence_text(p.raw) for p in parts),
        payload="".join(p.payload for p in parts),
        fill=parts[-1].fill,
        raw_lines=tuple(p.line_no for p in parts),
    )


def _sentence_text(raw: str) -> str:
    """The NMEA sentence alone (from '!' to the checksum), without tag block or columns."""
    start = raw.index("!")
    star = raw.index("*", start)
    return raw[start : star + 3]


def _reject_all(parts: list[Sentence], reason: str) -> Iterator[Rejected]:
    for p in parts:
        yield Rejected(p.line_no, reason, p.raw, p.received_s)
