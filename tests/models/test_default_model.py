"""The shipped default model is what training on the bundled sample with the default seed gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from vessel_risk.features.build import Reference
from vessel_risk.features.land import LandMask
from vessel_risk.flows.settings import (
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_MODEL,
    SAMPLE_AIS,
    SAMPLE_MODEL_NOTE,
    SAMPLE_OUTCOMES,
    SAMPLE_REGISTRY,
)
from vessel_risk.ingest.ais import ingest_ais
from vessel_risk.ingest.outcomes import read_outcomes
from vessel_risk.ingest.registry import read_registry
from vessel_risk.models.card import CARD_FILE, MODEL_FILE, load_model, save_model
from vessel_risk.models.dataset import training_table
from vessel_risk.models.train import train_model

pytestmark = pytest.mark.slow


def test_retraining_on_the_sample_with_the_same_seed_reproduces_the_default_model(
        tmp_path: Path, land_mask: LandMask) -> None:
    tables = ingest_ais([SAMPLE_AIS])
    table = training_table(tables.positions, tables.statics, read_registry(SAMPLE_REGISTRY),
                           read_outcomes(SAMPLE_OUTCOMES), DEFAULT_LOOKBACK_DAYS,
                           reference=Reference(land=land_mask))
    model = train_model(table.rows, outcomes_without_ais=table.outcomes_without_ais,
                        notes=(SAMPLE_MODEL_NOTE,), demonstration=True)
    retrained = save_model(model, tmp_path / "model")
    for name in (MODEL_FILE, CARD_FILE):
        assert (retrained / name).read_bytes() == (DEFAULT_MODEL / name).read_bytes(), name


def test_default_model_card_says_it_is_synthetic_and_beats_its_baseline() -> None:
    card = load_model(DEFAULT_MODEL).card
    assert any("synthetic" in note for note in card.notes)
    assert card.metrics["validation_roc_auc"] > card.baseline["validation_roc_auc"]
