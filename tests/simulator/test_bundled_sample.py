"""The committed sample in data/sample/ says what its truth table says (slow: decodes 170k lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vessel_risk.common import columns as c
from vessel_risk.simulator.check import (
    check_at_sea,
    check_gaps,
    check_normal_vessels,
    check_slow_far,
    read_archive,
    read_truth,
)
from vessel_risk.simulator.generate import DEFAULT_SEED

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
MAX_SAMPLE_BYTES = 4_200_000  # the sample is committed to git: keep it a few MB

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SAMPLE / "manifest.json").exists(), reason="data/sample not generated"),
]


def test_bundled_sample_is_small_synthetic_and_from_the_default_seed() -> None:
    manifest = json.loads((SAMPLE / "manifest.json").read_text())
    assert manifest["seed"] == DEFAULT_SEED and "ynthetic" in manifest["synthetic"]
    size = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert size <= MAX_SAMPLE_BYTES


def test_bundled_sample_behaviour_matches_its_truth() -> None:
    arch, truth = read_archive(SAMPLE), read_truth(SAMPLE)
    manifest = json.loads((SAMPLE / "manifest.json").read_text())
    assert arch.broken == manifest["broken_lines"] and arch.unsorted_lines == 0
    assert check_gaps(arch, truth) == []
    assert check_slow_far(arch, truth, c.LOITERING) == []
    assert check_slow_far(arch, truth, c.ENCOUNTER) == []
    assert check_normal_vessels(arch, truth) == []
    assert check_at_sea(arch) == []
    per_type = truth.groupby(c.EVENT_TYPE)[c.MMSI].nunique()
    assert (per_type >= 5).all(), per_type.to_dict()
    assert truth[c.MMSI].nunique() < 0.25 * manifest["vessels"]  # a minority of the fleet
