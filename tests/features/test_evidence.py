"""Tests of features.evidence: per-vessel evidence over a window, from events."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features import catalog
from vessel_risk.features.events import empty_events, make_events
from vessel_risk.features.evidence import AS_OF, DAY, daily_activity, window_features

AS_OF_DAY = date(2026, 11, 22)  # window: 2026-11-16 .. 2026-11-22 (7 days)
TANKER, TUG, LISTED = 244000001, 244000002, 244000003


def events(*rows: tuple[int, str, str, str, int | None]) -> pd.DataFrame:
    """Events ``(mmsi, event_type, start, end, other_mmsi)``."""
    mmsi, kind, start, end, other = zip(*rows, strict=True)
    return make_events(pd.DataFrame({
        c.MMSI: list(mmsi), c.EVENT_TYPE: list(kind),
        c.START: pd.to_datetime(list(start), utc=True), c.END: pd.to_datetime(list(end), utc=True),
        c.LAT: 56.0, c.LON: 5.0, c.OTHER_MMSI: pd.Series(other, dtype="Int64"),
    }))


def keys(*mmsis: int, as_of: date = AS_OF_DAY) -> pd.DataFrame:
    return pd.DataFrame({c.MMSI: list(mmsis), AS_OF: as_of})


def no_activity() -> pd.DataFrame:
    return daily_activity(pd.DataFrame(columns=[c.MMSI, c.TIMESTAMP, c.PLACE]))


def test_window_features_count_and_weigh_dark_hours_started_in_the_window():
    found = window_features(keys(TANKER), events(
        (TANKER, c.GAP, "2026-11-17T00:00Z", "2026-11-17T10:00Z", None),
        (TANKER, c.GAP, "2026-11-20T00:00Z", "2026-11-20T06:00Z", None),
        (TANKER, c.GAP, "2026-11-10T00:00Z", "2026-11-10T20:00Z", None),  # before the window
        (TANKER, c.GAP, "2026-11-23T00:00Z", "2026-11-23T20:00Z", None),  # after it
    ), no_activity()).iloc[0]
    assert found[catalog.GAP_COUNT] == 2.0
    assert found[catalog.GAP_HOURS_TOTAL] == 16.0 and found[catalog.GAP_HOURS_MAX] == 10.0
    assert found[catalog.BEHAVIOUR_DAYS] == 2.0


def test_window_features_clip_an_event_at_the_window_end_so_nothing_later_leaks():
    found = window_features(keys(TANKER), events(
        (TANKER, c.LOITERING, "2026-11-22T20:00Z", "2026-11-23T12:00Z", None)), no_activity())
    assert found[catalog.LOITERING_HOURS_TOTAL].iloc[0] == 4.0


def test_window_features_count_identity_facts_that_overlap_the_window():
    found = window_features(keys(LISTED), events(
        (LISTED, c.WATCHLIST, "2026-11-01T00:00Z", "2026-11-30T00:00Z", None)), no_activity())
    assert found[catalog.WATCHLIST_HIT].iloc[0] == 1.0


def test_window_features_tell_who_a_vessel_met_at_sea():
    found = window_features(keys(TANKER, TUG), events(
        (TANKER, c.ENCOUNTER, "2026-11-18T00:00Z", "2026-11-18T05:00Z", LISTED),
        (TUG, c.ENCOUNTER, "2026-11-19T00:00Z", "2026-11-19T05:00Z", TANKER),
        (LISTED, c.WATCHLIST, "2026-11-01T00:00Z", "2026-11-30T00:00Z", None),
        (TANKER, c.SPOOFING, "2026-11-19T02:00Z", "2026-11-19T02:10Z", None),
    ), no_activity()).set_index(c.MMSI)
    assert found.loc[TANKER, catalog.MET_WATCHLISTED] == 1.0
    assert found.loc[TANKER, catalog.MET_SUSPECT_VESSEL] == 1.0
    assert found.loc[TUG, catalog.MET_WATCHLISTED] == 0.0
    assert found.loc[TUG, catalog.MET_SUSPECT_VESSEL] == 1.0  # met the spoofing tanker
    assert found.loc[TANKER, catalog.ENCOUNTER_COUNT] == 2.0  # the tug's meeting, mirrored
    assert found.loc[TUG, catalog.ENCOUNTER_COUNT] == 1.0


def test_window_features_weigh_meetings_at_sea_by_ship_type():
    meeting = events((TANKER, c.ENCOUNTER, "2026-11-18T00:00Z", "2026-11-18T05:00Z", TUG))
    types = pd.Series(["Crude Oil Tanker", "Tug"], index=[TANKER, TUG])
    found = window_features(keys(TANKER, TUG, LISTED), meeting, no_activity(),
                            types).set_index(c.MMSI)
    assert found.loc[TANKER, catalog.UNUSUAL_FOR_TYPE] == 1.0
    assert found.loc[TUG, catalog.UNUSUAL_FOR_TYPE] == 0.0  # meeting ships is a tug's job
    assert np.isnan(found.loc[LISTED, catalog.UNUSUAL_FOR_TYPE])  # type unknown


def test_window_features_give_one_row_per_key_even_for_the_same_vessel_on_two_days():
    gap = events((TANKER, c.GAP, "2026-11-21T00:00Z", "2026-11-21T10:00Z", None))
    two = pd.concat([keys(TANKER, as_of=date(2026, 11, 20)), keys(TANKER)], ignore_index=True)
    found = window_features(two, gap, no_activity())
    assert found[catalog.GAP_COUNT].tolist() == [0.0, 1.0]


def test_window_features_read_days_seen_and_share_at_sea_from_daily_activity():
    hours = pd.date_range("2026-11-20T00:00Z", periods=4, freq="12h")
    tracks = pd.DataFrame({c.MMSI: TANKER, c.TIMESTAMP: hours,
                           c.PLACE: [c.PLACE_PORT, c.PLACE_SEA, c.PLACE_SEA, c.PLACE_SEA]})
    activity = daily_activity(tracks)
    assert activity[DAY].tolist() == [date(2026, 11, 20), date(2026, 11, 21)]
    found = window_features(keys(TANKER, TUG), empty_events(), activity).set_index(c.MMSI)
    assert found.loc[TANKER, catalog.DAYS_SEEN] == 2.0
    assert found.loc[TANKER, catalog.AT_SEA_SHARE] == 0.75
    assert found.loc[TUG, catalog.DAYS_SEEN] == 0.0 and np.isnan(found.loc[TUG, catalog.AT_SEA_SHARE])


def test_window_features_do_not_mutate_their_inputs():
    gap = events((TANKER, c.GAP, "2026-11-21T00:00Z", "2026-11-21T10:00Z", None))
    wanted = keys(TANKER)
    before_events, before_keys = gap.copy(), wanted.copy()
    window_features(wanted, gap, no_activity())
    pd.testing.assert_frame_equal(gap, before_events)
    pd.testing.assert_frame_equal(wanted, before_keys)
