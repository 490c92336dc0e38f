from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features import catalog
from models.card import CARD_FILE, MODEL_FILE, load_model, save_model
from models.score import score_features
from models.train import TrainParams, split_by_time, train_model
from tests.models.builders import training_rows
from vessel_risk import columns as c
from vessel_risk.errors import ModelError


def test_train_model_learns_that_behaviour_raises_risk() -> None:
    model = train_model(training_rows())
    rows = training_rows(50, seed=9)
    quiet = rows.assign(**{catalog.GAP_COUNT: 0.0, catalog.ENCOUNTER_COUNT: 0.0})
    busy = rows.assign(**{catalog.GAP_COUNT: 3.0, catalog.ENCOUNTER_COUNT: 2.0})
    assert (score_features(busy, model)[0] > score_features(quiet, model)[0]).all()


def test_train_model_with_same_seed_writes_identical_files(tmp_path: Path) -> None:
    rows = training_rows()
    a = save_model(train_model(rows), tmp_path / "a")
    b = save_model(train_model(rows), tmp_path / "b")
    for name in (MODEL_FILE, CARD_FILE):
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_train_model_card_records_window_sizes_metrics_and_baseline() -> None:
    card = train_model(training_rows()).card
    assert card.features == list(catalog.FEATURE_NAMES)
    assert card.training_window["first_outcome_date"] == "2026-11-16"
    assert card.data_sizes["rows"] == 400
    assert card.data_sizes["validation_rows"] > 0
    assert 0.5 < card.metrics["validation_roc_auc"] <= 1.0
    assert "validation_roc_auc" in card.baseline


def test_train_model_rejects_single_class_outcomes() -> None:
    rows = training_rows().assign(**{c.LABEL: 0})
    with pytest.raises(ModelError, match="both labels"):
        train_model(rows)


def test_train_model_names_missing_feature_column() -> None:
    with pytest.raises(ModelError, match=catalog.GAP_COUNT):
        train_model(training_rows().drop(columns=[catalog.GAP_COUNT]))


def test_split_by_time_holds_out_the_latest_dates() -> None:
    dates = pd.Series(pd.to_datetime(["2026-01-01"] * 6 + ["2026-01-02"] * 2 + ["2026-01-03"] * 2))
    held = split_by_time(dates, 0.3)
    assert held.tolist() == [False] * 6 + [True] * 4


def test_load_model_round_trips_and_predicts_the_same(tmp_path: Path) -> None:
    rows = training_rows()
    model = train_model(rows, TrainParams(num_boost_round=20))
    loaded = load_model(save_model(model, tmp_path / "m"))
    assert loaded.card == model.card
    np.testing.assert_array_equal(score_features(rows, loaded)[0], score_features(rows, model)[0])


def test_load_model_names_the_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=MODEL_FILE):
        load_model(tmp_path)
