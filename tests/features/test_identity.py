"""Tests of features.identity: linking MMSIs to the registry and the identity detectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vessel_risk.common import columns as c
from vessel_risk.common.errors import DetectionError
from vessel_risk.features.identity import (
    LINK_BROADCAST_IMO,
    LINK_NONE,
    LINK_REGISTRY_MMSI,
    FlagMismatchParams,
    IdentityChangeParams,
    InvalidMmsiParams,
    detect_flag_mismatch,
    detect_identity_changes,
    detect_invalid_mmsi,
    detect_watchlist_hits,
    link_vessels,
    linked_registry,
    mmsis_seen,
)

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
CADASTRE = DATA / "ais" / "csv" / "marinecadastre_2022-01-03_subset.csv"
OFAC = DATA / "registry" / "ofac_sdn_vessels_2024-05-03.csv"
DAY = pd.Timestamp("2024-03-01", tz="UTC")


# --- scenario builders ----------------------------------------------------------------------------


def statics(*reports: tuple[int, float, str | None, int | None, str | None]) -> pd.DataFrame:
    """Static reports ``(mmsi, hour, name, imo, callsign)``."""
    mmsi, hour, name, imo, callsign = zip(*reports, strict=True)
    return pd.DataFrame(
        {
            c.MMSI: pd.Series(mmsi, dtype="int64"),
            c.TIMESTAMP: [DAY + pd.Timedelta(hours=h) for h in hour],
            c.IMO: pd.Series(imo, dtype="Int64"),
            c.NAME: pd.Series(name, dtype="string"),
            c.CALLSIGN: pd.Series(callsign, dtype="string"),
        }
    )


def track(mmsi: int, hours: list[float], lat: float = 55.0, lon: float = 5.0) -> pd.DataFrame:
    """Positions of one vessel drifting north, one per hour given."""
    return pd.DataFrame(
        {
            c.MMSI: pd.Series([mmsi] * len(hours), dtype="int64"),
            c.TIMESTAMP: [DAY + pd.Timedelta(hours=h) for h in hours],
            c.LAT: [lat + 0.01 * i for i in range(len(hours))],
            c.LON: [lon] * len(hours),
        }
    )


def seen_of(*mmsis: int) -> pd.DataFrame:
    return mmsis_seen(pd.concat([track(x, [1.0, 5.0]) for x in mmsis], ignore_index=True))


def vessels(*rows: tuple[int, int | None, str | None]) -> pd.DataFrame:
    """Registry vessels ``(imo, mmsi, flag)``."""
    imo, mmsi, flag = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            c.IMO: pd.Series(imo, dtype="Int64"),
            c.MMSI: pd.Series(mmsi, dtype="Int64"),
            c.FLAG: pd.Series(flag, dtype="string"),
        }
    )


def links_of(*pairs: tuple[int, int | None]) -> pd.DataFrame:
    mmsi, imo = zip(*pairs, strict=True)
    return pd.DataFrame(
        {c.MMSI: pd.Series(mmsi, dtype="int64"), c.IMO: pd.Series(imo, dtype="Int64")}
    )


def watchlist(*rows: tuple[int | None, int | None, str, str | None]) -> pd.DataFrame:
    imo, mmsi, name, reason = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            c.IMO: pd.Series(imo, dtype="Int64"),
            c.MMSI: pd.Series(mmsi, dtype="Int64"),
            c.LIST_NAME: pd.Series(name, dtype="string"),
            c.REASON: pd.Series(reason, dtype="string"),
        }
    )


# --- mmsis_seen -------------------------------------------------------------------------------


def test_mmsis_seen_spans_positions_and_statics_and_keeps_last_valid_position():
    positions = track(244123456, [2.0, 3.0, 4.0])
    positions.loc[2, [c.LAT, c.LON]] = np.nan
    seen = mmsis_seen(positions, statics((244123456, 6.0, "A", None, None)))

    row = seen.iloc[0]
    assert row[c.FIRST_SEEN] == DAY + pd.Timedelta(hours=2)
    assert row[c.LAST_SEEN] == DAY + pd.Timedelta(hours=6)
    assert (row[c.LAST_LAT], row[c.LAST_LON]) == (pytest.approx(55.01), 5.0)


def test_mmsis_seen_takes_the_last_given_fix_of_the_latest_time_whatever_the_row_order():
    later_first = track(244123456, [5.0, 1.0, 5.0, 3.0], lat=60.0)  # two fixes at hour 5
    other = track(211000001, [4.0, 2.0], lat=40.0)
    seen = mmsis_seen(pd.concat([later_first, other], ignore_index=True))

    assert seen[c.MMSI].tolist() == [211000001, 244123456]  # in MMSI order
    assert seen[c.LAST_LAT].tolist() == [pytest.approx(40.0), pytest.approx(60.02)]
    assert seen[c.FIRST_SEEN].tolist() == [DAY + pd.Timedelta(hours=2),
                                           DAY + pd.Timedelta(hours=1)]


def test_mmsis_seen_gives_no_last_position_to_a_vessel_without_one():
    positions = track(244123456, [1.0, 2.0])
    positions[[c.LAT, c.LON]] = np.nan

    row = mmsis_seen(positions).iloc[0]
    assert row[c.LAST_SEEN] == DAY + pd.Timedelta(hours=2)
    assert np.isnan(row[c.LAST_LAT]) and np.isnan(row[c.LAST_LON])


def test_mmsis_seen_raises_naming_missing_column():
    with pytest.raises(DetectionError, match="lat"):
        mmsis_seen(track(244123456, [1.0]).drop(columns=[c.LAT]))


# --- detect_identity_changes ----------------------------------------------------------------------


def test_detect_identity_changes_starts_when_the_change_is_heard_and_ends_with_the_last_value():
    found = detect_identity_changes(
        statics(
            (244123456, 1.0, "NORDIC STAR", 9123456, "PD12"),
            (244123456, 7.0, "NORD STAR", 9234567, "pd12"),
            (244123456, 9.0, "NORD STAR", None, None),
        )
    )

    assert len(found) == 1
    event = found.iloc[0]
    assert event[c.EVENT_TYPE] == c.IDENTITY_CHANGE and event[c.MMSI] == 244123456
    assert event[c.DETAIL] == "name: NORDIC STAR -> NORD STAR; IMO 9123456 -> 9234567"
    assert event[c.START] == DAY + pd.Timedelta(hours=7)  # NORD STAR first heard: the change
    assert event[c.END] == DAY + pd.Timedelta(hours=9)


def test_detect_identity_changes_ignores_case_whitespace_and_missing_values():
    found = detect_identity_changes(
        statics(
            (244123456, 1.0, "Nordic  Star ", 9123456, None),
            (244123456, 2.0, "NORDIC STAR", None, "PD12"),
            (538000001, 3.0, None, None, None),
        )
    )
    assert found.empty
    assert list(found.columns) == c.EVENT_COLUMNS


def test_detect_identity_changes_reports_call_sign_change_per_vessel():
    found = detect_identity_changes(
        statics(
            (244123456, 1.0, "A", None, "PD12"),
            (244123456, 2.0, "A", None, "PD13"),
            (538000001, 3.0, "B", None, "V7A"),
        )
    )
    assert found[c.MMSI].tolist() == [244123456]
    assert found[c.DETAIL].iloc[0] == "call sign: PD12 -> PD13"


def test_detect_identity_changes_can_ignore_one_off_values():
    reports = statics(
        (244123456, 1.0, "A", None, None),
        (244123456, 2.0, "A", None, None),
        (244123456, 3.0, "B", None, None),
    )
    assert len(detect_identity_changes(reports)) == 1
    assert detect_identity_changes(reports, IdentityChangeParams(min_reports_per_value=2)).empty


def test_detect_identity_changes_does_not_mutate_its_input():
    reports = statics((244123456, 1.0, "a b", 1234567, None), (244123456, 2.0, "C", None, None))
    before = reports.copy()
    detect_identity_changes(reports)
    pd.testing.assert_frame_equal(reports, before)


def test_detect_identity_changes_raises_naming_missing_column():
    reports = statics((244123456, 1.0, "A", None, None)).drop(columns=[c.CALLSIGN])
    with pytest.raises(DetectionError, match="callsign"):
        detect_identity_changes(reports)


# --- detect_invalid_mmsi --------------------------------------------------------------------------


def test_detect_invalid_mmsi_finds_placeholder_and_unallocated_mid_at_last_position():
    found = detect_invalid_mmsi(seen_of(123456789, 217123456, 244123456))

    assert found[c.MMSI].tolist() == [123456789, 217123456]
    assert (found[c.EVENT_TYPE] == c.INVALID_MMSI).all()
    assert "placeholder" in found[c.DETAIL].iloc[0]
    assert "MID" in found[c.DETAIL].iloc[1]
    assert found[c.LAT].tolist() == [pytest.approx(55.01)] * 2
    assert (found[c.DURATION_H] == 4.0).all()


def test_detect_invalid_mmsi_skips_transmitters_that_are_not_vessels():
    assert detect_invalid_mmsi(seen_of(992446000, 970123456, 972123456, 982441234)).empty


def test_detect_invalid_mmsi_reports_coast_station_identity_unless_told_not_to():
    seen = seen_of(2442000)
    assert "coast-station" in detect_invalid_mmsi(seen)[c.DETAIL].iloc[0]
    assert detect_invalid_mmsi(seen, InvalidMmsiParams(report_coast_station_ids=False)).empty


def test_detect_invalid_mmsi_raises_naming_missing_column():
    with pytest.raises(DetectionError, match="first_seen"):
        detect_invalid_mmsi(seen_of(123456789).drop(columns=[c.FIRST_SEEN]))


# --- link_vessels ---------------------------------------------------------------------------------


def test_link_vessels_prefers_registry_mmsi_then_broadcast_imo_then_none():
    seen = seen_of(244123456, 538000001, 636015565)
    reports = statics((538000001, 1.0, "X", 9187629, None), (244123456, 1.0, "Y", 9999995, None))
    links = link_vessels(seen, reports, vessels((9074729, 244123456, "NL")))

    assert links[c.MMSI].tolist() == [244123456, 538000001, 636015565]
    assert links[c.IMO].tolist()[:2] == [9074729, 9187629]
    assert pd.isna(links[c.IMO].iloc[2])
    assert links[c.LINK].tolist() == [LINK_REGISTRY_MMSI, LINK_BROADCAST_IMO, LINK_NONE]


def test_link_vessels_uses_the_most_often_broadcast_imo():
    reports = statics(
        (538000001, 1.0, "X", 9187629, None),
        (538000001, 2.0, "X", 9074729, None),
        (538000001, 3.0, "X", 9187629, None),
    )
    links = link_vessels(seen_of(538000001), reports, None)
    assert links[c.IMO].tolist() == [9187629]


def test_link_vessels_breaks_a_shared_registry_mmsi_by_the_broadcast_imo():
    registry = vessels((9074729, 538000001, "MH"), (9187629, 538000001, "MH"))
    with_broadcast = link_vessels(
        seen_of(538000001), statics((538000001, 1.0, "X", 9187629, None)), registry
    )
    without = link_vessels(seen_of(538000001), None, registry)
    assert with_broadcast[c.IMO].tolist() == [9187629]
    assert without[c.IMO].tolist() == [9074729]


def test_link_vessels_links_a_registry_vessel_without_imo_by_its_mmsi():
    registry = vessels((9074729, 244123456, "NL"), (None, 257123450, "NO"))
    links = link_vessels(seen_of(257123450), statics((257123450, 1.0, "X", None, None)), registry)
    assert links[c.LINK].tolist() == [LINK_REGISTRY_MMSI]
    assert links[c.IMO].isna().all()

    rows = linked_registry(links, registry)
    assert rows.loc[257123450, c.FLAG] == "NO" and bool(rows.loc[257123450, "registered"])


def test_linked_registry_prefers_the_linked_imo_and_leaves_unregistered_vessels_empty():
    registry = vessels((9074729, 244123456, "NL"), (None, 538000001, "MH"))
    rows = linked_registry(links_of((538000001, 9074729), (636015565, None)), registry)
    assert rows.loc[538000001, c.FLAG] == "NL"
    assert not bool(rows.loc[636015565, "registered"]) and pd.isna(rows.loc[636015565, c.FLAG])


def test_link_vessels_without_statics_or_registry_links_nothing():
    links = link_vessels(seen_of(244123456), None, None)
    assert links[c.LINK].tolist() == [LINK_NONE] and links[c.IMO].isna().all()


# --- detect_flag_mismatch -------------------------------------------------------------------------


def test_detect_flag_mismatch_finds_mmsi_country_unlike_registry_flag():
    seen = seen_of(351234567, 636015565)
    found = detect_flag_mismatch(
        seen,
        links_of((351234567, 9187629), (636015565, 9074729)),
        vessels((9187629, None, "LR"), (9074729, None, "LR")),
    )

    assert found[c.MMSI].tolist() == [351234567]
    assert found[c.EVENT_TYPE].iloc[0] == c.FLAG_MISMATCH
    assert (
        found[c.DETAIL].iloc[0].startswith("MMSI country PA (Panama) vs registry flag LR (Liberia)")
    )
    assert found[c.START].iloc[0] == DAY + pd.Timedelta(hours=1)


def test_detect_flag_mismatch_accepts_territory_and_sovereign_unless_told_not_to():
    seen = seen_of(477123456)
    args = (seen, links_of((477123456, 9187629)), vessels((9187629, None, "CN")))
    assert detect_flag_mismatch(*args).empty
    assert len(detect_flag_mismatch(*args, FlagMismatchParams(accept_sovereign_flag=False))) == 1


def test_detect_flag_mismatch_does_not_judge_unknown_flag_unlinked_or_no_registry():
    seen = seen_of(351234567, 352000001)
    links = links_of((351234567, 9187629), (352000001, None))
    assert detect_flag_mismatch(seen, links, vessels((9187629, None, None))).empty
    assert detect_flag_mismatch(seen, links, None).empty


def test_detect_flag_mismatch_raises_naming_missing_column():
    with pytest.raises(DetectionError, match="flag"):
        detect_flag_mismatch(
            seen_of(351234567),
            links_of((351234567, 9187629)),
            vessels((9187629, None, "LR")).drop(columns=[c.FLAG]),
        )


# --- detect_watchlist_hits ------------------------------------------------------------------------


def test_detect_watchlist_hits_matches_by_imo_or_mmsi_and_names_list_and_reason():
    seen = seen_of(538000001, 244123456, 636015565)
    links = links_of((538000001, 9187629), (244123456, 9074729), (636015565, None))
    listed = watchlist((9187629, None, "OFAC SDN", "IRAN"), (None, 636015565, "EU", None))
    found = detect_watchlist_hits(seen, links, listed)

    assert found[c.MMSI].tolist() == [538000001, 636015565]
    assert (found[c.EVENT_TYPE] == c.WATCHLIST).all()
    details = dict(zip(found[c.MMSI], found[c.DETAIL], strict=True))
    assert details[538000001] == "OFAC SDN: IRAN (matched by IMO 9187629)"
    assert details[636015565] == "EU: no reason given (matched by MMSI 636015565)"


def test_detect_watchlist_hits_gives_one_event_per_vessel_listing_every_entry():
    listed = watchlist((9187629, 538000001, "OFAC SDN", "IRAN"), (9187629, None, "UK", "Russia"))
    found = detect_watchlist_hits(seen_of(538000001), links_of((538000001, 9187629)), listed)
    assert len(found) == 1
    assert found[c.DETAIL].iloc[0] == (
        "OFAC SDN: IRAN (matched by IMO 9187629 and MMSI 538000001); "
        "UK: Russia (matched by IMO 9187629)"
    )


def test_detect_watchlist_hits_matches_a_row_without_number_by_name_and_call_sign():
    listed = watchlist((None, None, "OFAC SDN", "CUBA"), (None, None, "OFAC SDN", "CUBA")).assign(
        **{c.NAME: pd.Series(["Tifon", "MAR AZUL"], dtype="string"),
           c.CALLSIGN: pd.Series(["CL 2059", "CL2192"], dtype="string")})
    reports = statics((323000001, 1.0, "TIFON ", None, None), (323000001, 2.0, None, None, "CL2059"),
                      (323000002, 1.0, "MAR AZUL", None, "XX999"))
    seen = seen_of(323000001, 323000002)
    found = detect_watchlist_hits(seen, link_vessels(seen, reports, None), listed, reports)

    assert found[c.MMSI].tolist() == [323000001]  # the other's call sign differs
    assert found[c.DETAIL].iloc[0] == (
        "OFAC SDN: CUBA (matched by name TIFON and call sign CL2059)")


def test_detect_watchlist_hits_finds_nothing_without_a_listed_vessel_or_list():
    seen, links = seen_of(244123456), links_of((244123456, 9074729))
    assert detect_watchlist_hits(seen, links, watchlist((9187629, None, "X", None))).empty
    assert detect_watchlist_hits(seen, links, None).empty


def test_detect_watchlist_hits_raises_naming_missing_column():
    with pytest.raises(DetectionError, match="list_name"):
        detect_watchlist_hits(
            seen_of(244123456),
            links_of((244123456, 9074729)),
            watchlist((9074729, None, "X", None)).drop(columns=[c.LIST_NAME]),
        )


# --- real data ------------------------------------------------------------------------------------


@pytest.mark.skipif(
    not (CADASTRE.is_file() and OFAC.is_file()),
    reason=f"real MarineCadastre/OFAC samples absent under {DATA}",
)
def test_real_us_day_flags_both_sanctioned_tankers_and_the_mismatched_flag():
    raw = pd.read_csv(
        CADASTRE, dtype={"IMO": "string", "VesselName": "string", "CallSign": "string"}
    )
    time = pd.to_datetime(raw["BaseDateTime"], utc=True)
    imo = pd.to_numeric(raw["IMO"].str.removeprefix("IMO"), errors="coerce").astype("Int64")
    reports = pd.DataFrame(
        {
            c.MMSI: raw["MMSI"].astype("int64"),
            c.TIMESTAMP: time,
            c.IMO: imo.mask(imo == 0),
            c.NAME: raw["VesselName"],
            c.CALLSIGN: raw["CallSign"],
        }
    )
    positions = pd.DataFrame(
        {
            c.MMSI: raw["MMSI"].astype("int64"),
            c.TIMESTAMP: time,
            c.LAT: raw["LAT"],
            c.LON: raw["LON"],
        }
    )
    ofac = pd.read_csv(OFAC, dtype=str, keep_default_na=False)
    ids = ofac.loc[(ofac["imo"] != "") | (ofac["mmsi"] != "")]
    listed = watchlist(
        *zip(
            pd.to_numeric(ids["imo"]).astype("Int64"),
            pd.to_numeric(ids["mmsi"]).astype("Int64"),
            ["OFAC SDN"] * len(ids),
            ids["programs"],
            strict=True,
        )
    )
    registry = vessels((9018464, None, "CM"), (9610810, 636015565, "LR"))

    seen = mmsis_seen(positions, reports)
    links = link_vessels(seen, reports, registry)
    hits = detect_watchlist_hits(seen, links, listed)
    mismatch = detect_flag_mismatch(seen, links, registry)

    assert {374208000, 636015565} <= set(hits[c.MMSI])
    assert mismatch[c.MMSI].tolist() == [374208000]
    assert "PA (Panama) vs registry flag CM (Cameroon)" in mismatch[c.DETAIL].iloc[0]
    assert detect_identity_changes(reports)[c.MMSI].is_unique
