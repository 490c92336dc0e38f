"""The vectorised framer must give every line exactly the reference framer's result."""

from __future__ import annotations

import gzip
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import SHARED_DATA, shared_file
from vessel_risk.ingest.fast_framing import (
    BLANK_OR_COMMENT,
    PGHP,
    REASONS,
    REJECTED,
    SENTENCE,
    SLOW,
    frame_block,
    to_items,
)
from vessel_risk.ingest.framing import (
    BAD_CHECKSUM,
    BAD_TAG_BLOCK,
    BAD_TAG_CHECKSUM,
    NO_RECEIVE_TIME,
    FramingParams,
    FramingState,
    Rejected,
    Sentence,
    frame_lines,
    nmea_checksum,
)

# Real lines: Kystverket (tag blocks, untagged lines between), DMA ($PGHP), USCG (trailing columns),
# GFW ais-tools (tag-block groups, two sentences on one line), libais (T: field with spaces).
TAGGED = r"\s:2573238,c:1733782034*0A\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F"
TAGGED_2 = r"\s:2573210,c:1733782034*00\!BSVDM,1,1,,B,13mOO:9000PI6p`QrbwW646L2D1j,0*6B"
BARE = "!BSVDM,1,1,,A,13oUhr70000E=S4S4Aunw@@J06hL,0*17"
PGHP_LINE = "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"
PGHP_SENTENCE = "!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B"
USCG = "!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78,rORBCOMM104,1418172113"
USCG_DBM = ("!AIVDM,1,1,,A,402u=TiuaA000r5UJ`H4`?7000S:,0*75,d-093,S2212,t235959.00,"
            "T59.00339837,r09STOL1,1272844797")
GROUP_1 = (r"\g:1-2-1278,s:66,c:1661782369*43\!AIVDM,2,1,3,A,"
           r"56=nR7D00003A<I@E=@TmDh637OS60mA:222220N1@6427?P00888888,0*66")
GROUP_2 = r"\g:2-2-1278*51\!AIVDM,2,2,3,A,888888888888880,2*27"
MS_TAG = r"\c:1599239526500,s:sdr-experiments*3E\!AIVDM,1,1,,A,B>cSnNP00FVur7UaC7WQ3wS1jCJJ,0*73"
LIBAIS = (r"\s:rORBCOMM104,q:u,c:1418172113,T:2014-12-10 00.41.53*55\!AIVDM,1,1,,B,"
          r"13F?Vv700<DJuLEtvep`iToV0<00,0*78")
TWO_ON_ONE = TAGGED + TAGGED_2
LEADING = "1733782034," + BARE
ISO_LEADING = "2024-12-09T22:07:14Z " + BARE
GPS = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47"
REAL_LINES = [TAGGED, TAGGED_2, BARE, PGHP_LINE, PGHP_SENTENCE, USCG, USCG_DBM, GROUP_1, GROUP_2,
              MS_TAG, LIBAIS, TWO_ON_ONE, LEADING, ISO_LEADING, GPS, "", "# comment"]


def reference(content: bytes, params: FramingParams = FramingParams()) -> list[Sentence | Rejected]:
    """What ingest/ais.py gets from the reference framer for this content."""
    lines = content.decode("latin-1").split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    return list(frame_lines(lines, params))


def fast(content: bytes, params: FramingParams = FramingParams()) -> list[Sentence | Rejected]:
    return to_items(frame_block(content, 1, params), content)


def in_blocks(content: bytes, cuts: list[int], params: FramingParams) -> list[Sentence | Rejected]:
    """Frame the content as consecutive blocks cut after the given line counts, carrying state."""
    lines = content.split(b"\n")
    if lines and lines[-1] == b"":
        lines = lines[:-1]
    state, items, at = FramingState(), [], 0
    for cut in [*sorted(set(cuts)), len(lines)]:
        if cut <= at:
            continue
        block = b"".join(line + b"\n" for line in lines[at:cut])
        framed = frame_block(block, at + 1, params, state)
        items.extend(to_items(framed, block))
        state, at = framed.state, cut
    return items


