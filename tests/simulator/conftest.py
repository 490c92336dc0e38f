"""Shared fixtures: one tiny generated sample per test session, decoded once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from vessel_risk.simulator.check import Archive, read_archive, read_truth
from vessel_risk.simulator.generate import generate
from vessel_risk.simulator.manifest import Manifest

TINY_SEED = 7
TINY_VESSELS = 24
TINY_DAYS = 2
TINY_START = date(2026, 11, 16)


@pytest.fixture(scope="session")
def tiny_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    """A 24-vessel, 2-day sample (every behaviour injected at least once)."""
    out = tmp_path_factory.mktemp("tiny")
    manifest = generate(out, seed=TINY_SEED, vessels=TINY_VESSELS, days=TINY_DAYS, start=TINY_START)
    return out, manifest


@pytest.fixture(scope="session")
def tiny_archive(tiny_sample: tuple[Path, Manifest]) -> tuple[Archive, pd.DataFrame]:
    """The tiny sample's decoded AIS archive and its truth table."""
    folder, _ = tiny_sample
    return read_archive(folder), read_truth(folder)
