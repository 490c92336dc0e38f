"""Ingest of Global Fishing Watch ais-tools' edge-case captures (``ais/nmea/gfw_ais_tools_*``).

Every file must ingest without crashing and account for every line. For each known-bad case the
outcome below was decided from the file's content:

- ``errors``: lines 2 and 4 are lines 1 and 3 cut short, keeping the checksum of the full sentence,
  so they fail it; lines 1, 3 and 5 are good.
- ``type1-bad-bitcount``: 186-bit type 1/3 reports (168 is standard) with valid checksums. Every
  field we keep lies in the first 149 bits, so the extra bits change nothing: they decode to what
  the same report cut to 168 bits decodes to.
- ``bad-type5``: type 5 messages of 448, 400 and 444 bits (424 is standard), whose two fragments
  sit on one line, the first one with talker ``AB``, the second ``AI``. All three are real
  (the file's last lines hold their joined payloads); the bare payload lines are not sentences.
- ``single-message-type-5``: the checksum fits the sentence with fill bits 0, not the 2 written:
  the sentence was altered after it was sent, so it is rejected.
- ``spire-test``: line 2 repeats line 1's message, but its second fragment's tag block says
  ``g:2-1-1`` ("sentence 2 of 1"), so it does not join the first: both are quarantined.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pandas as pd
import pyais
import pytest

from tests.support import shared_file
from vessel_risk.common import columns as c
from vessel_risk.ingest.ais import AisTables, IngestParams, ingest_ais
from vessel_risk.ingest.decode import DECODE_ERROR
from vessel_risk.ingest.fragments import FRAGMENT_OUT_OF_ORDER, INCOMPLETE_FRAGMENTS
from vessel_risk.ingest.framing import (
    BAD_CHECKSUM,
    BAD_TAG_BLOCK,
    MALFORMED_SENTENCE,
    NO_RECEIVE_TIME,
    NOT_AIS,
    FramingParams,
)

CAPTURE_TIME_S = 1_700_000_000.0  # for the files that carry no receive time
WITH_CAPTURE_TIME = IngestParams(framing=FramingParams(capture_time_s=CAPTURE_TIME_S))
REASONS = {BAD_CHECKSUM, BAD_TAG_BLOCK, MALFORMED_SENTENCE, NO_RECEIVE_TIME, NOT_AIS,
           FRAGMENT_OUT_OF_ORDER, INCOMPLETE_FRAGMENTS, DECODE_ERROR}
FILES = [
    "bad-tagblock-group", "bad-type5", "ee-multiline", "errors", "mixed_types", "multi-part",
    "sample", "single-message-type-5", "spire-test", "type1-bad-bitcount", "type8",
]
CLEAN_FILES = [  # every line holds good sentences
    "bad-tagblock-group", "ee-multiline", "mixed_types", "multi-part", "sample",
    "type1-bad-bitcount", "type8",
]
UNTIMED_FILES = ["mixed_types", "multi-part", "type8"]
# Eastern Mediterranean (Ionian Sea to Lebanon), where the bad-bitcount reports were received.
EAST_MED_LAT = (33.0, 40.0)
EAST_MED_LON = (19.0, 36.0)
POSITION_REPORT_CHARS = 28  # 168 bits
_SENTENCE = re.compile(r"![A-Z]{2}VD[MO],(\d),(\d),\d?,[AB12]?,([^,]*),(\d)\*[0-9A-F]{2}")


def path_of(name: str) -> Path:
    return shared_file("ais", "nmea", f"gfw_ais_tools_{name}.nmea")


@cache
def ingest(name: str, params: IngestParams = WITH_CAPTURE_TIME) -> AisTables:
    """Ingest one file (once per module run: the tests only read the tables)."""
    return ingest_ais([path_of(name)], params)


def lines_of(name: str) -> list[str]:
    return path_of(name).read_text(encoding="latin-1").split("\n")


def sentence(payload: str, fill: int) -> str:
    """A single-fragment !AIVDM sentence with its correct checksum."""
    body = f"AIVDM,1,1,,A,{payload},{fill}"
    checksum = 0
    for char in body:
        checksum ^= ord(char)
    return f"!{body}*{checksum:02X}"


def message_type(payload: str) -> int:
    value = ord(payload[0]) - 48
    return value - 8 if value > 40 else value


def distinct_messages(name: str) -> Counter[int]:
    """Types of the distinct messages of a clean file (fragments in order, one after another)."""
    payloads: set[str] = set()
    parts: list[str] = []
    for line in lines_of(name):
        for total, num, payload, _ in _SENTENCE.findall(line):
            parts = [payload] if num == "1" else [*parts, payload]
            if num == total:
                payloads.add("".join(parts))
    return Counter(message_type(p) for p in payloads)


# --- every file ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", FILES)
def test_ingest_accounts_for_every_line_of_gfw_case(name: str) -> None:
    result = ingest(name)
    s = result.summary
    assert s.balanced, s.as_dict()
    assert s.lines_read == len(lines_of(name)) - (lines_of(name)[-1] == "")
    assert sum(s.quarantined.values()) == len(result.quarantine)
    assert set(result.quarantine[c.REASON]) <= REASONS
    lines = lines_of(name)
    for line_no, raw in zip(result.quarantine[c.LINE_NO], result.quarantine[c.RAW]):
        assert raw.strip() in lines[line_no - 1], (line_no, raw)


@pytest.mark.parametrize("name", CLEAN_FILES)
def test_ingest_decodes_every_distinct_message_of_clean_gfw_case(name: str) -> None:
    result = ingest(name)
    assert len(result.quarantine) == 0
    assert result.summary.messages_by_type == distinct_messages(name)


@pytest.mark.parametrize("name", UNTIMED_FILES)
def test_ingest_quarantines_untimed_gfw_case_without_capture_time(name: str) -> None:
    result = ingest(name, IngestParams())
    assert set(result.quarantine[c.REASON]) == {NO_RECEIVE_TIME}
    assert len(result.quarantine) == sum(1 for line in lines_of(name) if line.strip())
    assert len(result.positions) == len(result.statics) == 0


# --- known-bad cases ----------------------------------------------------------------------------

def test_ingest_rejects_truncated_copies_by_checksum_and_keeps_full_sentences() -> None:
    result = ingest("errors")
    lines = lines_of("errors")
    assert result.quarantine[c.LINE_NO].tolist() == [2, 4]
    assert set(result.quarantine[c.REASON]) == {BAD_CHECKSUM}
    for bad, good in ((2, 1), (4, 3)):  # the bad line is the good one cut short
        assert lines[good - 1].split(",0*")[0].startswith(lines[bad - 1].split(",0*")[0])
    assert result.positions[c.LINE_NO].tolist() == [1, 3, 5]
    assert result.positions[c.MMSI].tolist() == [244000953, 205252690, 205252690]


def test_ingest_decodes_overlong_position_reports_as_their_first_168_bits() -> None:
    result = ingest("type1-bad-bitcount")
    assert len(result.positions) == 12
    lines = lines_of("type1-bad-bitcount")
    fields = {c.MMSI: "mmsi", c.LAT: "lat", c.LON: "lon", c.SOG_KNOTS: "speed",
              c.COG_DEG: "course", c.HEADING_DEG: "heading"}
    for row in result.positions.to_dict("records"):
        ((_, _, payload, fill),) = _SENTENCE.findall(lines[row[c.LINE_NO] - 1])
        assert (len(payload), fill) == (31, "0")  # 186 bits
        cut = pyais.decode(sentence(payload[:POSITION_REPORT_CHARS], 0)).asdict()
        for column, key in fields.items():
            na = {"speed": 102.3, "course": 360.0, "heading": 511}.get(key)
            expected = float("nan") if cut[key] == na else cut[key]
            assert row[column] == pytest.approx(expected, nan_ok=True), (row[c.LINE_NO], key)
    # and the values make sense: harbours and coasts of the Eastern Mediterranean
    assert result.positions[c.LAT].between(*EAST_MED_LAT).all()
    assert result.positions[c.LON].between(*EAST_MED_LON).all()
    assert (result.positions[c.SOG_KNOTS] < 30).all()


def test_ingest_joins_type5_fragments_with_different_talkers_and_odd_bit_counts() -> None:
    result = ingest("bad-type5")
    statics = result.statics.set_index(c.LINE_NO)
    assert statics[c.MMSI].to_dict() == {1: 255917000, 2: 248366000, 3: 211265330}
    assert statics.loc[1, c.NAME] == "IVER ACTION" and statics.loc[1, c.IMO] == 9507984
    assert statics.loc[1, c.TIMESTAMP] == pd.Timestamp(1698785948, unit="s", tz="UTC")
    # The bare payload lines 5-7 are the joined payloads: they decode to the same vessels.
    lines = lines_of("bad-type5")
    for line_no, payload_line in ((1, 5), (2, 6), (3, 7)):
        payload = lines[payload_line - 1].strip()
        fill = int(_SENTENCE.findall(lines[line_no - 1])[-1][3])
        joined = pyais.decode(sentence(payload, fill)).asdict()
        row = statics.loc[line_no]
        assert (row[c.MMSI], row[c.NAME], row[c.CALLSIGN]) == (
            joined["mmsi"], joined["shipname"], joined["callsign"])
        assert row[c.DRAUGHT_M] == pytest.approx(joined["draught"])
    q = result.quarantine
    assert dict(zip(q[c.LINE_NO], q[c.REASON])) == {5: MALFORMED_SENTENCE, 6: MALFORMED_SENTENCE,
                                                    7: MALFORMED_SENTENCE}


def test_ingest_keeps_short_type5_whose_lost_bits_are_destination_padding() -> None:
    crystal = ingest("bad-type5").statics.set_index(c.MMSI).loc[248366000]
    # 400 of 424 bits: the destination ends after 5 characters, well before the cut.
    assert (crystal[c.NAME], crystal[c.DESTINATION]) == ("CRYSTAL DEBUSSY", "DODEW")
    assert (crystal[c.LENGTH_M], crystal[c.BEAM_M]) == (135.0, 12.0)


def test_ingest_rejects_type5_whose_fill_bits_were_changed_after_checksum() -> None:
    result = ingest("single-message-type-5")
    (row,) = result.quarantine.to_dict("records")
    assert row[c.REASON] == BAD_CHECKSUM
    raw = lines_of("single-message-type-5")[0]
    body = raw[raw.index("!") + 1 : raw.index("*", raw.index("!"))]
    assert body.endswith(",2")
    as_sent = body[:-1] + "0"
    checksum = 0
    for char in as_sent:
        checksum ^= ord(char)
    assert f"{checksum:02X}" == raw[-2:]
    assert len(result.statics) == 0


def test_ingest_quarantines_fragment_whose_group_contradicts_its_sentence() -> None:
    result = ingest("spire-test")
    (static,) = result.statics.to_dict("records")
    assert (static[c.MMSI], static[c.LINE_NO]) == (2424139, 1)
    q = result.quarantine.sort_values(c.REASON)
    assert q[c.LINE_NO].tolist() == [2, 2]
    assert q[c.REASON].tolist() == [FRAGMENT_OUT_OF_ORDER, INCOMPLETE_FRAGMENTS]
    assert q[c.RAW].str.contains(r"\\g:2-1-1\*00\\!AIVDM,2,2,1").tolist() == [True, False]
    assert (q[c.TIMESTAMP] == pd.Timestamp(1662052384, unit="s", tz="UTC")).all()


# --- good cases with a twist --------------------------------------------------------------------

def test_ingest_reads_millisecond_tag_block_time_over_local_text_time() -> None:
    result = ingest("sample")
    (position,) = result.positions.to_dict("records")
    assert position[c.TIMESTAMP] == pd.Timestamp(1599239526500, unit="ms", tz="UTC")
    assert result.statics[c.PART_NUM].tolist() == [0, 1]
    assert result.statics[c.NAME].iloc[0] == "DAKUWAQA"


def test_ingest_gives_group_time_to_fragment_without_one() -> None:
    result = ingest("ee-multiline")
    statics = result.statics.set_index(c.LINE_NO)
    assert statics.loc[2, c.TIMESTAMP] == pd.Timestamp(1661782369, unit="s", tz="UTC")
    assert statics.loc[6, c.IMO] == 9846421 and statics.loc[6, c.NAME] == "MARAN FRIENDSHIP"


def test_ingest_joins_fragments_of_group_id_with_extra_dashes() -> None:
    result = ingest("bad-tagblock-group")  # g:1-2--001 and g:2-2--001
    assert dict(result.summary.messages_by_type) == {21: 1}
    assert result.summary.decoded_sentences == 2


def test_ingest_nulls_heading_outside_valid_range() -> None:
    positions = ingest("mixed_types").positions.set_index(c.LINE_NO)
    assert positions.loc[60, c.MMSI] == 413852947  # a type 18 sending heading 480
    assert pd.isna(positions.loc[60, c.HEADING_DEG])
    assert positions[c.HEADING_DEG].dropna().between(0, 359).all()