def assert_every_line_accounted_for(content: bytes, params: FramingParams) -> None:
    block = frame_block(content, 1, params)
    n_lines = content.count(b"\n") + (0 if content.endswith(b"\n") or not content else 1)
    assert len(block.kind) == n_lines
    assert set(np.unique(block.kind).tolist()) <= {SENTENCE, REJECTED, PGHP, BLANK_OR_COMMENT, SLOW}
    slow_lines = set(block.line_no[block.kind == SLOW].tolist())
    assert {item.line_no for item in block.slow_items} <= slow_lines
    rejected = block.kind == REJECTED
    assert (block.reason[rejected] > 0).all() and (block.reason[~rejected] == 0).all()
    sentence = block.kind == SENTENCE
    assert not np.isnan(block.received_s[sentence]).any()
    assert np.isnan(block.received_s[~sentence]).all()
    for column in (block.station, block.talker, block.channel, block.payload, block.group):
        column.validate(full=True)
        assert len(column) == n_lines and column.is_null().to_numpy(False)[~sentence].all()


def head(content: bytes, n_lines: int) -> bytes:
    return b"\n".join(content.split(b"\n")[:n_lines])


def read_capture(name: str) -> bytes:
    raw = shared_file("ais", "nmea", name).read_bytes()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


CAPTURES = sorted(p.name for p in (SHARED_DATA / "ais" / "nmea").glob("*")) or ["(none)"]
CAPPED_LINES = 10_000  # keeps the test fast: the reference frames ~50k lines/s
VARIANTS = [
    FramingParams(capture_time_s=1733782000.0),  # so untimed captures are framed in full
    FramingParams(),
    FramingParams(inherit_time_lines=0),
    FramingParams(strict_tag_checksum=True, pghp_max_lines=1, inherit_time_lines=1),
]


# --- (1) every real capture ------------------------------------------------------------------------

@pytest.mark.parametrize("name", CAPTURES)
def test_frame_block_agrees_with_reference_on_every_real_capture(name: str) -> None:
    content = head(read_capture(name), CAPPED_LINES)
    for params in VARIANTS:
        assert fast(content, params) == reference(content, params)
        assert_every_line_accounted_for(content, params)


@pytest.mark.slow
def test_frame_block_agrees_with_reference_on_whole_aishub_capture() -> None:
    content = read_capture("aishub_3min_sample.nmea.gz")  # 85k lines of the world feed
    assert fast(content, VARIANTS[0]) == reference(content, VARIANTS[0])


