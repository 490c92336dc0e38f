"""Tests of features.mmsi: MMSI kind, country and validity."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vessel_risk.features import mmsi as m

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
OFAC = DATA / "registry" / "ofac_sdn_vessels_2024-05-03.csv"


def mmsis(*values: int | None) -> pd.Series:
    return pd.Series(list(values), dtype="Int64")


def test_mid_table_covers_the_itu_allocations_with_unique_mids():
    table = m.mid_table()
    assert len(table) >= 280
    assert table.index.is_unique
    assert table.index.str.fullmatch(r"[2-7]\d\d").all()
    assert table["iso2"].str.fullmatch(r"[A-Z]{2}").all()
    assert table.loc["659", "iso2"] == "NA"  # Namibia, not a missing value


@pytest.mark.parametrize(
    ("value", "country"),
    [
        (244123456, "NL"),
        (351234567, "PA"),
        (636015565, "LR"),
        (477123456, "HK"),
        (204123456, "PT"),  # Azores
        (24412345, "NL"),  # 0MID group identity
        (2442000, "NL"),  # 00MID coast station
        (111244123, "NL"),  # SAR aircraft
        (982441234, "NL"),  # craft of a parent ship
        (992446000, "NL"),  # aid to navigation
    ],
)
def test_mmsi_country_reads_the_mid_of_every_format(value, country):
    assert m.mmsi_country(mmsis(value)).iloc[0] == country


def test_mmsi_country_is_na_for_devices_unallocated_mids_and_missing():
    result = m.mmsi_country(mmsis(970123456, 217123456, None, 123456789))
    assert result.isna().all()
    assert result.dtype == "string"


def test_mmsi_country_keeps_the_caller_index_and_does_not_mutate_input():
    values = pd.Series([244123456, 538000001], index=[10, 20], dtype="int64")
    before = values.copy()
    result = m.mmsi_country(values)
    assert result.index.tolist() == [10, 20]
    pd.testing.assert_series_equal(values, before)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (244123456, m.SHIP),
        (24412345, m.GROUP),
        (2442000, m.COAST_STATION),
        (111244123, m.SAR_AIRCRAFT),
        (824412345, m.HANDHELD),
        (982441234, m.CRAFT),
        (992446000, m.ATON),
        (970123456, m.SART),
        (972123456, m.MOB),
        (974123456, m.EPIRB),
        (123456780, m.UNKNOWN),
    ],
)
def test_mmsi_kind_tells_transmitter_formats_apart(value, kind):
    assert m.mmsi_kind(mmsis(value)).iloc[0] == kind


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (244123456, m.VALID),
        (538007123, m.VALID),
        (None, m.MISSING),
        (1_000_000_000, m.NOT_9_DIGITS),
        (-5, m.NOT_9_DIGITS),
        (12345, m.NOT_9_DIGITS),
        (123456789, m.PLACEHOLDER),
        (111111111, m.PLACEHOLDER),
        (0, m.PLACEHOLDER),
        (999999999, m.PLACEHOLDER),
        (1193046, m.PLACEHOLDER),  # 0x123456, a factory default
        (244000000, m.PLACEHOLDER),
        (992446000, m.NOT_A_SHIP),
        (970123456, m.NOT_A_SHIP),
        (2442000, m.NOT_A_SHIP),
        (24412345, m.GROUP_IDENTITY),
        (123456780, m.UNALLOCATED_PREFIX),
        (217123456, m.UNALLOCATED_MID),
        (801123456, m.NOT_A_SHIP),  # handheld, even with a bad MID
    ],
)
def test_mmsi_validity_gives_a_reason_code(value, reason):
    assert m.mmsi_validity(mmsis(value)).iloc[0] == reason


def test_mmsi_validity_handles_plain_int64_and_float_series():
    ints = pd.Series([244123456, 123456789], dtype="int64")
    floats = pd.Series([244123456.0, 2.5], dtype="float64")
    assert m.mmsi_validity(ints).tolist() == [m.VALID, m.PLACEHOLDER]
    assert m.mmsi_validity(floats).tolist() == [m.VALID, m.NOT_9_DIGITS]


def test_every_reason_code_has_text_for_officers():
    codes = {
        m.MISSING,
        m.NOT_9_DIGITS,
        m.PLACEHOLDER,
        m.NOT_A_SHIP,
        m.GROUP_IDENTITY,
        m.UNALLOCATED_PREFIX,
        m.UNALLOCATED_MID,
    }
    assert codes <= set(m.REASON_TEXT)


def test_country_name_and_sovereign_lookups():
    codes = pd.Series(["PA", "HK", "XX", None], dtype="string")
    assert m.country_name(codes).tolist()[:2] == ["Panama", "Hong Kong"]
    assert m.country_name(codes).iloc[2:].isna().all()
    assert m.sovereign_iso2(codes).tolist()[:3] == ["PA", "CN", "XX"]


@pytest.mark.skipif(not OFAC.is_file(), reason=f"real OFAC sample absent: {OFAC}")
def test_real_sanctioned_vessel_mmsis_are_valid_ship_mmsis_with_countries():
    ofac = pd.read_csv(OFAC, dtype=str, keep_default_na=False)
    real = pd.to_numeric(ofac.loc[ofac["mmsi"] != "", "mmsi"]).astype("int64")
    assert len(real) > 100
    assert (m.mmsi_validity(real) == m.VALID).all()
    assert m.mmsi_country(real).notna().all()
    viktor_bakaev = real.loc[ofac["name"] == "VIKTOR BAKAEV"]
    assert m.mmsi_country(viktor_bakaev).tolist() == ["LR"]
