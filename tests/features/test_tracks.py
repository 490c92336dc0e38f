"""Tests of features.tracks.build_tracks and its column/order checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.features import builders as b
from vessel_risk.common import columns as c
from vessel_risk.common.errors import DetectionError
from vessel_risk.features import tracks as tracks_module
from vessel_risk.features.geo import haversine_nm
from vessel_risk.features.tracks import DERIVED_COLUMNS, build_tracks, require_track_order

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
MARINECADASTRE = DATA / "ais" / "csv" / "marinecadastre_2022-01-03_subset.csv"


def test_build_tracks_sorts_by_vessel_and_time_with_fresh_index() -> None:
    late = b.straight_track(2, (55.0, 7.0), (55.1, 7.0), 12.0)
    early = b.straight_track(1, (54.0, 7.0), (54.1, 7.0), 12.0)
    shuffled = b.positions(late, early).sample(frac=1.0, random_state=1)
    tracks = build_tracks(shuffled)
    assert tracks[c.MMSI].is_monotonic_increasing
    for _, one in tracks.groupby(c.MMSI):
        assert one[c.TIMESTAMP].is_monotonic_increasing
    assert tracks.index.equals(pd.RangeIndex(len(shuffled)))
    assert list(tracks.columns) == c.POSITION_COLUMNS + DERIVED_COLUMNS


def test_build_tracks_derives_step_columns_per_vessel() -> None:
    pos = b.positions(
        b.straight_track(1, (54.0, 7.0), (54.5, 7.0), 10.0, interval_min=6.0),
        b.straight_track(2, (55.0, 7.0), (55.5, 7.0), 20.0, interval_min=6.0),
    )
    tracks = build_tracks(pos)
    first = tracks.groupby(c.MMSI).head(1).index
    assert tracks.loc[first, [c.DT_H, c.DIST_NM, c.IMPLIED_SPEED_KNOTS]].isna().all().all()
    rest = tracks.drop(index=first)
    assert rest[c.DT_H].median() == pytest.approx(0.1)  # one fix every 6 min
    assert rest[c.DT_H].between(0.0, 0.1 + 1e-9, inclusive="right").all()
    speeds = rest.groupby(c.MMSI)[c.IMPLIED_SPEED_KNOTS].median()
    assert speeds.loc[1] == pytest.approx(10.0, rel=1e-3)
    assert speeds.loc[2] == pytest.approx(20.0, rel=1e-3)
    expected = haversine_nm(tracks[c.LAT].shift(), tracks[c.LON].shift(), tracks[c.LAT], tracks[c.LON])
    np.testing.assert_allclose(rest[c.DIST_NM], expected[rest.index])


def test_build_tracks_drops_missing_out_of_range_and_repeated_fixes() -> None:
    t = [b.T0 + pd.Timedelta(minutes=m) for m in range(6)]
    pos = b.fixes(1, t, [55.0, np.nan, 91.0, 55.1, 55.2, 55.3], [7.0, 7.0, 7.0, 181.0, 7.0, 7.0])
    repeat = b.fixes(1, [t[4]], [10.0], [10.0])  # same vessel and instant as row 4: dropped
    tracks = build_tracks(b.positions(pos, repeat))
    assert tracks[c.LAT].tolist() == [55.0, 55.2, 55.3]
    assert tracks[c.LINE_NO].tolist() == [1, 5, 6]


@pytest.mark.parametrize("one_key", [True, False], ids=["one-int64-key", "two-column-sort"])
def test_build_tracks_of_shuffled_fixes_with_repeats_keeps_the_first_given_of_each(
        one_key: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not one_key:
        monkeypatch.setattr(tracks_module, "_MAX_KEY", 0)
    rng = np.random.default_rng(3)
    n = 2_000
    mmsi = rng.integers(1, 6, n)
    minutes = rng.integers(0, 300, n)  # many repeated (vessel, minute) pairs
    pos = b.fixes(1, [b.T0 + pd.Timedelta(minutes=int(m)) for m in minutes],
                  rng.uniform(54.0, 55.0, n), rng.uniform(6.0, 7.0, n))
    pos[c.MMSI] = mmsi
    tracks = build_tracks(pos)
    order = np.lexsort((minutes, mmsi))  # the stable reference: first given comes first
    ref = pos.iloc[order]
    ref = ref[~ref.duplicated([c.MMSI, c.TIMESTAMP], keep="first")]
    assert tracks[c.LINE_NO].tolist() == ref[c.LINE_NO].tolist()


def test_build_tracks_of_fixes_already_in_order_equals_the_sorted_path() -> None:
    pos = b.positions(b.straight_track(1, (54.0, 7.0), (54.1, 7.0), 12.0),
                      b.straight_track(2, (55.0, 7.0), (55.1, 7.0), 12.0))
    in_order = build_tracks(pos)
    shuffled = build_tracks(pos.sample(frac=1.0, random_state=2))
    pd.testing.assert_frame_equal(in_order, shuffled)


def test_build_tracks_drops_null_island_fixes_but_keeps_the_equator_and_meridian() -> None:
    t = [b.T0 + pd.Timedelta(minutes=m) for m in range(5)]
    # (0, 0) is what a transponder without a GPS fix sends; 0 N or 0 E alone is a real place
    pos = b.fixes(1, t, [55.0, 0.0, 0.0, 0.0, 55.1], [7.0, 0.0, 5.0, -0.0, 0.0])
    tracks = build_tracks(pos)
    assert tracks[c.LINE_NO].tolist() == [1, 3, 5]
    assert tracks[c.DIST_NM].iloc[1] == pytest.approx(haversine_nm(55.0, 7.0, 0.0, 5.0))


def test_build_tracks_same_instant_other_vessel_is_kept() -> None:
    pos = b.positions(b.fixes(1, [b.T0], [55.0], [7.0]), b.fixes(2, [b.T0], [55.0], [7.0]))
    assert len(build_tracks(pos)) == 2


def test_build_tracks_normalises_timestamps_to_utc_microseconds() -> None:
    pos = b.stationary_track(1, b.OPEN_SEA, 0.2)
    pos[c.TIMESTAMP] = pos[c.TIMESTAMP].dt.tz_convert("Europe/Copenhagen").astype(
        "datetime64[ns, Europe/Copenhagen]"
    )
    tracks = build_tracks(pos)
    assert str(tracks[c.TIMESTAMP].dtype) == "datetime64[us, UTC]"
    assert tracks[c.TIMESTAMP].iloc[0] == b.T0


def test_build_tracks_does_not_modify_positions() -> None:
    pos = b.positions(b.straight_track(2, (55.0, 7.0), (55.1, 7.0), 12.0),
                      b.stationary_track(1, b.OPEN_SEA, 0.5))
    before = pos.copy()
    build_tracks(pos)
    pd.testing.assert_frame_equal(pos, before)


def test_build_tracks_of_empty_positions_is_empty_with_all_columns() -> None:
    tracks = build_tracks(b.stationary_track(1, b.OPEN_SEA, 0.1).iloc[:0])
    assert len(tracks) == 0 and set(DERIVED_COLUMNS) <= set(tracks.columns)


def test_build_tracks_raises_detection_error_naming_missing_columns() -> None:
    pos = b.stationary_track(1, b.OPEN_SEA, 0.1).drop(columns=[c.LAT, c.TIMESTAMP])
    with pytest.raises(DetectionError, match=f"{c.TIMESTAMP}, {c.LAT}"):
        build_tracks(pos)


def test_build_tracks_rejects_naive_timestamps() -> None:
    pos = b.stationary_track(1, b.OPEN_SEA, 0.1)
    pos[c.TIMESTAMP] = pos[c.TIMESTAMP].dt.tz_localize(None)
    with pytest.raises(DetectionError, match="tz-aware"):
        build_tracks(pos)


def test_require_track_order_rejects_unsorted_tracks() -> None:
    tracks = build_tracks(b.straight_track(1, (55.0, 7.0), (55.1, 7.0), 12.0))
    require_track_order(tracks, "test")
    with pytest.raises(DetectionError, match="sorted"):
        require_track_order(tracks.iloc[::-1].reset_index(drop=True), "test")


@pytest.mark.skipif(not MARINECADASTRE.exists(), reason="shared data folder ../shared/data not present")
def test_build_tracks_on_a_real_day_of_us_waters() -> None:
    raw = pd.read_csv(MARINECADASTRE)
    pos = b.fixes(0, pd.to_datetime(raw["BaseDateTime"], utc=True), raw["LAT"], raw["LON"],
                  raw["SOG"].to_numpy())
    pos[c.MMSI] = raw["MMSI"].astype("int64")
    tracks = build_tracks(pos)
    assert 0 < len(tracks) <= len(raw)
    assert tracks[c.MMSI].nunique() == raw["MMSI"].nunique()
    assert tracks[c.DT_H].dropna().gt(0).all()
    # real ships move at ship speeds: nearly every step is below 50 kn
    assert (tracks[c.IMPLIED_SPEED_KNOTS].dropna() <= 50).mean() > 0.99


def test_build_tracks_of_fixes_in_order_with_repeats_keeps_the_first_of_each() -> None:
    t = [b.T0 + pd.Timedelta(minutes=m) for m in (0, 1, 1, 1, 2)]
    pos = b.fixes(1, t, [55.0, 55.1, 56.0, 57.0, 55.2], [7.0] * 5)  # a stored day's order
    tracks = build_tracks(pos)
    assert tracks[c.LAT].tolist() == [55.0, 55.1, 55.2]
    assert tracks[c.DT_H].iloc[1:].tolist() == pytest.approx([1 / 60, 1 / 60])
