"""Injected behaviour appears in the AIS archive as described, and ordinary ships stay clean."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.simulator.behaviour import BehaviourParams, shared_transmitter, spoof
from vessel_risk.simulator.check import (
    Archive,
    check_at_sea,
    check_gaps,
    check_normal_vessels,
    check_slow_far,
)
from vessel_risk.simulator.generate import INVALID_MMSIS
from vessel_risk.simulator.geo import haversine_nm
from vessel_risk.simulator.manifest import Manifest

TinyArchive = tuple[Archive, pd.DataFrame]


def _rows(truth: pd.DataFrame, kind: str) -> pd.DataFrame:
    rows = truth[truth[c.EVENT_TYPE] == kind]
    assert len(rows) > 0, f"no {kind} injected"
    return rows


def test_gap_vessel_sends_nothing_during_its_gap_and_reappears_elsewhere(
    tiny_archive: TinyArchive,
) -> None:
    arch, truth = tiny_archive
    _rows(truth, c.GAP)
    assert check_gaps(arch, truth) == []
    r = _rows(truth, c.GAP).iloc[0]
    assert 8 * 3600 <= r.t1_s - r.t0_s <= 30 * 3600 + 60


def test_check_gaps_notices_a_report_inside_the_gap(tiny_archive: TinyArchive) -> None:
    arch, truth = tiny_archive
    r = _rows(truth, c.GAP).iloc[0]
    fake = (
        arch.positions[arch.positions[c.MMSI] == r.mmsi].head(1).assign(t_s=(r.t0_s + r.t1_s) // 2)
    )
    tampered = Archive(pd.concat([arch.positions, fake]), arch.statics, arch.broken, 0, 0)
    assert any("inside the gap" in p for p in check_gaps(tampered, truth))


def test_encounter_pair_drifts_within_0_3_nm_far_from_port(tiny_archive: TinyArchive) -> None:
    arch, truth = tiny_archive
    rows = _rows(truth, c.ENCOUNTER)
    assert set(rows[c.MMSI]) == set(rows[c.OTHER_MMSI].astype(int))  # both directions written
    assert check_slow_far(arch, truth, c.ENCOUNTER) == []


def test_check_encounters_notices_a_partner_too_far_away(tiny_archive: TinyArchive) -> None:
    arch, truth = tiny_archive
    other = int(_rows(truth, c.ENCOUNTER).iloc[0][c.OTHER_MMSI])
    moved = arch.positions.copy()
    moved.loc[moved[c.MMSI] == other, c.LAT] += 0.02  # 1.2 nm north
    tampered = Archive(moved, arch.statics, arch.broken, 0, 0)
    assert any("not within 0.3 nm" in p for p in check_slow_far(tampered, truth, c.ENCOUNTER))


def test_loitering_vessel_is_slow_at_sea_far_from_port(tiny_archive: TinyArchive) -> None:
    arch, truth = tiny_archive
    r = _rows(truth, c.LOITERING).iloc[0]
    assert 5 * 3600 <= r.t1_s - r.t0_s <= 12 * 3600 + 60
    assert check_slow_far(arch, truth, c.LOITERING) == []


def test_spoofed_reports_jump_far_from_the_track(tiny_archive: TinyArchive) -> None:
    arch, truth = tiny_archive
    for r in _rows(truth, c.SPOOFING).itertuples():
        p = arch.positions[arch.positions[c.MMSI] == r.mmsi].sort_values("t_s")
        inside = (p["t_s"] >= r.t0_s) & (p["t_s"] <= r.t1_s)
        before = p[p["t_s"] < r.t0_s].iloc[-1]
        first = p[inside].iloc[0]
        jump = float(haversine_nm(before[c.LAT], before[c.LON], first[c.LAT], first[c.LON]))
        hours = (first["t_s"] - before["t_s"]) / 3600
        assert jump / hours > 100, "implied speed should be impossible for a ship"


def test_shared_mmsi_reports_from_two_places_interleave(tiny_archive: TinyArchive) -> None:
    arch, truth = tiny_archive
    r = _rows(truth, c.IDENTITY_SHARED).iloc[0]
    p = arch.positions[(arch.positions[c.MMSI] == r.mmsi)].drop_duplicates(["t_s", c.LAT])
    p = p[(p["t_s"] >= r.t0_s) & (p["t_s"] <= r.t1_s)].sort_values("t_s")
    steps = haversine_nm(
        p[c.LAT].to_numpy()[:-1],
        p[c.LON].to_numpy()[:-1],
        p[c.LAT].to_numpy()[1:],
        p[c.LON].to_numpy()[1:],
    )
    assert (steps > 50).sum() >= 4  # back and forth between two far-apart transmitters


def test_identity_change_changes_the_type5_name_during_the_period(
    tiny_archive: TinyArchive,
) -> None:
    arch, truth = tiny_archive
    r = _rows(truth, c.IDENTITY_CHANGE).iloc[0]
    s = arch.statics[(arch.statics[c.MMSI] == r.mmsi) & (arch.statics[c.MSG_TYPE] == 5)]
    before = set(s.loc[s["t_s"] <= r.t0_s, c.NAME])
    after = set(s.loc[s["t_s"] >= r.t1_s, c.NAME])
    assert len(before) == 1 and len(after) == 1 and before != after


def test_invalid_mmsi_vessels_broadcast_invalid_mmsis(tiny_archive: TinyArchive) -> None:
    arch, truth = tiny_archive
    bad = set(_rows(truth, c.INVALID_MMSI)[c.MMSI])
    assert bad <= set(INVALID_MMSIS)
    assert bad <= set(arch.positions[c.MMSI])


def test_ordinary_vessels_show_no_long_silence_or_drift_far_from_port(
    tiny_archive: TinyArchive,
) -> None:
    arch, truth = tiny_archive
    assert check_normal_vessels(arch, truth) == []


def test_check_normal_vessels_notices_a_drifting_ordinary_ship(tiny_archive: TinyArchive) -> None:
    arch, truth = tiny_archive
    truth_without_loiter = truth[truth[c.EVENT_TYPE] != c.LOITERING]
    loiterers = set(_rows(truth, c.LOITERING)[c.MMSI])
    truth_clean = truth_without_loiter[~truth_without_loiter[c.MMSI].isin(loiterers)]
    assert any("slow reports" in p for p in check_normal_vessels(arch, truth_clean))


def test_under_way_reports_away_from_port_approaches_are_at_sea(tiny_archive: TinyArchive) -> None:
    arch, _ = tiny_archive
    assert check_at_sea(arch) == []


def test_check_at_sea_notices_a_report_on_land(tiny_archive: TinyArchive) -> None:
    arch, _ = tiny_archive
    row = (
        arch.positions[arch.positions[c.SOG_KNOTS] > 5].head(1).assign(lat=50.9, lon=10.3)
    )  # Thuringia
    tampered = Archive(pd.concat([arch.positions, row]), arch.statics, arch.broken, 0, 0)
    assert check_at_sea(tampered) == ["1 under-way reports on land"]


def _track(n: int = 40, speed: float = 12.0) -> pd.DataFrame:
    t = np.arange(n) * 600
    return pd.DataFrame(
        {
            "t_s": t,
            "lat": 55.0 + t * speed / 3600 / 60,
            "lon": np.full(n, 4.0),
            "sog_knots": np.full(n, speed),
            "cog_deg": 0.0,
            "heading_deg": 0,
            "nav_status": 0,
        }
    )


def test_spoof_moves_short_runs_and_leaves_the_input_alone() -> None:
    track = _track()
    before = track.copy()
    out, episodes = spoof(track, np.random.default_rng(1), BehaviourParams(spoof_episodes=(1, 1)))
    pd.testing.assert_frame_equal(track, before)
    assert len(episodes) == 1
    start, end, dist = episodes[0]
    moved = haversine_nm(track["lat"], track["lon"], out["lat"], out["lon"]) > 1
    assert (
        moved.sum() <= 3
        and np.isclose(
            haversine_nm(track["lat"], track["lon"], out["lat"], out["lon"])[moved], dist, rtol=0.05
        ).all()
    )
    assert set(out.loc[moved, "t_s"]) <= set(range(start, end + 1))


def test_shared_transmitter_refuses_a_track_that_is_not_far_away() -> None:
    own = _track()
    near = _track().assign(lon=4.1)  # 3.4 nm east: same place, not a second transmitter
    assert shared_transmitter(own, near, np.random.default_rng(0)) is None


def test_shared_transmitter_takes_a_window_from_a_distant_track() -> None:
    own = _track()
    far = _track().assign(lat=lambda d: d["lat"] + 2.0, lon=3.0)  # ~130 nm away in the North Sea
    found = shared_transmitter(
        own, far, np.random.default_rng(0), BehaviourParams(shared_h=(1.0, 1.0))
    )
    assert found is not None
    part, (start, end) = found
    assert len(part) >= 4 and start < end


def test_sample_readme_lists_what_is_injected(tiny_sample: tuple[Path, Manifest]) -> None:
    folder, _ = tiny_sample
    text = (folder / "README.md").read_text()
    for kind in (
        c.GAP,
        c.ENCOUNTER,
        c.LOITERING,
        c.SPOOFING,
        c.IDENTITY_SHARED,
        c.IDENTITY_CHANGE,
        c.INVALID_MMSI,
        c.FLAG_MISMATCH,
        c.WATCHLIST,
    ):
        assert f"`{kind}`" in text
