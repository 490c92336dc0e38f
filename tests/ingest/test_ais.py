from __future__ import annotations

import gzip
import math
import random
from pathlib import Path

import pandas as pd
import pyais
import pytest

from tests.support import shared_file
from vessel_risk.common import columns as c
from vessel_risk.ingest.ais import ingest_ais

TAG = r"\s:2573238,c:1733782034*0A"
TYPE1 = "!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F"


def write(tmp_path: Path, name: str, lines: list[str], gz: bool = False) -> Path:
    path = tmp_path / name
    text = "\n".join(lines) + "\n"
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    return path


def encoded(fields: dict[str, object]) -> str:
    return pyais.encode.encode_dict(fields, talker_id="AI")[0]


def test_ingest_decodes_tagged_position_into_positions(tmp_path: Path) -> None:
    result = ingest_ais([write(tmp_path, "a.nmea", [TAG + "\\" + TYPE1])])
    (row,) = result.positions.to_dict("records")
    assert row[c.MMSI] == 259076000
    assert row[c.TIMESTAMP] == pd.Timestamp(1733782034, unit="s", tz="UTC")
    assert row[c.LAT] == pytest.approx(60.076687)
    assert row[c.RECEIVERS] == 1 and row[c.LINE_NO] == 1


def test_ingest_turns_not_available_values_into_nulls(tmp_path: Path) -> None:
    sentence = encoded({"type": 1, "mmsi": 219000001, "lat": 91, "lon": 181, "speed": 102.3,
                        "course": 360, "heading": 511, "status": 15})
    result = ingest_ais([write(tmp_path, "na.nmea", [f"1733782034,{sentence}"])])
    (row,) = result.positions.to_dict("records")
    for col in (c.LAT, c.LON, c.SOG_KNOTS, c.COG_DEG, c.HEADING_DEG, c.NAV_STATUS):
        assert math.isnan(row[col]), col


def test_ingest_reads_gzip_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "feed"
    folder.mkdir()
    write(folder, "day.nmea.gz", [TAG + "\\" + TYPE1], gz=True)
    assert len(ingest_ais([folder]).positions) == 1


def test_ingest_keeps_duplicate_heard_by_two_receivers_once(tmp_path: Path) -> None:
    other_station = r"\s:2573999,c:1733782035*00"
    lines = [TAG + "\\" + TYPE1, other_station + "\\" + TYPE1]
    result = ingest_ais([write(tmp_path, "dup.nmea", lines)])
    assert len(result.positions) == 1
    assert result.positions[c.RECEIVERS].iloc[0] == 2
    assert result.summary.duplicate_sentences == 1
    assert result.summary.balanced


def test_ingest_decodes_static_and_voyage_data_into_statics(tmp_path: Path) -> None:
    lines = [r"\g:1-2-1278,s:66,c:1661782369*43\!AIVDM,2,1,3,A,"
             r"56=nR7D00003A<I@E=@TmDh637OS60mA:222220N1@6427?P00888888,0*66",
             r"\g:2-2-1278*51\!AIVDM,2,2,3,A,888888888888880,2*27"]
    result = ingest_ais([write(tmp_path, "t5.nmea", lines)])
    (row,) = result.statics.to_dict("records")
    assert row[c.MSG_TYPE] == 5
    assert row[c.MMSI] == pyais.decode(lines[0][lines[0].index("!"):],
                                       lines[1][lines[1].index("!"):]).mmsi


def test_ingest_quarantines_bad_lines_with_file_line_reason_and_raw(tmp_path: Path) -> None:
    bad = TAG + "\\" + TYPE1.replace("13o4g", "13o5g")
    path = write(tmp_path, "mixed.nmea", [TAG + "\\" + TYPE1, bad, TYPE1.replace(",0*3F", "")])
    result = ingest_ais([path])
    assert len(result.positions) == 1
    q = result.quarantine.sort_values(c.LINE_NO)
    assert q[c.LINE_NO].tolist() == [2, 3]
    assert q[c.REASON].tolist() == ["bad_checksum", "malformed_sentence"]
    assert q[c.RAW].iloc[0] == bad
    assert set(q[c.SOURCE_FILE]) == {str(path)}
    assert result.summary.balanced


