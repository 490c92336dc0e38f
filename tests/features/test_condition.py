"""Tests of features.condition: registry condition features per linked MMSI."""

from __future__ import annotations

from datetime import date
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd
import pytest

from vessel_risk.common import columns as c
from vessel_risk.common.errors import DetectionError
from vessel_risk.features.catalog import (
    AGE_YEARS,
    DAYS_SINCE_LAST_INSPECTION,
    DEFICIENCIES_36M,
    DETENTIONS_36M,
    FLAG_CHANGES_36M,
    FLAG_RISK,
    INSPECTIONS_36M,
    NAME_CHANGES_36M,
    OWNER_CHANGES_36M,
    REGISTRY_MATCH,
    SHIP_TYPE_GROUP,
    UNCLASSED,
)
from vessel_risk.features.condition import (
    CONDITION_COLUMNS,
    SHIP_TYPE_CARGO,
    SHIP_TYPE_FISHING,
    SHIP_TYPE_OTHER,
    SHIP_TYPE_PASSENGER,
    SHIP_TYPE_TANKER,
    SHIP_TYPE_TUG_SERVICE,
    ConditionParams,
    condition_features,
    flag_risk,
    ship_type_group,
)
from vessel_risk.ingest.registry import Registry

AS_OF = date(2024, 1, 1)
OLD_TANKER, NEW_BULKER, UNKNOWN_SHIP = 9187629, 9074729, 9176187


def utc(day: str) -> pd.Timestamp:
    return pd.Timestamp(day, tz="UTC")


def links() -> pd.DataFrame:
    """Three MMSIs: an old unclassed tanker, a classed bulker, and a vessel not in the registry."""
    return pd.DataFrame(
        {
            c.MMSI: pd.Series([572469210, 244123456, 538000001], dtype="int64"),
            c.IMO: pd.Series([OLD_TANKER, NEW_BULKER, UNKNOWN_SHIP], dtype="Int64"),
        }
    )


def vessels() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.IMO: pd.Series([OLD_TANKER, NEW_BULKER], dtype="Int64"),
            c.MMSI: pd.Series([572469210, 244123456], dtype="Int64"),
            c.NAME: pd.Series(["ARTAVIL", "NORDIC"], dtype="string"),
            c.CALLSIGN: pd.Series([None, None], dtype="string"),
            c.FLAG: pd.Series(["CM", "NL"], dtype="string"),
            c.SHIP_TYPE: pd.Series(["Crude Oil Tanker", "Bulk Carrier"], dtype="string"),
            c.BUILD_YEAR: pd.Series([1999, 2010], dtype="Int64"),
            c.GROSS_TONNAGE: [56068.0, 1000.0],
            c.LENGTH_M: [274.2, 100.0],
            c.CLASS_SOCIETY: pd.Series([None, "DNV"], dtype="string"),
            c.OWNER: pd.Series([None, None], dtype="string"),
        }
    )


def inspections(*rows: tuple[int, str, int, bool]) -> pd.DataFrame:
    imo, day, deficiencies, detained = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            c.IMO: pd.Series(imo, dtype="Int64"),
            c.DATE: pd.Series([utc(d) for d in day]).astype("datetime64[us, UTC]"),
            c.PORT: pd.Series(["Rotterdam"] * len(imo), dtype="string"),
            c.DEFICIENCIES: pd.Series(deficiencies, dtype="Int64"),
            c.DETAINED: pd.Series(detained, dtype="bool"),
        }
    )


def history(*rows: tuple[int, str, str]) -> pd.DataFrame:
    imo, day, field = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            c.IMO: pd.Series(imo, dtype="Int64"),
            c.DATE: pd.Series([utc(d) for d in day]).astype("datetime64[us, UTC]"),
            c.FIELD: pd.Series(field, dtype="string"),
            c.OLD_VALUE: pd.Series([None] * len(imo), dtype="string"),
            c.NEW_VALUE: pd.Series([None] * len(imo), dtype="string"),
        }
    )


def by_mmsi(features: pd.DataFrame) -> pd.DataFrame:
    return features.set_index(c.MMSI)


def test_condition_features_describes_registered_vessels_as_float64():
    out = condition_features(links(), Registry(vessels=vessels()), AS_OF)

    assert list(out.columns) == CONDITION_COLUMNS
    assert out[c.MMSI].dtype == "int64"
    assert (out.drop(columns=[c.MMSI]).dtypes == "float64").all()
    tanker = by_mmsi(out).loc[572469210]
    assert tanker[REGISTRY_MATCH] == 1.0
    assert tanker[AGE_YEARS] == 25.0
    assert tanker[c.GROSS_TONNAGE] == 56068.0 and tanker[c.LENGTH_M] == 274.2
    assert tanker[SHIP_TYPE_GROUP] == SHIP_TYPE_TANKER
    assert tanker[FLAG_RISK] == 2.0  # Cameroon: black list
    assert tanker[UNCLASSED] == 1.0
    bulker = by_mmsi(out).loc[244123456]
    assert (bulker[SHIP_TYPE_GROUP], bulker[FLAG_RISK], bulker[UNCLASSED]) == (
        SHIP_TYPE_CARGO,
        0.0,
        0.0,
    )


