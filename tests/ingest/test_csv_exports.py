"""CSV exports (DMA daily CSV, NOAA MarineCadastre) through ``ingest_ais``: real files and small
scenario files with a MarineCadastre header."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from tests.support import shared_file
from vessel_risk.common import columns as c
from vessel_risk.ingest.ais import AisTables, IngestParams, ingest_ais
from vessel_risk.ingest.csv_exports import BAD_ROW, FORMAT_MISMATCH

MC_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)
DMA_FIXTURE = "dma_2023-02-15_format_fixture.csv"
MC_1000 = "marinecadastre_2023-01-11_1000rows.csv"
MC_SUBSET = "marinecadastre_2022-01-03_subset.csv"
SANCTIONED_IMOS = {9610810: 636015565, 9018464: 374208000}  # IMO: the MMSI it broadcasts with


def mc_row(mmsi: object = 366899260, time: str = "2022-01-03T00:00:03", heading: str = "95",
           imo: str = "IMO9307839", klass: str = "A", lat_lon: str = "34.12723,-119.44421") -> str:
    """One MarineCadastre row; the defaults are a plausible Class A position."""
    return (f"{mmsi},{time},{lat_lon},17.9,51.5,{heading},ISLAND ADVENTURE,{imo},"
            f"WDG9106,60,0,19,7,2.5,60,{klass}")


def write_csv(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("\n".join([MC_HEADER, *lines]) + "\n")
    return path


@cache
def ingested(name: str) -> AisTables:
    """A shared CSV file ingested (once per module run: the tests only read the tables)."""
    return ingest_ais([shared_file("ais", "csv", name)])


@pytest.fixture
def dma() -> AisTables:
    return ingested(DMA_FIXTURE)


@pytest.fixture
def mc_subset() -> AisTables:
    return ingested(MC_SUBSET)


@cache
def raw_rows(name: str) -> pd.DataFrame:
    """The file as text columns, indexed by file line number (header is line 1, no blank lines)."""
    frame = pd.read_csv(shared_file("ais", "csv", name), dtype=str, keep_default_na=False)
    frame.index = frame.index + 2
    return frame


# --- whole files --------------------------------------------------------------------------------

def test_ingest_csv_reads_every_row_of_dma_fixture(dma: AisTables) -> None:
    s = dma.summary
    assert s.balanced, s.as_dict()
    assert (s.lines_read, s.blank_or_comment, s.decoded_sentences) == (10, 1, 9)
    assert len(dma.positions) == 9 and len(dma.quarantine) == 0
    assert dma.positions[c.LINE_NO].tolist() == list(range(2, 11))
    assert (dma.positions[c.TIMESTAMP] == pd.Timestamp("2023-02-15", tz="UTC")).all()


@pytest.mark.parametrize(("name", "rows"), [(MC_1000, 1000), (MC_SUBSET, 7944)])
def test_ingest_csv_reads_every_row_of_marinecadastre_files(name: str, rows: int) -> None:
    result = ingested(name)
    s = result.summary
    assert s.balanced, s.as_dict()
    assert (s.lines_read, s.decoded_sentences, sum(s.quarantined.values())) == (rows + 1, rows, 0)
    assert len(result.positions) == rows and len(result.quarantine) == 0
    assert result.positions[c.LINE_NO].is_unique


def test_ingest_csv_maps_transceiver_class_to_message_types(mc_subset: AisTables) -> None:
    raw = raw_rows(MC_SUBSET)
    types = mc_subset.positions.set_index(c.LINE_NO)[c.MSG_TYPE]
    assert (types[raw.index[raw["TransceiverClass"] == "A"]] == 1).all()
    assert (types[raw.index[raw["TransceiverClass"] == "B"]] == 18).all()
    assert set(mc_subset.statics[c.MSG_TYPE]) == {5, 24}


def test_ingest_csv_turns_dma_base_station_rows_into_type4(dma: AisTables) -> None:
    stations = dma.positions[dma.positions[c.MSG_TYPE] == 4]
    assert sorted(stations[c.MMSI]) == [2190064, 2194006]
    assert stations[[c.SOG_KNOTS, c.COG_DEG, c.HEADING_DEG, c.NAV_STATUS]].isna().all().all()
    assert (dma.positions[c.MSG_TYPE] != 4).sum() == 7


def test_ingest_csv_reads_dma_status_words_as_codes(dma: AisTables) -> None:
    status = dma.positions.set_index(c.LINE_NO)[c.NAV_STATUS]
    assert status[2] == 0  # "Under way using engine"
    assert status[3] == 7  # "Engaged in fishing"
    assert pd.isna(status[4])  # "Unknown value"


def test_ingest_csv_keeps_no_statics_when_dma_rows_carry_none(dma: AisTables) -> None:
    # Every fixture row says IMO "Unknown", ship type "Undefined" and has no name.
    assert len(dma.statics) == 0


# --- not available ------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "column", "raw_column", "sentinels", "at_least"), [
    (MC_SUBSET, c.HEADING_DEG, "Heading", {"511", "511.0"}, 4000),
    (MC_SUBSET, c.COG_DEG, "COG", {"360", "360.0"}, 1000),
    (MC_SUBSET, c.SOG_KNOTS, "SOG", {"102.3"}, 1),
    (MC_1000, c.HEADING_DEG, "Heading", {"511", "511.0"}, 400),
    (MC_1000, c.COG_DEG, "COG", {"360", "360.0"}, 90),
    (MC_1000, c.SOG_KNOTS, "SOG", {"102.3"}, 4),
])
def test_ingest_csv_turns_not_available_values_into_nan(
    name: str, column: str, raw_column: str, sentinels: set[str], at_least: int
) -> None:
    raw = raw_rows(name)[raw_column]
    values = ingested(name).positions.set_index(c.LINE_NO)[column]
    not_available = raw.isin(sentinels) | (raw == "")
    assert not_available.sum() >= at_least
    assert values[raw.index[not_available]].isna().all()
    kept = values[raw.index[~not_available]]
    assert kept.notna().all()
    assert (kept.to_numpy() == raw[~not_available].astype(float).to_numpy()).all()


def test_ingest_csv_turns_zero_imo_into_null(mc_subset: AisTables) -> None:
    raw = raw_rows(MC_SUBSET)
    zero_only = set(raw[c.MMSI.upper()].astype(int)) - set(
        raw.loc[raw["IMO"].str.removeprefix("IMO").str.strip("0") != "", "MMSI"].astype(int)
    )
    assert len(zero_only) > 100
    statics = mc_subset.statics
    assert statics.loc[statics[c.MMSI].isin(zero_only), c.IMO].isna().all()
    assert not (statics[c.IMO] == 0).any()


def test_ingest_csv_reads_imo_prefix_and_keeps_sanctioned_tankers(mc_subset: AisTables) -> None:
    statics = mc_subset.statics.dropna(subset=[c.IMO]).set_index(c.IMO)
    for imo, mmsi in SANCTIONED_IMOS.items():
        assert statics.loc[imo, c.MMSI] == mmsi
    magus = statics.loc[9018464]
    # MAGUS is the name it broadcasts (not the one on the sanctions list); one row: never changes.
    assert (magus[c.NAME], magus[c.CALLSIGN], magus[c.SHIP_TYPE]) == ("MAGUS", "3EUM7", 80)
    assert (magus[c.LENGTH_M], magus[c.BEAM_M], magus[c.DRAUGHT_M]) == (268.0, 46.0, 16.9)
    assert (mc_subset.statics[c.MMSI] == 374208000).sum() == 1
    assert (mc_subset.positions[c.MMSI] == 374208000).sum() == 6


# --- bad rows -----------------------------------------------------------------------------------

def test_ingest_csv_quarantines_unreadable_time_and_mmsi_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    bad_time = mc_row(mmsi=366899261, time="not-a-time")
    bad_mmsi = mc_row(mmsi="abc", time="2022-01-03T00:00:05")
    path = write_csv(tmp_path, [mc_row(), bad_time, bad_mmsi, mc_row(366899262, "2022-01-03T00:01:00")])
    result = ingest_ais([path])
    assert result.summary.balanced
    assert result.positions[c.LINE_NO].tolist() == [2, 5]
    assert result.positions[c.MMSI].tolist() == [366899260, 366899262]
    q = result.quarantine
    assert q[c.LINE_NO].tolist() == [3, 4]
    assert q[c.RAW].tolist() == [bad_time, bad_mmsi]
    assert set(q[c.REASON]) == {BAD_ROW} and set(q[c.SOURCE_FILE]) == {str(path)}
    assert dict(result.summary.quarantined) == {BAD_ROW: 2}


def test_ingest_csv_quarantines_rows_with_wrong_field_count_without_shifting_lines(
    tmp_path: Path,
) -> None:
    too_many = mc_row(366899263, "2022-01-03T00:00:06") + ",EXTRA,MORE"
    too_few = "366899264,2022-01-03T00:00:07,34.1,-119.4,17.9"
    last = mc_row(366899265, "2022-01-03T00:00:08")
    result = ingest_ais([write_csv(tmp_path, [mc_row(), too_many, too_few, "", last])])
    assert result.summary.balanced
    assert dict(zip(result.positions[c.LINE_NO], result.positions[c.MMSI])) == {
        2: 366899260, 6: 366899265,
    }
    assert dict(zip(result.quarantine[c.LINE_NO], result.quarantine[c.RAW])) == {
        3: too_many, 4: too_few,
    }
    assert result.summary.blank_or_comment == 2  # the header and the blank line


def test_ingest_csv_turns_marinecadastre_not_available_heading_and_zero_imo_into_null(
    tmp_path: Path,
) -> None:
    result = ingest_ais([write_csv(tmp_path, [mc_row(heading="511", imo="IMO0000000", klass="B")])])
    (position,) = result.positions.to_dict("records")
    (static,) = result.statics.to_dict("records")
    assert pd.isna(position[c.HEADING_DEG]) and position[c.MSG_TYPE] == 18
    assert pd.isna(static[c.IMO]) and static[c.MSG_TYPE] == 24
    assert (static[c.LENGTH_M], static[c.BEAM_M], static[c.DRAUGHT_M]) == (19.0, 7.0, 2.5)


def test_gzip_export_cut_off_mid_write_keeps_rows_before_the_cut(tmp_path: Path) -> None:
    import gzip

    rows = [mc_row(time=f"2022-01-03T00:{i // 60:02d}:{i % 60:02d}") for i in range(3000)]
    whole = gzip.compress(("\n".join([MC_HEADER, *rows]) + "\n").encode())
    path = tmp_path / "export.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    result = ingest_ais([path])
    assert result.summary.balanced
    assert result.summary.quarantined["file_cut_off"] == 1
    assert len(result.positions) > 500
    cut = result.quarantine[result.quarantine[c.REASON] == "file_cut_off"]
    assert cut[c.LINE_NO].iloc[0] == result.summary.lines_read


def test_ingest_csv_quarantines_every_line_when_forced_format_does_not_fit(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [mc_row(), "", mc_row(mmsi=366899261)])
    tables = ingest_ais([path], IngestParams(format="dma_csv"))
    assert tables.positions.empty and tables.statics.empty
    assert list(tables.quarantine[c.LINE_NO]) == [1, 2, 4]  # header and both rows; blank skipped
    assert set(tables.quarantine[c.REASON]) == {FORMAT_MISMATCH}
    assert tables.quarantine[c.SOURCE_FILE].eq(str(path)).all()
    assert tables.summary.quarantined == {FORMAT_MISMATCH: 3} and tables.summary.balanced


def test_csv_row_with_position_out_of_range_is_quarantined_whole(tmp_path: Path) -> None:
    # MarineCadastre 2023-01-11, its second row with LAT 95.0 instead of 26.09241.
    real = ("636021061,2023-01-11T00:00:00,26.09241,-80.04806,8.8,272.7,270.0,MSC NAISHA III,"
            "IMO9307839,5LCB4,70,8.0,208.0,30.0,8.0,70.0,A")
    broken = real.replace(",26.09241,", ",95.0,")
    result = ingest_ais([write_csv(tmp_path, [mc_row(), broken, mc_row(lat_lon="91,181")])])
    assert result.positions[c.LINE_NO].tolist() == [2, 4]
    assert result.positions[[c.LAT, c.LON]].iloc[1].isna().all()  # "not available": kept, null
    assert 636021061 not in set(result.statics[c.MMSI])
    (row,) = result.quarantine.to_dict("records")
    assert (row[c.LINE_NO], row[c.REASON], row[c.RAW]) == (3, "position_out_of_range", broken)
    assert row[c.TIMESTAMP] == pd.Timestamp("2023-01-11", tz="UTC")
    assert result.summary.balanced and result.summary.quarantined == {"position_out_of_range": 1}
    assert result.summary.positions_not_available == 1