@pytest.mark.parametrize("name", [
    "kystverket_2024-12-09_tagblock.nmea", "dma_2010-06-11_pghp_timestamped.nmea",
    "amsa_2014-12-31_tagblock.nmea", "libais_test_uscg_timestamped.aivdm",
    "libais_tagblock.nmea", "pyais_nmea_data_sample.nmea", "gpsd_ais-nmea.log",
    "gfw_ais_tools_errors.nmea", "gfw_ais_tools_bad-tagblock-group.nmea",
    "gfw_ais_tools_bad-type5.nmea", "gfw_ais_tools_ee-multiline.nmea",
    "gfw_ais_tools_mixed_types.nmea", "gfw_ais_tools_multi-part.nmea",
    "gfw_ais_tools_sample.nmea", "gfw_ais_tools_single-message-type-5.nmea",
    "gfw_ais_tools_spire-test.nmea", "gfw_ais_tools_type1-bad-bitcount.nmea",
    "gfw_ais_tools_type8.nmea", "dma_2013-03-18_replay_dump.nmea", "aishub_3min_sample.nmea.gz",
])
def test_ingest_accounts_for_every_line_of_real_captures(name: str) -> None:
    result = ingest_ais([shared_file("ais", "nmea", name)])
    s = result.summary
    assert s.balanced, s.as_dict()
    assert sum(s.quarantined.values()) == len(result.quarantine)


def test_ingest_decodes_every_sentence_of_kystverket_capture() -> None:
    result = ingest_ais([shared_file("ais", "nmea", "kystverket_2024-12-09_tagblock.nmea")])
    assert len(result.quarantine) == 0
    assert result.summary.decoded_sentences == result.summary.lines_read == 223


def test_ingest_survives_fuzzed_real_lines_and_keeps_good_ones(tmp_path: Path) -> None:
    source = shared_file("ais", "nmea", "kystverket_2024-12-09_tagblock.nmea")
    good = source.read_text().splitlines()
    rng = random.Random(7)
    fuzzed = []
    for line in good[:150]:
        kind = rng.randrange(5)
        if kind == 0:
            i = rng.randrange(len(line))
            line = line[:i] + chr(rng.randrange(33, 127)) + line[i + 1:]
        elif kind == 1:
            line = line[: rng.randrange(len(line))]
        elif kind == 2:
            line = "".join(chr(rng.randrange(11, 256)) for _ in range(40))  # no newline
        elif kind == 3:
            line = line.replace(",1,1,", ",2,1,", 1)
        fuzzed.append(line)
    path = tmp_path / "fuzzed.nmea"
    path.write_bytes(("\n".join(fuzzed + good[150:]) + "\n").encode("latin-1"))
    result = ingest_ais([path])
    assert result.summary.balanced
    clean = ingest_ais([source])
    tail = clean.positions[clean.positions[c.LINE_NO] > 150]
    kept = result.positions[result.positions[c.LINE_NO] > 150]
    assert len(kept) == len(tail)
    assert len(result.quarantine) > 0


@pytest.mark.parametrize("name", ["dma_2010-06-11_pghp_timestamped.nmea",
                                  "gfw_ais_tools_multi-part.nmea",
                                  "kystverket_2024-12-09_tagblock.nmea"])
def test_ingest_in_small_chunks_on_two_workers_matches_one_chunk(name: str) -> None:
    from vessel_risk.ingest.ais import IngestParams
    from vessel_risk.ingest.framing import FramingParams

    path = shared_file("ais", "nmea", name)
    framing = FramingParams(capture_time_s=1_700_000_000.0)
    whole = ingest_ais([path], IngestParams(framing=framing, chunk_bytes=10**9, workers=1))
    chunked = ingest_ais([path], IngestParams(framing=framing, chunk_bytes=20_000, workers=2))
    assert chunked.summary.as_dict() == whole.summary.as_dict()
    for table in ("positions", "statics", "quarantine"):
        a = getattr(whole, table).sort_values([c.LINE_NO, c.MMSI] if table != "quarantine"
                                              else [c.LINE_NO, c.RAW]).reset_index(drop=True)
        b = getattr(chunked, table).sort_values([c.LINE_NO, c.MMSI] if table != "quarantine"
                                                else [c.LINE_NO, c.RAW]).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)


