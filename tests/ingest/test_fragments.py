from __future__ import annotations

from vessel_risk.ingest.fragments import (
    FRAGMENT_OUT_OF_ORDER,
    INCOMPLETE_FRAGMENTS,
    Message,
    assemble,
)
from vessel_risk.ingest.framing import FramingParams, Rejected, frame_lines

# A real two-part type 5 (gfw ais-tools sample) and a real single type 1 (Kystverket).
PART1 = "!AIVDM,2,1,3,A,56=nR7D00003A<I@E=@TmDh637OS60mA:222220N1@6427?P00888888,0*66"
PART2 = "!AIVDM,2,2,3,A,888888888888880,2*27"
OTHER1 = "!AIVDM,2,1,6,A,53VPgj82F?aE=H@SN20l584r0I8TDpA<PU222216P8bAQ6Ao0`RCRQi8,0*0B"
OTHER2 = "!AIVDM,2,2,6,A,888888888888880,2*22"
SINGLE = "!BSVDM,1,1,,A,13oUhr70000E=S4S4Aunw@@J06hL,0*17"
# Kystverket lines 25-26 and 77-78: two type 5 reports from two stations, both with sequence id 0
# on channel B (LISSHORNET bound for STEINSFLESA, BRAFJORD 2 bound for FRIUKE).
STATION_A = (r"\s:2573345,c:1733782034*01\!BSVDM,2,1,0,B,"
             r"53m;LC`00000hKKGO80hU=<Pu8pE@0000000000`0h512<00004m1BCTiS1D,0*7C",
             r"\s:2573345,c:1733782034*01\!BSVDM,2,2,0,B,h@000000000,2*16")
STATION_B = (r"\s:2573315,c:1733782036*06\!BSVDM,2,1,0,B,"
             r"53miBW800000hgWWO80984H`u8B38000000000160H933t00001TREBi@000,0*6A",
             r"\s:2573315,c:1733782036*06\!BSVDM,2,2,0,B,00000000000,2*3E")


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


def test_assemble_keeps_fragments_of_two_stations_with_one_sequence_id_apart() -> None:
    # A merged feed interleaves them: before, B's first fragment was glued to A's second
    # ("FRIUKE   CA") and A's intact message was quarantined.
    items = assembled(STATION_A[0], STATION_B[0], STATION_A[1], STATION_B[1])
    assert all(isinstance(i, Message) for i in items)
    assert sorted((m.raw_lines, m.station) for m in items if isinstance(m, Message)) == [
        ((1, 3), "2573345"), ((2, 4), "2573315")]
    by_line = {m.line_no: m for m in items if isinstance(m, Message)}
    assert by_line[1].payload.endswith("h@000000000") and by_line[2].payload.endswith("00000000000")


def test_assemble_does_not_give_one_stations_fragment_to_another() -> None:
    items = assembled(STATION_A[0], STATION_B[1])
    assert [(i.reason, i.line_no) for i in items if isinstance(i, Rejected)] == [
        (FRAGMENT_OUT_OF_ORDER, 2), (INCOMPLETE_FRAGMENTS, 1)]
