"""End to end: files, determinism, encoding, counts."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pyais import decode

from vessel_risk.common import columns as c
from vessel_risk.common.errors import ConfigError
from vessel_risk.simulator.__main__ import main
from vessel_risk.simulator.check import Archive
from vessel_risk.simulator.generate import generate
from vessel_risk.simulator.manifest import Manifest
from vessel_risk.simulator.outcomes import (
    BOARDING_PROBABILITY,
    PROBABILITY_COLUMNS,
    PROBABILITY_FILE,
    TRUE_PROBABILITY,
)

TinyArchive = tuple[Archive, pd.DataFrame]


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_generate_same_seed_gives_byte_identical_files(
    tmp_path: Path, tiny_sample: tuple[Path, Manifest]
) -> None:
    folder, m = tiny_sample
    generate(
        tmp_path, seed=m.seed, vessels=m.vessels, days=m.days, start=date.fromisoformat(m.start)
    )
    assert _tree(tmp_path) == _tree(folder)


def test_generate_other_seed_gives_other_traffic(
    tmp_path: Path, tiny_sample: tuple[Path, Manifest]
) -> None:
    folder, m = tiny_sample
    generate(
        tmp_path, seed=m.seed + 1, vessels=m.vessels, days=m.days, start=date.fromisoformat(m.start)
    )
    assert (tmp_path / "ais" / "2026-11-16.nmea.gz").read_bytes() != (
        folder / "ais" / "2026-11-16.nmea.gz"
    ).read_bytes()


def test_generate_writes_one_gzip_per_day_without_time_stamp_or_name(
    tiny_sample: tuple[Path, Manifest],
) -> None:
    folder, _ = tiny_sample
    files = sorted(p.name for p in (folder / "ais").iterdir())
    assert files == ["2026-11-16.nmea.gz", "2026-11-17.nmea.gz"]
    header = (folder / "ais" / files[0]).read_bytes()[:10]
    assert header[3] & 0x08 == 0  # no FNAME field
    assert header[4:8] == b"\x00\x00\x00\x00"  # mtime 0


def test_every_line_decodes_except_the_counted_broken_ones(
    tiny_sample: tuple[Path, Manifest], tiny_archive: TinyArchive
) -> None:
    _, m = tiny_sample
    arch, _ = tiny_archive
    assert arch.broken == m.broken_lines
    assert all(n > 0 for n in m.broken_lines.values())
    decoded = len(arch.positions) + len(arch.statics)
    assert decoded == sum(m.messages_by_type.values()) + m.duplicate_receptions


def test_lines_are_sorted_by_receive_time_and_use_ai_vdm(
    tiny_sample: tuple[Path, Manifest], tiny_archive: TinyArchive
) -> None:
    folder, _ = tiny_sample
    arch, _ = tiny_archive
    assert arch.unsorted_lines == 0
    text = gzip.decompress((folder / "ais" / "2026-11-16.nmea.gz").read_bytes()).decode()
    tagged = [ln for ln in text.splitlines() if ln.startswith("\\")]
    assert all("\\!AIVDM," in ln for ln in tagged)
    first = tagged[0].split("\\")[-1]
    assert int(decode(first).asdict()["mmsi"] or 0) > 0


def test_type5_is_two_fragments_and_class_b_sends_type24_parts(tiny_archive: TinyArchive) -> None:
    arch, _ = tiny_archive
    kinds = set(arch.statics[c.MSG_TYPE])
    assert kinds == {5, 24}
    parts = arch.statics.loc[arch.statics[c.MSG_TYPE] == 24, c.PART_NUM]
    assert set(parts) == {0, 1}
    class_b = set(arch.positions.loc[arch.positions[c.MSG_TYPE] == 18, c.MMSI])
    assert class_b and class_b <= set(arch.statics.loc[arch.statics[c.MSG_TYPE] == 24, c.MMSI])


def test_nav_status_is_consistent_with_speed(tiny_archive: TinyArchive) -> None:
    arch, _ = tiny_archive
    p = arch.positions[arch.positions[c.MSG_TYPE] != 18]
    assert set(p[c.NAV_STATUS].dropna().astype(int)) <= {0, 1, 5, 7}
    moored = p[p[c.NAV_STATUS] == 5]
    assert (moored[c.SOG_KNOTS] < 0.5).all()
    assert (p.loc[p[c.SOG_KNOTS] > 8, c.NAV_STATUS] == 0).all()


def test_manifest_counts_match_the_truth_and_outcomes(tiny_sample: tuple[Path, Manifest]) -> None:
    folder, m = tiny_sample
    truth = pd.read_csv(folder / "truth.csv")
    outcomes = pd.read_csv(folder / "outcomes.csv")
    assert m.events == truth[c.EVENT_TYPE].value_counts().sort_index().to_dict()
    assert set(m.events) == set(c.EVENT_TYPES) - {c.PORT_VISIT, c.AREA_VISIT}
    assert m.outcomes == len(outcomes) and m.positive_outcomes == int(outcomes[c.LABEL].sum())
    on_disk = json.loads((folder / "manifest.json").read_text())
    assert on_disk["seed"] == m.seed and "ynthetic" in on_disk["synthetic"]
    assert "synthetic" in (folder / "README.md").read_text().lower()


def test_outcomes_fall_on_day_three_or_later_of_the_period(
    tiny_sample: tuple[Path, Manifest],
) -> None:
    folder, m = tiny_sample
    outcomes = pd.read_csv(folder / "outcomes.csv")
    assert list(outcomes.columns) == c.OUTCOME_COLUMNS
    assert (outcomes[c.DATE] >= m.start).all() and (outcomes[c.DATE] <= m.end).all()
    assert set(outcomes[c.LABEL]) <= {0, 1}


def test_generate_rejects_a_single_day(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="days"):
        generate(tmp_path, seed=1, vessels=24, days=1)


def test_generate_rejects_a_fleet_too_small_for_the_behaviour(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="merchant"):
        generate(tmp_path, seed=1, vessels=4, days=2)


def test_command_line_writes_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "--seed",
            "3",
            "--out",
            str(tmp_path),
            "--vessels",
            "20",
            "--days",
            "2",
            "--start",
            "2026-01-05",
        ]
    )
    assert rc == 0
    assert (tmp_path / "ais" / "2026-01-06.nmea.gz").exists()
    assert "20 vessels" in capsys.readouterr().out


def test_outcome_probabilities_sit_beside_the_outcomes_one_per_outcome(
    tiny_sample: tuple[Path, Manifest],
) -> None:
    folder, m = tiny_sample
    outcomes = pd.read_csv(folder / "outcomes.csv")
    probabilities = pd.read_csv(folder / PROBABILITY_FILE)
    assert list(probabilities.columns) == PROBABILITY_COLUMNS
    assert probabilities[[c.MMSI, c.DATE]].equals(outcomes[[c.MMSI, c.DATE]])
    for column in (TRUE_PROBABILITY, BOARDING_PROBABILITY):
        assert probabilities[column].between(0, 1).all()
    assert PROBABILITY_FILE in m.files