def test_condition_features_are_nan_for_a_vessel_not_in_the_registry():
    out = by_mmsi(condition_features(links(), Registry(vessels=vessels()), AS_OF)).loc[538000001]
    assert out[REGISTRY_MATCH] == 0.0
    assert out.drop(REGISTRY_MATCH).isna().all()


def test_condition_features_are_all_nan_without_a_registry():
    out = condition_features(links(), None, AS_OF)
    assert len(out) == 3
    assert out.drop(columns=[c.MMSI]).isna().all().all()


def test_condition_features_leave_inspection_and_history_nan_when_their_files_are_absent():
    out = by_mmsi(condition_features(links(), Registry(vessels=vessels()), AS_OF)).loc[244123456]
    assert (
        out[
            [
                INSPECTIONS_36M,
                DEFICIENCIES_36M,
                DETENTIONS_36M,
                DAYS_SINCE_LAST_INSPECTION,
                NAME_CHANGES_36M,
                FLAG_CHANGES_36M,
                OWNER_CHANGES_36M,
            ]
        ]
        .isna()
        .all()
    )


def test_condition_features_count_inspections_in_window_and_never_after_as_of():
    registry = Registry(
        vessels=vessels(),
        inspections=inspections(
            (OLD_TANKER, "2023-01-05", 5, True),
            (OLD_TANKER, "2024-01-01", 2, False),  # on as_of: used
            (OLD_TANKER, "2020-06-01", 7, True),  # older than 36 months
            (OLD_TANKER, "2024-06-05", 9, True),  # after as_of: look-ahead, ignored
        ),
    )
    out = by_mmsi(condition_features(links(), registry, AS_OF))

    tanker = out.loc[572469210]
    assert (tanker[INSPECTIONS_36M], tanker[DEFICIENCIES_36M], tanker[DETENTIONS_36M]) == (
        2.0,
        7.0,
        1.0,
    )
    assert tanker[DAYS_SINCE_LAST_INSPECTION] == 0.0
    bulker = out.loc[244123456]  # registered, never inspected
    assert (bulker[INSPECTIONS_36M], bulker[DEFICIENCIES_36M], bulker[DETENTIONS_36M]) == (
        0.0,
        0.0,
        0.0,
    )
    assert np.isnan(bulker[DAYS_SINCE_LAST_INSPECTION])


def test_condition_features_window_is_a_parameter_in_months():
    registry = Registry(
        vessels=vessels(), inspections=inspections((OLD_TANKER, "2022-06-01", 3, False))
    )
    wide = by_mmsi(condition_features(links(), registry, AS_OF)).loc[572469210]
    narrow = by_mmsi(condition_features(links(), registry, AS_OF, ConditionParams(12))).loc[
        572469210
    ]
    assert wide[INSPECTIONS_36M] == 1.0 and narrow[INSPECTIONS_36M] == 0.0
    assert narrow[DAYS_SINCE_LAST_INSPECTION] == 579.0  # last inspection, whatever the window


def test_condition_features_count_name_flag_and_owner_changes_before_as_of():
    registry = Registry(
        vessels=vessels(),
        history=history(
            (OLD_TANKER, "2023-01-05", "name"),
            (OLD_TANKER, "2023-02-05", "flag"),
            (OLD_TANKER, "2023-03-05", "flag"),
            (OLD_TANKER, "2023-04-05", "callsign"),
            (OLD_TANKER, "2024-02-01", "owner"),  # after as_of
        ),
    )
    out = by_mmsi(condition_features(links(), registry, AS_OF))
    tanker = out.loc[572469210]
    assert (tanker[NAME_CHANGES_36M], tanker[FLAG_CHANGES_36M], tanker[OWNER_CHANGES_36M]) == (
        1.0,
        2.0,
        0.0,
    )
    assert out.loc[244123456, [NAME_CHANGES_36M, FLAG_CHANGES_36M]].tolist() == [0.0, 0.0]


def test_condition_features_age_is_unknown_for_a_ship_built_after_as_of():
    ships = vessels()
    ships.loc[1, c.BUILD_YEAR] = 2099
    out = by_mmsi(condition_features(links(), Registry(vessels=ships), AS_OF))
    assert np.isnan(out.loc[244123456, AGE_YEARS])
    assert out.loc[572469210, AGE_YEARS] == 25.0


