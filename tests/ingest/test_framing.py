from __future__ import annotations

from vessel_risk.ingest.framing import (
    BAD_CHECKSUM,
    BAD_TAG_CHECKSUM,
    MALFORMED_SENTENCE,
    NO_RECEIVE_TIME,
    NOT_AIS,
    FramingParams,
    FramingState,
    Rejected,
    Sentence,
    frame_line,
    frame_lines,
    nmea_checksum,
)

# Real sentences (Kystverket open feed, AMSA, USCG/libais, DMA).
TAGGED = r"\s:2573238,c:1733782034*0A\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F"
BARE = "!BSVDM,1,1,,A,13oUhr70000E=S4S4Aunw@@J06hL,0*17"
PGHP = "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"
PGHP_SENTENCE = "!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B"
USCG = "!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78,rORBCOMM104,1418172113"
# Kystverket lines 3 to 5: a tagged line, the next one with one digit of its c: time flipped
# (1733782034 -> 1703782034: 2023-12-28 instead of 2024-12-09), and an untagged line.
KYST_3 = r"\s:2573238,c:1733782034*0A\!BSVDM,1,1,,B,13m@:d00000GfBhRSqCet@6L088C,0*1D"
KYST_4_FLIPPED = r"\s:2573515,c:1703782034*02\!BSVDM,1,1,,A,344e>40si312t6TWq:M`d7@L0BwC,0*47"
KYST_5 = BARE
# AMSA line 1: AMSA writes "*00" on every tag block instead of a checksum.
AMSA = r"\c:1420030798*00\!ABVDM,1,1,4,B,17P;HV?P008F98Il;EC1mOwL0@KP,0*22"


def frame(*lines: str, **params: object) -> list[Sentence | Rejected]:
    return list(frame_lines(list(lines), FramingParams(**params)))  # type: ignore[arg-type]


def test_frame_reads_receive_time_from_tag_block() -> None:
    (s,) = frame(TAGGED)
    assert isinstance(s, Sentence)
    assert s.received_s == 1733782034
    assert s.station == "2573238"
    assert s.talker == "BS"
    assert s.payload == "13o4g`00000I2ENRH4g83S0L088C"


def test_frame_reads_millisecond_tag_block_time() -> None:
    # gfw ais-tools sample, line 1, with its T: field taken out (tag checksum recomputed)
    line = r"\c:1599239526500,s:sdr-experiments*3E\!AIVDM,1,1,,A,B>cSnNP00FVur7UaC7WQ3wS1jCJJ,0*73"
    (s,) = frame(line)
    assert isinstance(s, Sentence)
    assert s.received_s == 1599239526.5


def test_frame_stamps_sentence_with_preceding_pghp_time() -> None:
    (s,) = frame(PGHP, PGHP_SENTENCE)
    assert isinstance(s, Sentence)
    assert s.received_s == 1276256771.390  # 2010-06-11 11:46:11.390 UTC


def test_frame_reads_trailing_unix_time_column() -> None:
    (s,) = frame(USCG)
    assert isinstance(s, Sentence)
    assert s.received_s == 1418172113


def test_frame_reads_leading_iso_time_column() -> None:
    (s,) = frame("2024-12-09T22:07:14Z " + BARE)
    assert isinstance(s, Sentence)
    assert s.received_s == 1733782034


def test_frame_lets_untagged_line_inherit_time_of_tagged_line_just_before() -> None:
    _, s = frame(TAGGED, BARE)
    assert isinstance(s, Sentence)
    assert s.received_s == 1733782034
    assert not s.own_time


def test_frame_quarantines_sentence_without_any_receive_time() -> None:
    (r,) = frame(BARE)
    assert isinstance(r, Rejected)
    assert r.reason == NO_RECEIVE_TIME


def test_frame_uses_capture_time_when_file_has_none() -> None:
    (s,) = frame(BARE, capture_time_s=1733782000.0)
    assert isinstance(s, Sentence)
    assert s.received_s == 1733782000.0


