from __future__ import annotations

from ingest.fragments import FRAGMENT_OUT_OF_ORDER, INCOMPLETE_FRAGMENTS, Message, assemble
from ingest.framing import FramingParams, Rejected, frame_lines

# A real two-part type 5 (gfw ais-tools sample) and a real single type 1 (Kystverket).
PART1 = "!AIVDM,2,1,3,A,56=nR7D00003A<I@E=@TmDh637OS60mA:222220N1@6427?P00888888,0*66"
PART2 = "!AIVDM,2,2,3,A,888888888888880,2*27"
OTHER1 = "!AIVDM,2,1,6,A,53VPgj82F?aE=H@SN20l584r0I8TDpA<PU222216P8bAQ6Ao0`RCRQi8,0*0B"
OTHER2 = "!AIVDM,2,2,6,A,888888888888880,2*22"
SINGLE = "!BSVDM,1,1,,A,13oUhr70000E=S4S4Aunw@@J06hL,0*17"


def assembled(*lines: str) -> list[Message | Rejected]:
    params = FramingParams(capture_time_s=1_700_000_000.0)
    return list(assemble(frame_lines(list(lines), params)))


def test_assemble_joins_two_fragments_into_one_message() -> None:
    (m,) = assembled(PART1, PART2)
    assert isinstance(m, Message)
    assert m.payload.endswith("888888888888880")
    assert m.raw_lines == (1, 2)
    assert m.fill == 2


def test_assemble_separates_interleaved_messages_by_sequence_id() -> None:
    items = assembled(PART1, OTHER1, SINGLE, OTHER2, PART2)
    messages = [i for i in items if isinstance(i, Message)]
    assert len(messages) == 3
    assert sorted(m.raw_lines for m in messages) == [(1, 5), (2, 4), (3,)]


def test_assemble_quarantines_fragment_that_never_completes() -> None:
    items = assembled(PART1, SINGLE)
    assert [type(i).__name__ for i in items] == ["Message", "Rejected"]
    assert isinstance(items[1], Rejected)
    assert items[1].reason == INCOMPLETE_FRAGMENTS
    assert items[1].line_no == 1


def test_assemble_quarantines_second_fragment_without_first() -> None:
    (r,) = assembled(PART2)
    assert isinstance(r, Rejected)
    assert r.reason == FRAGMENT_OUT_OF_ORDER


def test_assemble_restarts_when_a_new_first_fragment_reuses_the_key() -> None:
    items = assembled(PART1, PART1, PART2)
    reasons = [i.reason for i in items if isinstance(i, Rejected)]
    assert reasons == [INCOMPLETE_FRAGMENTS]
    assert sum(isinstance(i, Message) for i in items) == 1