def test_condition_features_age_is_zero_for_a_ship_built_in_the_screening_year():
    ships = vessels()
    ships.loc[1, c.BUILD_YEAR] = AS_OF.year
    out = by_mmsi(condition_features(links(), Registry(vessels=ships), AS_OF))
    assert out.loc[244123456, AGE_YEARS] == 0.0


def test_condition_features_come_from_the_mmsi_for_a_vessel_without_imo():
    ships = vessels()
    ships.loc[1, c.IMO] = pd.NA
    ships.loc[1, c.SHIP_TYPE] = "Fishing"
    no_imo = links().assign(**{c.IMO: pd.Series([OLD_TANKER, pd.NA, pd.NA], dtype="Int64")})
    registry = Registry(vessels=ships, inspections=inspections((OLD_TANKER, "2023-05-01", 3, True)))
    out = by_mmsi(condition_features(no_imo, registry, AS_OF))

    assert out.loc[244123456, REGISTRY_MATCH] == 1.0
    assert out.loc[244123456, SHIP_TYPE_GROUP] == SHIP_TYPE_FISHING
    assert out.loc[244123456, AGE_YEARS] == 14.0
    assert np.isnan(out.loc[244123456, INSPECTIONS_36M])  # inspections are keyed by IMO
    assert out.loc[572469210, INSPECTIONS_36M] == 1.0
    assert out.loc[538000001, REGISTRY_MATCH] == 0.0


def test_condition_features_do_not_mutate_inputs():
    links_in, ships = links(), vessels()
    before_links, before_ships = links_in.copy(), ships.copy()
    condition_features(links_in, Registry(vessels=ships), AS_OF)
    pd.testing.assert_frame_equal(links_in, before_links)
    pd.testing.assert_frame_equal(ships, before_ships)


def test_condition_features_raise_naming_missing_link_column():
    with pytest.raises(DetectionError, match="imo"):
        condition_features(links().drop(columns=[c.IMO]), None, AS_OF)


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("LNG Carrier", SHIP_TYPE_TANKER),
        ("Oil/Chemical Tanker", SHIP_TYPE_TANKER),
        ("Passenger/Ro-Ro Cargo Ship", SHIP_TYPE_PASSENGER),
        ("Fishing vessel", SHIP_TYPE_FISHING),
        ("Offshore Supply Ship", SHIP_TYPE_TUG_SERVICE),
        ("Tug", SHIP_TYPE_TUG_SERVICE),
        ("Container Ship", SHIP_TYPE_CARGO),
        ("General Cargo", SHIP_TYPE_CARGO),
        ("Yacht", SHIP_TYPE_OTHER),
        ("70", SHIP_TYPE_CARGO),  # AIS code
        ("84", SHIP_TYPE_TANKER),
        ("52", SHIP_TYPE_TUG_SERVICE),
        ("37", SHIP_TYPE_OTHER),
    ],
)
def test_ship_type_group_maps_registry_text_and_ais_codes(text, group):
    assert ship_type_group(pd.Series([text], dtype="string")).iloc[0] == group


def test_ship_type_group_is_nan_when_type_unknown():
    assert np.isnan(ship_type_group(pd.Series([None], dtype="string")).iloc[0])


def test_flag_risk_reads_paris_mou_lists_and_is_nan_for_unlisted_flags():
    # 2024 lists: the Netherlands white, Panama grey, Palau black; Tuvalu on no list.
    result = flag_risk(pd.Series(["NL", "PA", "PW", "TV", "XX", None], dtype="string"))
    assert result.iloc[:3].tolist() == [0.0, 1.0, 2.0]
    assert result.iloc[3:].isna().all()


def test_flag_table_is_the_whole_2024_paris_mou_list_and_every_row_is_checked():
    path = resources.files("vessel_risk.features").joinpath("reference/flag_risk.csv")
    table = pd.read_csv(StringIO(path.read_text("utf-8")), dtype=str, keep_default_na=False)
    assert list(table.columns) == ["iso2", "paris_mou_list", "list_year", "checked", "note"]
    assert table["iso2"].is_unique
    assert table["paris_mou_list"].value_counts().to_dict() == {"white": 40, "grey": 17, "black": 12}
    assert set(table["list_year"]) == {"2024"}
    assert set(table["checked"]) == {"2024"}


def test_condition_features_are_unknown_with_an_empty_vessels_file():
    empty = Registry(vessels=vessels().iloc[0:0])
    out = condition_features(links(), empty, AS_OF)
    assert out[CONDITION_COLUMNS[1:]].isna().all().all()
