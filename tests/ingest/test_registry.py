"""Tests of ingest.registry: reading, validating and typing the registry folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vessel_risk.common import columns as c
from vessel_risk.common.errors import RegistryError
from vessel_risk.ingest.registry import (
    Registry,
    build_year_warnings,
    imo_check_digit_ok,
    read_registry,
    read_registry_or_none,
)

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
OFAC = DATA / "registry" / "ofac_sdn_vessels_2024-05-03.csv"

VESSEL_HEADER = ",".join(c.VESSELS_COLUMNS)
GOOD_VESSEL = "9074729,244123456,NORDIC STAR,PD1234,NL,Bulk carrier,2005,30000,190.5,DNV,Acme BV"
UNCLASSED_VESSEL = "9187629,572469210,ARTAVIL,T2EU4,TV,Crude oil tanker,1999,56068,274,,"


def write_registry(folder: Path, **files: list[str]) -> Path:
    """Write ``name=[header, row, ...]`` as ``name.csv`` files; vessels default to two good rows."""
    files.setdefault("vessels", [VESSEL_HEADER, GOOD_VESSEL, UNCLASSED_VESSEL])
    for name, lines in files.items():
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def error_of(folder: Path) -> RegistryError:
    with pytest.raises(RegistryError) as info:
        read_registry(folder)
    return info.value


def test_read_registry_returns_typed_vessels_and_none_for_absent_optional_files(tmp_path):
    registry = read_registry(write_registry(tmp_path))

    assert isinstance(registry, Registry)
    assert registry.inspections is None and registry.history is None
    assert registry.watchlist is None
    vessels = registry.vessels
    assert list(vessels.columns) == c.VESSELS_COLUMNS
    assert vessels[c.IMO].dtype == "Int64" and vessels[c.MMSI].dtype == "Int64"
    assert vessels[c.BUILD_YEAR].tolist() == [2005, 1999]
    assert vessels[c.LENGTH_M].dtype == "float64"
    assert vessels[c.NAME].dtype == "string"
    assert vessels[c.CLASS_SOCIETY].isna().tolist() == [False, True]


def test_read_registry_types_inspections_history_and_watchlist(tmp_path):
    folder = write_registry(
        tmp_path,
        inspections=[
            "imo,date,port,deficiencies,detained",
            "9074729,2023-05-01,Rotterdam,4,TRUE",
            "9074729,2022-01-31,Hamburg,0,0",
        ],
        history=["imo,date,field,old_value,new_value", "9187629,2021-03-02,name,ALPHA,ARTAVIL"],
        watchlist=["imo,mmsi,list_name,reason", "9187629,,OFAC SDN,Iran", ",636015565,EU,"],
    )
    registry = read_registry(folder)

    inspections = registry.inspections
    assert inspections[c.DATE].dtype == "datetime64[us, UTC]"
    assert inspections[c.DATE].iloc[0] == pd.Timestamp("2023-05-01", tz="UTC")
    assert inspections[c.DETAINED].tolist() == [True, False]
    assert inspections[c.DEFICIENCIES].dtype == "Int64"
    assert registry.history[c.FIELD].tolist() == ["name"]
    watch = registry.watchlist
    assert watch[c.IMO].isna().tolist() == [False, True]
    assert watch[c.MMSI].iloc[1] == 636015565
    assert pd.isna(watch[c.REASON].iloc[1])


def test_read_registry_ignores_extra_columns_and_blank_lines(tmp_path):
    folder = write_registry(
        tmp_path, vessels=[VESSEL_HEADER + ",note", GOOD_VESSEL + ",x", "", UNCLASSED_VESSEL + ","]
    )
    vessels = read_registry(folder).vessels

    assert list(vessels.columns) == c.VESSELS_COLUMNS
    assert len(vessels) == 2


def test_read_registry_raises_when_folder_missing(tmp_path):
    error = error_of(tmp_path / "nowhere")
    assert "nowhere" in str(error)


def test_read_registry_raises_naming_the_missing_vessels_file(tmp_path):
    error = error_of(tmp_path)
    assert error.file == "vessels.csv"
    assert "not found" in str(error)


def test_read_registry_raises_naming_a_missing_required_column(tmp_path):
    header = VESSEL_HEADER.replace(",flag", "")
    row = GOOD_VESSEL.replace(",NL", "")
    error = error_of(write_registry(tmp_path, vessels=[header, row]))
    assert error.file == "vessels.csv" and error.column == c.FLAG
    assert "flag" in str(error)


def test_read_registry_reports_first_failure_row_column_and_count_of_others(tmp_path):
    bad_flag = GOOD_VESSEL.replace(",NL,", ",nl,")
    bad_year = UNCLASSED_VESSEL.replace(",1999,", ",1850,")
    error = error_of(
        write_registry(
            tmp_path,
            vessels=[
                VESSEL_HEADER,
                GOOD_VESSEL.replace("9074729,244123456", "9176187,244123457"),
                bad_flag,
                bad_year.replace(",274,", ",-3,"),
            ],
        )
    )

    assert (error.file, error.row, error.column) == ("vessels.csv", 3, c.FLAG)
    assert "'nl'" in str(error)
    assert "2 more failure(s)" in str(error)


@pytest.mark.parametrize(
    ("file", "lines", "column", "words"),
    [
        (
            "vessels",
            [VESSEL_HEADER, GOOD_VESSEL.replace("9074729", "9074728")],
            c.IMO,
            "check digit",
        ),
        ("vessels", [VESSEL_HEADER, GOOD_VESSEL.replace("9074729", "907472")], c.IMO, "7 digits"),
        (
            "vessels",
            [VESSEL_HEADER, GOOD_VESSEL.replace("244123456", "24412345")],
            c.MMSI,
            "9 digits",
        ),
        ("vessels", [VESSEL_HEADER, GOOD_VESSEL.replace(",2005,", ",2101,")], c.BUILD_YEAR, "year"),
        (
            "vessels",
            [VESSEL_HEADER, GOOD_VESSEL.replace(",30000,", ",lots,")],
            c.GROSS_TONNAGE,
            "non-negative",
        ),
        (
            "vessels",
            [VESSEL_HEADER, GOOD_VESSEL, GOOD_VESSEL.replace("244123456", "244123457")],
            c.IMO,
            "unique",
        ),
        (
            "inspections",
            ["imo,date,port,deficiencies,detained", "9074729,01/05/2023,X,1,0"],
            c.DATE,
            "YYYY-MM-DD",
        ),
        (
            "inspections",
            ["imo,date,port,deficiencies,detained", "9074729,2023-02-30,X,1,0"],
            c.DATE,
            "YYYY-MM-DD",
        ),
        (
            "inspections",
            ["imo,date,port,deficiencies,detained", "9074729,2023-02-03,X,1,maybe"],
            c.DETAINED,
            "true or false",
        ),
        (
            "inspections",
            ["imo,date,port,deficiencies,detained", "9074729,2023-02-03,X,-1,0"],
            c.DEFICIENCIES,
            "non-negative",
        ),
        (
            "inspections",
            ["imo,date,port,deficiencies,detained", ",2023-02-03,X,1,0"],
            c.IMO,
            "empty",
        ),
        (
            "history",
            ["imo,date,field,old_value,new_value", "9074729,2023-02-03,colour,red,blue"],
            c.FIELD,
            "one of",
        ),
        (
            "vessels",
            [VESSEL_HEADER, GOOD_VESSEL, ",,NO NUMBER,,NL,Fishing,2005,,,,"],
            c.IMO,
            "both empty",
        ),
        (
            "vessels",
            [VESSEL_HEADER, ",244123456,A,,NL,Fishing,,,,,", ",244123456,B,,NL,Fishing,,,,,"],
            c.MMSI,
            "unique",
        ),
    ],
)
def test_read_registry_rejects_a_contract_break_naming_file_row_and_column(
    tmp_path, file, lines, column, words
):
    error = error_of(write_registry(tmp_path, **{file: lines}))

    assert error.file == f"{file}.csv"
    assert error.column == column
    assert error.row in (2, 3)
    assert words in str(error)


def test_read_registry_does_not_coerce_a_bad_value_silently(tmp_path):
    error = error_of(
        write_registry(
            tmp_path, vessels=[VESSEL_HEADER, GOOD_VESSEL.replace("244123456", "2.44e8")]
        )
    )
    assert error.column == c.MMSI and "2.44e8" in str(error)


def test_read_registry_or_none_gives_none_without_a_folder(tmp_path):
    assert read_registry_or_none(None) is None
    assert read_registry_or_none(write_registry(tmp_path)) is not None


def test_imo_check_digit_ok_accepts_valid_and_rejects_wrong_numbers():
    imos = pd.Series(["9074729", "9187629", "9074728", "123", None, "9O74729"], dtype="string")
    result = imo_check_digit_ok(imos)
    assert result.tolist()[:4] == [True, True, False, False]
    assert pd.isna(result.iloc[4])
    assert result.iloc[5] == False  # noqa: E712 (pandas boolean, not identity)


def _ofac_watchlist(tmp_path: Path) -> tuple[Path, int]:
    """The real OFAC SDN vessels as watchlist.csv, converted as ../shared/hooks/before-stop does
    (imo, mmsi, list_name, reason); returns the folder and how many rows lack both numbers."""
    sdn = pd.read_csv(OFAC)
    rows = pd.DataFrame(
        {
            c.IMO: sdn.imo.astype("Int64"),
            c.MMSI: sdn.mmsi.astype("Int64"),
            c.LIST_NAME: "OFAC SDN",
            c.REASON: "sanctions programme " + sdn.programs.astype(str),
        }
    )
    rows.to_csv(tmp_path / "watchlist.csv", index=False)
    write_registry(tmp_path)
    return tmp_path, int((rows[c.IMO].isna() & rows[c.MMSI].isna()).sum())


@pytest.mark.skipif(not OFAC.is_file(), reason=f"real OFAC sample absent: {OFAC}")
def test_read_registry_reads_the_real_ofac_list_as_published_and_warns_of_rows_without_ids(
    tmp_path,
):
    folder, without_ids = _ofac_watchlist(tmp_path)
    registry = read_registry(folder)

    assert without_ids == 6
    assert len(registry.watchlist) == 851 - without_ids
    assert {9610810, 9018464} <= set(registry.watchlist[c.IMO].dropna())
    (warning,) = registry.warnings
    assert "watchlist.csv" in warning and f"skipped {without_ids} row(s)" in warning


def test_read_registry_skips_watchlist_rows_without_identifier_naming_file_and_rows(tmp_path):
    folder = write_registry(
        tmp_path,
        watchlist=[
            "imo,mmsi,list_name,reason,name,callsign",
            "9187629,,OFAC SDN,Iran,,",
            ",,OFAC SDN,Cuba,MAR AZUL,",
            ",,OFAC SDN,Cuba,TIFON,CL2059",
            ",,OFAC SDN,Cuba,,",
        ],
    )
    registry = read_registry(folder)

    assert registry.watchlist[c.NAME].tolist()[1] == "TIFON"
    assert len(registry.watchlist) == 2
    (warning,) = registry.warnings
    assert "watchlist.csv: skipped 2 row(s)" in warning
    assert "rows 3 (MAR AZUL), 5" in warning


def test_read_registry_reads_an_empty_optional_file_as_absent_with_a_warning(tmp_path):
    write_registry(tmp_path)
    (tmp_path / "watchlist.csv").write_bytes(b"")
    registry = read_registry(tmp_path)

    assert registry.watchlist is None
    assert registry.warnings == ("watchlist.csv is empty (0 bytes): read as absent",)


def test_read_registry_rejects_an_empty_vessels_file_naming_it(tmp_path):
    write_registry(tmp_path, vessels=[])
    (tmp_path / "vessels.csv").write_bytes(b"")
    error = error_of(tmp_path)
    assert error.file == "vessels.csv" and "empty" in str(error)


def test_read_registry_keys_a_vessel_without_imo_by_its_mmsi(tmp_path):
    fishing = ",257123450,KRILL,LM1234,NO,Fishing,1998,,21.5,,"
    small = ",257123451,SMALL,,NO,Pleasure craft,,,,,"
    vessels = read_registry(
        write_registry(tmp_path, vessels=[VESSEL_HEADER, GOOD_VESSEL, fishing, small])
    ).vessels

    assert vessels[c.IMO].isna().tolist() == [False, True, True]
    assert vessels[c.MMSI].tolist() == [244123456, 257123450, 257123451]


def test_read_registry_names_row_and_column_of_a_ragged_row(tmp_path):
    error = error_of(
        write_registry(tmp_path, vessels=[VESSEL_HEADER, GOOD_VESSEL, UNCLASSED_VESSEL + ",extra"])
    )
    assert (error.file, error.row) == ("vessels.csv", 3)
    assert "12 fields where the header has 11" in str(error)
    assert "Error tokenizing" not in str(error)


def test_read_registry_names_row_and_column_of_a_byte_that_is_not_utf8(tmp_path):
    write_registry(tmp_path)
    latin1 = (VESSEL_HEADER + "\n" + GOOD_VESSEL + "\n" + UNCLASSED_VESSEL.replace(
        "ARTAVIL", "ARTÉVIL") + "\n").encode("latin-1")
    (tmp_path / "vessels.csv").write_bytes(latin1)
    error = error_of(tmp_path)

    assert (error.file, error.row, error.column) == ("vessels.csv", 3, c.NAME)
    assert "0xc9" in str(error) and "UTF-8" in str(error)
    assert "codec" not in str(error)


def test_build_year_warnings_name_the_rows_built_after_the_screening_year(tmp_path):
    future = GOOD_VESSEL.replace(",2005,", ",2099,")
    registry = read_registry(write_registry(tmp_path, vessels=[VESSEL_HEADER, UNCLASSED_VESSEL,
                                                               future]))

    (warning,) = build_year_warnings(registry, 2026)
    assert "vessels.csv, column 'build_year'" in warning
    assert "rows 3 (2099)" in warning and "age is unknown" in warning
    assert build_year_warnings(registry, 2100) == []


def test_read_registry_reads_a_header_only_vessels_file_as_an_empty_typed_table(tmp_path):
    vessels = read_registry(write_registry(tmp_path, vessels=[VESSEL_HEADER])).vessels
    assert vessels.empty
    assert vessels[c.IMO].dtype == "Int64" and vessels[c.NAME].dtype == "string"