def test_ingest_keeps_message_heard_in_two_files_once(tmp_path: Path) -> None:
    a = write(tmp_path, "receiver_a.nmea", [TAG + "\\" + TYPE1])
    b = write(tmp_path, "receiver_b.nmea", [r"\s:9,c:1733782036*00" + "\\" + TYPE1])
    result = ingest_ais([a, b])
    assert len(result.positions) == 1
    assert result.positions[c.RECEIVERS].iloc[0] == 2
    assert result.summary.duplicate_sentences == 1 and result.summary.balanced


def test_ingest_keeps_lines_of_a_gzip_file_cut_off_mid_write(tmp_path: Path) -> None:
    lines = [f"{1733782034 + i},{TYPE1}" for i in range(5000)]
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "cut.nmea.gz"
    path.write_bytes(whole[: len(whole) // 2])
    result = ingest_ais([path])
    assert result.summary.balanced
    assert result.summary.quarantined["file_cut_off"] == 1
    (row,) = result.quarantine[result.quarantine[c.REASON] == "file_cut_off"].to_dict("records")
    assert "unreadable after line" in row[c.RAW]
    # every line before the cut is decoded (a few may be repeats of TYPE1 within the minute)
    read = result.summary.lines_read - 1
    assert read > 1000
    assert result.summary.decoded_sentences + result.summary.duplicate_sentences >= read - 1


def test_ingest_quarantines_corrupted_tag_block_time_instead_of_moving_positions(
    tmp_path: Path,
) -> None:
    source = shared_file("ais", "nmea", "kystverket_2024-12-09_tagblock.nmea")
    lines = source.read_text().splitlines()
    assert lines[3].startswith(r"\s:2573515,c:1733782034*02")
    lines[3] = lines[3].replace("c:1733782034", "c:1703782034")  # one digit: 2023-12-28
    result = ingest_ais([write(tmp_path, "flipped.nmea", lines)])
    assert set(result.positions[c.TIMESTAMP].dt.strftime("%Y-%m-%d")) == {"2024-12-09"}
    (row,) = result.quarantine.to_dict("records")
    assert (row[c.LINE_NO], row[c.REASON], row[c.RAW]) == (4, "bad_tag_checksum", lines[3])
    assert result.summary.balanced and result.summary.quarantined == {"bad_tag_checksum": 1}
    assert len(result.positions) == len(ingest_ais([source]).positions) - 1


def test_ingest_keeps_fragments_of_two_stations_with_one_sequence_id_apart(tmp_path: Path) -> None:
    source = shared_file("ais", "nmea", "kystverket_2024-12-09_tagblock.nmea")
    lines = source.read_text().splitlines()
    interleaved = [lines[24], lines[76], lines[25], lines[77]]  # two stations, seq 0, channel B
    result = ingest_ais([write(tmp_path, "merged.nmea", interleaved)])
    assert len(result.quarantine) == 0 and result.summary.balanced
    got = result.statics.set_index(c.MMSI)[[c.NAME, c.DESTINATION]].to_dict("index")
    assert got == {257088590: {c.NAME: "LISSHORNET", c.DESTINATION: "STEINSFLESA"},
                   257708700: {c.NAME: "BRAFJORD 2", c.DESTINATION: "FRIUKE"}}


def test_ingest_does_not_glue_fragments_from_two_files(tmp_path: Path) -> None:
    # Untagged Kystverket fragments (no station): each file's dangling fragment stays its own.
    source = shared_file("ais", "nmea", "kystverket_2024-12-09_tagblock.nmea")
    lines = source.read_text().splitlines()
    a = write(tmp_path, "a.nmea", [lines[70]])  # "!BSVDM,2,1,2,B,...": fragment 1 of seq 2 on B
    b = write(tmp_path, "b.nmea", [lines[71]])  # "!BSVDM,2,2,2,B,...": a fragment 2 that fits it
    from vessel_risk.ingest.ais import IngestParams
    from vessel_risk.ingest.framing import FramingParams

    params = IngestParams(framing=FramingParams(capture_time_s=1733782034.0))
    result = ingest_ais([a, b], params)
    assert len(result.statics) == 0 and result.summary.balanced
    assert sorted(result.quarantine[c.REASON]) == ["fragment_out_of_order", "incomplete_fragments"]


# A real Kystverket position report (line 1) and the same report re-encoded by pyais with an
# impossible latitude or longitude (95, lon 200, -91), each with a valid tag block.
OUT_OF_RANGE = [
    r"\s:2573238,c:1733782034*0A\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F",
    r"\s:2573238,c:1733782035*0B\!BSVDM,1,1,,A,13o4g`00000h4;0nG0@83S0L088C,0*08",
    r"\s:2573238,c:1733782036*08\!BSVDM,1,1,,A,13o4g`0000>CQh0RGm483S0L088C,0*0E",
    r"\s:2573238,c:1733782037*09\!BSVDM,1,1,,A,13o4g`00000h4;1;sNh83S0L088C,0*3E",
]


def test_ingest_quarantines_position_out_of_range_instead_of_blanking_it(tmp_path: Path) -> None:
    for line in OUT_OF_RANGE[1:]:  # what each line says, as pyais reads it
        lat, lon = (pyais.decode(line.split("\\")[2]).asdict()[k] for k in ("lat", "lon"))
        assert abs(lat) > 90 or abs(lon) > 180
    result = ingest_ais([write(tmp_path, "impossible.nmea", OUT_OF_RANGE)])
    assert result.positions[c.LINE_NO].tolist() == [1]
    q = result.quarantine.sort_values(c.LINE_NO)
    assert q[c.LINE_NO].tolist() == [2, 3, 4]
    assert set(q[c.REASON]) == {"position_out_of_range"}
    assert q[c.RAW].tolist() == OUT_OF_RANGE[1:]
    assert q[c.TIMESTAMP].tolist() == list(pd.to_datetime([1733782035, 1733782036, 1733782037],
                                                          unit="s", utc=True))
    s = result.summary
    assert s.balanced and s.quarantined == {"position_out_of_range": 3}
    assert (s.decoded_sentences, s.messages_by_type) == (1, {1: 1})


def test_ingest_keeps_and_counts_position_not_available(tmp_path: Path) -> None:
    sentence = encoded({"type": 1, "mmsi": 219000001, "lat": 91, "lon": 181})
    lines = [f"1733782034,{sentence}", TAG + "\\" + TYPE1]
    result = ingest_ais([write(tmp_path, "na.nmea", lines)])
    assert len(result.positions) == 2 and len(result.quarantine) == 0
    assert result.summary.positions_not_available == 1
    assert result.summary.as_dict()["positions_not_available"] == 1


def test_ingest_quarantines_out_of_range_position_decoded_by_pyais(tmp_path: Path) -> None:
    # libais' USCG example of a type 27 (long-range) report at lon 218.05: pyais' path
    line = ("!AIVDM,1,1,,B,KEkV@caow3vMnRkg20,4*72,d-130,S0160,t080904.00,T04.28732954,"
            "r003669959,1272442145")
    fields = pyais.decode(line[: line.index("*") + 3]).asdict()
    assert fields["msg_type"] == 27 and fields["lon"] > 180
    result = ingest_ais([write(tmp_path, "t27.nmea", [line])])
    assert result.positions.empty
    assert result.quarantine[c.REASON].tolist() == ["position_out_of_range"]
    assert result.summary.balanced


def test_ingest_names_each_row_s_file_with_one_shared_string_per_chunk() -> None:
    # a copy of the path per row was 1.1 GB of strings on a 10-million-sentence day
    from vessel_risk.ingest.ais import IngestParams
    from vessel_risk.ingest.framing import FramingParams

    path = shared_file("ais", "nmea", "dma_2010-06-11_pghp_timestamped.nmea")
    framing = FramingParams(capture_time_s=1_700_000_000.0)
    tables = ingest_ais([path], IngestParams(framing=framing, chunk_bytes=20_000, workers=2))
    names = tables.positions[c.SOURCE_FILE].array
    chunks = -(-path.stat().st_size // 20_000)
    assert len(names) > 10 * chunks
    assert len({id(name) for name in names}) <= chunks
    assert set(names) == {str(path)}