@pytest.mark.parametrize("name", CAPTURES)
def test_frame_block_in_blocks_with_carried_state_agrees_with_whole_file(name: str) -> None:
    content = head(read_capture(name), CAPPED_LINES)
    n_lines = content.count(b"\n") + 1
    cuts = [n_lines // 7, n_lines // 3, n_lines // 3 + 1, n_lines // 2]
    assert in_blocks(content, cuts, FramingParams()) == reference(content)


def test_frame_block_frames_every_tagged_kystverket_line_on_the_fast_path() -> None:
    block = frame_block(read_capture("kystverket_2024-12-09_tagblock.nmea"))
    assert (block.kind == SENTENCE).all()
    assert block.own_time.sum() < len(block.kind)  # the untagged lines inherit a time


def test_frame_block_frames_pghp_capture_on_the_fast_path() -> None:
    block = frame_block(read_capture("dma_2010-06-11_pghp_timestamped.nmea"))
    assert set(np.unique(block.kind).tolist()) == {SENTENCE, PGHP}
    stamped = (block.kind == SENTENCE) & ~block.own_time
    assert stamped.sum() > 4000  # all but the two lines that carry their own time column


# --- (2) random mixes of real, damaged and odd lines -----------------------------------------------

def damage(line: str, how: int, where: int, junk: bytes) -> str:
    if not line:
        return line
    at = where % len(line)
    if how == 0:  # flip one character
        return line[:at] + chr((ord(line[at]) ^ 0x01) or 1) + line[at + 1 :]
    if how == 1:  # truncate
        return line[:at]
    if how == 2:  # binary garbage
        return line[:at] + junk.decode("latin-1") + line[at:]
    if how == 3:  # carriage return and surrounding blanks
        return " \t" + line + " \r"
    return line


def retime(line: str, seconds: int, style: int) -> str:
    """The same sentence with another receive time, in one of the feed styles."""
    sentence = line[line.index("!") :] if "!" in line else line
    stamps = [str(seconds), str(seconds * 1000 + 7), f"{seconds}.25", str(seconds)[:8]]
    stamp = stamps[style % len(stamps)]
    if style < 4:
        return rf"\s:2573238,c:{stamp}*00" + "\\" + sentence
    if style < 8:
        return f"{stamp};{sentence}"
    if style < 10:
        return f"{sentence},rSTATION,{stamp}"
    if style < 12:  # a tag-block group: the first fragment carries the time, the next one not
        return rf"\g:1-2-1278,c:{stamp}*00" + "\\" + sentence
    if style < 14:
        return rf"\g:2-2-1278,s:{seconds % 7}*00" + "\\" + sentence
    body = f"s:{seconds % 7},c:{stamp}"  # a computed tag-block checksum, right or one bit off
    return f"\\{body}*{nmea_checksum(body) ^ (style - 14):02X}\\{sentence}"


one_line = st.one_of(
    st.sampled_from(REAL_LINES),
    st.builds(retime, st.sampled_from(REAL_LINES[:3] + [PGHP_SENTENCE, USCG]),
              st.integers(100_000_000, 2_000_000_000), st.integers(0, 15)),
)
line_strategy = st.one_of(
    st.sampled_from(REAL_LINES),
    st.builds(lambda a, b: a + b, one_line, one_line),  # two sentences on one line: slow
    st.builds(damage, st.sampled_from(REAL_LINES), st.integers(0, 4), st.integers(0, 200),
              st.binary(min_size=1, max_size=4)),
    st.builds(retime, st.sampled_from(REAL_LINES[:3] + [PGHP_SENTENCE, USCG]),
              st.integers(100_000_000, 2_000_000_000), st.integers(0, 15)),
    st.sampled_from(["", "   ", "\r", "#", "$PGHP,1,2010,13,11,11,46,11,390*00", "$PGHP,1,2010",
                     "$PGHP,1, 2010,6,11,11,46,11,390*00", r"\g:2-2-1278*51\!AIVDM,2,2,3,A,,2*27",
                     "!AIVDM", "!AIVDM,1,1,,A,0*25", "\\" + BARE, r"\c:abc*00\!" + BARE[1:], r"\s:x,c:1*00\!" + BARE[1:]]),
)
params_strategy = st.builds(
    FramingParams,
    strict_tag_checksum=st.booleans(),
    pghp_max_lines=st.integers(0, 3),
    inherit_time_lines=st.integers(0, 3),
    capture_time_s=st.sampled_from([None, 1733782000.0]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line_strategy, max_size=25), params_strategy, st.booleans(),
       st.lists(st.integers(0, 25), max_size=3))
def test_frame_block_agrees_with_reference_on_random_mixes(
    lines: list[str], params: FramingParams, newline_at_end: bool, cuts: list[int]
) -> None:
    content = "\n".join(lines).encode("latin-1") + (b"\n" if newline_at_end and lines else b"")
    expected = reference(content, params)
    assert fast(content, params) == expected
    assert in_blocks(content, cuts, params) == expected
    assert_every_line_accounted_for(content, params)


# --- (3) edge cases and the behaviours that carry state --------------------------------------------

def test_frame_block_of_empty_content_has_no_lines() -> None:
    block = frame_block(b"")
    assert len(block.kind) == 0 and len(block.payload) == 0 and block.slow_items == []


def test_frame_block_reads_last_line_without_trailing_newline() -> None:
    content = (TAGGED + "\n" + TAGGED_2).encode()
    block = frame_block(content)
    assert block.kind.tolist() == [SENTENCE, SENTENCE]
    assert block.payload.to_pylist()[1] == "13mOO:9000PI6p`QrbwW646L2D1j"


def test_frame_block_strips_carriage_returns() -> None:
    content = (TAGGED + "\r\n" + BARE + "\r\n\r\n").encode()
    block = frame_block(content, 10)
    assert block.kind.tolist() == [SENTENCE, SENTENCE, BLANK_OR_COMMENT]
    assert block.line_no.tolist() == [10, 11, 12]
    assert fast(content) == reference(content)


def test_frame_block_returns_fields_of_tagged_sentence() -> None:
    block = frame_block(TAGGED.encode())
    assert block.received_s.tolist() == [1733782034.0]
    assert block.station.to_pylist() == ["2573238"]
    assert block.talker.to_pylist() == ["BS"]
    assert (block.total[0], block.num[0], block.seq[0], block.fill[0]) == (1, 1, -1, 0)
    assert block.channel.to_pylist() == ["A"] and block.group.to_pylist() == [None]
    start, end = block.sentence_start[0], block.sentence_end[0]
    assert TAGGED.encode()[start:end] == TAGGED[TAGGED.index("!") :].encode()


def test_frame_block_reports_rejection_reasons() -> None:
    broken = TAGGED.replace("13o4g", "13o5g")
    content = "\n".join([broken, BARE, r"\c:1*00\!" + BARE[1:], GPS]).encode()
    block = frame_block(content)
    reasons = [REASONS[r] for r in block.reason.tolist()]
    assert reasons == [BAD_CHECKSUM, NO_RECEIVE_TIME, BAD_TAG_BLOCK, "not_ais_sentence"]
    assert block.checksum_ok.tolist() == [False, True, True, False]


def test_frame_block_stamps_sentences_after_pghp_line() -> None:
    block = frame_block((PGHP_LINE + "\n" + PGHP_SENTENCE).encode())
    assert block.kind.tolist() == [PGHP, SENTENCE]
    assert block.received_s[1] == 1276256771.390
    assert not block.own_time[1]


def test_frame_block_does_not_let_line_inherit_across_slow_line_it_cannot_see() -> None:
    # The two-sentence line is framed by the reference; the bare line after it inherits its time.
    content = "\n".join([TAGGED, TAGGED_2.replace("1733782034", "1733782040") + TAGGED, BARE])
    block = frame_block(content.encode())
    assert block.kind.tolist() == [SENTENCE, SLOW, SLOW]
    assert fast(content.encode()) == reference(content.encode())


def test_frame_block_gives_group_time_across_blocks_through_state() -> None:
    first = frame_block((GROUP_1 + "\n").encode())
    second = frame_block((GROUP_2 + "\n").encode(), 2, FramingParams(), first.state)
    assert second.kind.tolist() == [SENTENCE]
    assert second.received_s[0] == 1661782369 and second.station.to_pylist() == ["66"]
    assert first.state.group_time == {"1278": (1661782369.0, "66")}


def test_frame_block_does_not_change_the_state_it_is_given() -> None:
    state = FramingState(last_time_s=1.0e9, last_time_line=0, group_time={"x": (1.0e9, None)})
    before = replace(state, group_time=dict(state.group_time))
    frame_block((GROUP_1 + "\n").encode(), 1, FramingParams(), state)
    assert state == before


def test_frame_block_lets_reference_frame_line_with_tag_block_after_other_text() -> None:
    # The reference finds the tag block anywhere before '!': this line sets group 1278's time,
    # which the next fragment needs, so both lines go to the reference.
    content = "\n".join([GPS + GROUP_1, GROUP_2]).encode()
    assert frame_block(content).kind.tolist() == [SLOW, SLOW]
    assert fast(content) == reference(content)


def test_frame_block_lets_reference_frame_line_whose_payload_end_is_ambiguous() -> None:
    content = (BARE + ",0*17").encode()  # the sentence ends at the first ",0*17", not the last
    assert frame_block(content).kind.tolist() == [SLOW]
    assert fast(content) == reference(content)


def test_frame_block_takes_time_of_pghp_line_only_the_reference_reads() -> None:
    # int(" 2010") is 2010: the reference reads this $PGHP line, so the sentence after it too.
    content = (PGHP_LINE.replace(",2010,", ", 2010,") + "\n" + PGHP_SENTENCE).encode()
    assert frame_block(content).kind.tolist() == [SLOW, SLOW]
    (sentence,) = fast(content)
    assert isinstance(sentence, Sentence) and sentence.received_s == 1276256771.390
    assert fast(content) == reference(content)


def test_frame_block_rejects_tag_block_with_wrong_checksum_without_the_reference() -> None:
    # Kystverket line 4 with one digit of its c: time flipped (2024-12-09 would become 2023-12-28)
    capture = head(read_capture("kystverket_2024-12-09_tagblock.nmea"), 8)
    flipped = capture.replace(b"c:1733782034*02", b"c:1703782034*02", 1)
    block = frame_block(flipped)
    assert block.kind[3] == REJECTED and REASONS[block.reason[3]] == BAD_TAG_CHECKSUM
    assert block.received_s[4] == 1733782034  # the untagged line 5 inherits line 3's time
    assert fast(flipped) == reference(flipped)


def test_frame_block_rejects_placeholder_tag_checksum_only_when_strict() -> None:
    amsa = head(read_capture("amsa_2014-12-31_tagblock.nmea"), 5)  # "*00" on every tag block
    assert (frame_block(amsa).kind == SENTENCE).all()
    strict = frame_block(amsa, 1, FramingParams(strict_tag_checksum=True))
    assert {REASONS[r] for r in strict.reason.tolist()} == {BAD_TAG_CHECKSUM}