def test_frame_rejects_flipped_character_by_checksum() -> None:
    broken = TAGGED.replace("13o4g", "13o5g")
    (r,) = frame(broken)
    assert isinstance(r, Rejected)
    assert r.reason == BAD_CHECKSUM
    assert r.raw == broken


def test_frame_rejects_truncated_sentence_and_keeps_neighbours() -> None:
    items = frame(TAGGED, TAGGED[:40], TAGGED)
    assert [type(i).__name__ for i in items] == ["Sentence", "Rejected", "Sentence"]
    assert isinstance(items[1], Rejected)
    assert items[1].reason == MALFORMED_SENTENCE
    assert items[1].line_no == 2


def test_frame_marks_other_nmea_sentences_as_not_ais() -> None:
    (r,) = frame("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47")
    assert isinstance(r, Rejected)
    assert r.reason == NOT_AIS


def test_frame_skips_blank_and_comment_lines() -> None:
    assert frame("", "# a comment", "   ") == []


def test_frame_splits_two_tagged_sentences_on_one_line() -> None:
    line = TAGGED + r"\s:2573210,c:1733782035*01\!BSVDM,1,1,,B,13mOO:9000PI6p`QrbwW646L2D1j,0*6B"
    first, second = frame(line)
    assert isinstance(first, Sentence) and isinstance(second, Sentence)
    assert (first.received_s, second.received_s) == (1733782034, 1733782035)
    assert first.line_no == second.line_no == 1


def test_frame_gives_group_time_to_fragment_without_one() -> None:
    first = (r"\g:1-2-1278,s:66,c:1661782369*43\!AIVDM,2,1,3,A,"
             r"56=nR7D00003A<I@E=@TmDh637OS60mA:222220N1@6427?P00888888,0*66")
    second = r"\g:2-2-1278*51\!AIVDM,2,2,3,A,888888888888880,2*27"
    a, b = frame(first, "", "", "", "", second)
    assert isinstance(a, Sentence) and isinstance(b, Sentence)
    assert a.group == b.group == "1278"
    assert b.received_s == 1661782369


def test_frame_accepts_binary_garbage_without_crashing() -> None:
    items = frame("\x00\xff\xfe!AIVDM,\x01garbage", TAGGED)
    assert isinstance(items[0], Rejected)
    assert isinstance(items[1], Sentence)


def test_nmea_checksum_matches_real_sentence() -> None:
    body = BARE[1:BARE.index("*")]
    assert nmea_checksum(body) == 0x17


def test_frame_rejects_tag_block_whose_checksum_does_not_match() -> None:
    tagged, rejected, bare = frame(KYST_3, KYST_4_FLIPPED, KYST_5)
    assert isinstance(rejected, Rejected)
    assert rejected.reason == BAD_TAG_CHECKSUM
    assert rejected.raw == KYST_4_FLIPPED
    # the untagged line after it takes the time of the last line that could be trusted
    assert isinstance(tagged, Sentence) and isinstance(bare, Sentence)
    assert bare.received_s == tagged.received_s == 1733782034


def test_frame_rejects_tag_block_checksum_that_is_not_two_hex_digits() -> None:
    (r,) = frame(KYST_3.replace("*0A", "*0G"))
    assert isinstance(r, Rejected) and r.reason == BAD_TAG_CHECKSUM


def test_frame_accepts_placeholder_tag_checksum_unless_strict() -> None:
    (lenient,) = frame(AMSA)
    assert isinstance(lenient, Sentence) and lenient.received_s == 1420030798
    (strict,) = frame(AMSA, strict_tag_checksum=True)
    assert isinstance(strict, Rejected) and strict.reason == BAD_TAG_CHECKSUM


def test_frame_line_carries_state_from_line_to_line() -> None:
    state = FramingState()
    assert frame_line(PGHP, 1, state) == []
    assert state.pghp_time_s == 1276256771.390 and state.pghp_left == FramingParams().pghp_max_lines
    (s,) = frame_line(PGHP_SENTENCE, 2, state)
    assert isinstance(s, Sentence) and s.received_s == 1276256771.390 and not s.own_time
    assert state.pghp_left == FramingParams().pghp_max_lines - 1
