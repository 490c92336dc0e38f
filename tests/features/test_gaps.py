"""Tests of features.gaps.detect_gaps: AIS dark periods at sea."""

from __future__ import annotations

import pandas as pd
import pytest

from features.gaps import GapParams, detect_gaps
from tests.features import builders as b
from vessel_risk import columns as c
from vessel_risk.errors import DetectionError

H = pd.Timedelta(hours=1)
ESBJERG_BERTH = (55.465, 8.44)
ESBJERG_ANCHORAGE = (55.40, 8.25)  # ~8 nm off the port position
NEAR_SEA_PLACE = (55.00, 7.40)  # 9 nm from OPEN_SEA, still at sea


def _dark_then_back(mmsi: int, dark_h: float, first: tuple[float, float] = b.OPEN_SEA,
                    then: tuple[float, float] = NEAR_SEA_PLACE) -> pd.DataFrame:
    """Two hours at ``first``, silent for ``dark_h``, then two hours at ``then``."""
    before = b.stationary_track(mmsi, first, 2.0)
    after = b.stationary_track(mmsi, then, 2.0, t0=b.T0 + (2.0 + dark_h) * H)
    return b.positions(before, after)


def test_detect_gaps_finds_dark_period_at_sea() -> None:
    events = detect_gaps(b.tracks(_dark_then_back(1, 8.0)))
    assert len(events) == 1
    ev = events.iloc[0]
    assert ev[c.EVENT_TYPE] == c.GAP and ev[c.MMSI] == 1
    assert ev[c.START] == b.T0 + 2 * H and ev[c.END] == b.T0 + 10 * H
    assert ev[c.DURATION_H] == pytest.approx(8.0)
    assert (ev[c.LAT], ev[c.LON]) == pytest.approx(b.OPEN_SEA)
    assert ev[c.DETAIL].startswith("dark 8.0 h at sea, ")
    assert "reappeared at sea 9 nm away" in ev[c.DETAIL]


def test_detect_gaps_says_when_vessel_reappeared_in_port() -> None:
    events = detect_gaps(b.tracks(_dark_then_back(1, 8.0, then=ESBJERG_BERTH)))
    assert len(events) == 1
    assert "near Esbjerg" in events[c.DETAIL].iloc[0]
    assert "reappeared at sea" not in events[c.DETAIL].iloc[0]


def test_detect_gaps_ignores_silence_at_berth() -> None:
    pos = _dark_then_back(1, 12.0, first=ESBJERG_BERTH, then=ESBJERG_BERTH)
    assert detect_gaps(b.tracks(pos)).empty


def test_detect_gaps_ignores_silence_at_anchorage_near_port() -> None:
    pos = _dark_then_back(1, 12.0, first=ESBJERG_ANCHORAGE, then=b.OPEN_SEA)
    assert detect_gaps(b.tracks(pos)).empty


def test_detect_gaps_ignores_normal_reporting_intervals() -> None:
    sailing = b.straight_track(1, b.OPEN_SEA, NEAR_SEA_PLACE, 10.0, interval_min=3.0)
    patchy = _dark_then_back(2, 3.0)  # a coverage hole of 3 h
    assert detect_gaps(b.tracks(sailing, patchy)).empty


def test_detect_gaps_counts_a_gap_of_exactly_the_minimum() -> None:
    assert len(detect_gaps(b.tracks(_dark_then_back(1, 6.0)))) == 1
    assert detect_gaps(b.tracks(_dark_then_back(1, 5.9))).empty


def test_detect_gaps_never_joins_two_vessels() -> None:
    first = b.stationary_track(1, b.OPEN_SEA, 2.0)
    second = b.stationary_track(2, b.OPEN_SEA, 2.0, t0=b.T0 + 12 * H)
    assert detect_gaps(b.tracks(first, second)).empty


def test_detect_gaps_follows_params() -> None:
    tracks = b.tracks(_dark_then_back(1, 3.0))
    assert len(detect_gaps(tracks, GapParams(min_gap_h=2.0))) == 1
    far_out = GapParams(min_port_dist_nm=100.0)
    assert detect_gaps(b.tracks(_dark_then_back(1, 8.0)), far_out).empty


def test_detect_gaps_reports_vessel_still_dark_at_end_of_data() -> None:
    tracks = b.tracks(b.stationary_track(1, b.OPEN_SEA, 2.0))
    data_end = b.T0 + 24 * H
    events = detect_gaps(tracks, data_end=data_end)
    assert len(events) == 1
    assert events[c.START].iloc[0] == b.T0 + 2 * H and events[c.END].iloc[0] == data_end
    assert events[c.DETAIL].iloc[0].startswith("still dark: 22.0 h at sea")
    assert detect_gaps(tracks).empty  # without data_end nothing is open


def test_detect_gaps_open_gap_needs_minimum_silence_and_sea() -> None:
    at_sea = b.stationary_track(1, b.OPEN_SEA, 2.0)
    in_port = b.stationary_track(2, ESBJERG_BERTH, 2.0)
    tracks = b.tracks(at_sea, in_port)
    assert detect_gaps(tracks, data_end=b.T0 + 7 * H).empty  # 5 h of silence only
    events = detect_gaps(tracks, data_end=b.T0 + 9 * H)
    assert events[c.MMSI].tolist() == [1]


def test_detect_gaps_takes_naive_data_end_as_utc() -> None:
    tracks = b.tracks(b.stationary_track(1, b.OPEN_SEA, 2.0))
    events = detect_gaps(tracks, data_end=pd.Timestamp("2024-05-02 00:00"))
    assert events[c.END].iloc[0] == pd.Timestamp("2024-05-02 00:00", tz="UTC")


def test_detect_gaps_returns_contract_columns_and_does_not_modify_tracks() -> None:
    tracks = b.tracks(_dark_then_back(1, 8.0))
    before = tracks.copy()
    events = detect_gaps(tracks, data_end=b.T0 + 30 * H)
    assert list(events.columns) == c.EVENT_COLUMNS and len(events) == 2
    pd.testing.assert_frame_equal(tracks, before)


def test_detect_gaps_of_empty_tracks_is_empty() -> None:
    tracks = b.tracks(b.stationary_track(1, b.OPEN_SEA, 1.0)).iloc[:0]
    events = detect_gaps(tracks, data_end=b.T0)
    assert events.empty and list(events.columns) == c.EVENT_COLUMNS


def test_detect_gaps_raises_detection_error_naming_missing_column() -> None:
    tracks = b.tracks(_dark_then_back(1, 8.0)).drop(columns=[c.PORT_DIST_NM])
    with pytest.raises(DetectionError, match=c.PORT_DIST_NM):
        detect_gaps(tracks)


def test_detect_gaps_rejects_unsorted_tracks() -> None:
    tracks = b.tracks(_dark_then_back(1, 8.0))
    with pytest.raises(DetectionError, match="sorted"):
        detect_gaps(tracks.iloc[::-1].reset_index(drop=True))

