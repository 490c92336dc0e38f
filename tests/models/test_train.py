from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.models.builders import training_rows
from vessel_risk.common import columns as c
from vessel_risk.common.errors import ModelError
from vessel_risk.features import catalog
from vessel_risk.models.card import CARD_FILE, MODEL_FILE, load_model, save_model
from vessel_risk.models.score import score_features
from vessel_risk.models.train import (
    TrainParams,
    out_of_fold_margins,
    split_by_time,
    split_by_time_and_vessel,
    train_model,
)


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
    assert card.features == list(catalog.MODEL_FEATURES)
    assert catalog.DAYS_SEEN not in card.features  # context, not evidence
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


def test_split_by_time_and_vessel_keeps_every_vessel_on_one_side() -> None:
    dates = pd.Series(pd.to_datetime(["2026-01-01"] * 3 + ["2026-01-02"] * 3))
    vessels = pd.Series([1, 2, 3, 1, 4, 5])
    train, held = split_by_time_and_vessel(dates, vessels, 0.4)
    assert held.tolist() == [False] * 3 + [True] * 3
    assert train.tolist() == [False, True, True, False, False, False]  # vessel 1 is held out
    assert not set(vessels[train]) & set(vessels[held])


def test_train_model_card_compares_with_both_rules_on_the_same_held_out_rows() -> None:
    card = train_model(training_rows(600, days=8)).card
    sizes = card.data_sizes
    assert sizes["validation_rows"] > 0 and sizes["train_rows"] > 0
    assert sizes["train_rows"] + sizes["validation_rows"] + sizes[
        "rows_left_out_of_evaluation"] == sizes["rows"]
    assert card.baseline["name"].startswith("Paris MoU ship risk profile")
    for key in ("validation_roc_auc", "validation_precision_at_top10pct"):
        assert key in card.baseline and key in card.baseline["event_count_rule"]
    assert 0 <= card.metrics["validation_brier"] <= card.metrics["validation_brier_of_base_rate"]
    assert "out-of-fold" in card.params["calibration"]
    assert card.versions["scikit-learn"]


def test_out_of_fold_margins_come_from_models_that_never_saw_the_vessel() -> None:
    rows = training_rows(200)
    x = rows[list(catalog.FEATURE_NAMES)]
    y = rows[c.LABEL].to_numpy()
    twin = rows.assign(**{c.MMSI: 1})  # one vessel: no fold can leave it out
    assert not out_of_fold_margins(x, y, twin[c.MMSI].to_numpy(), TrainParams()).any()
    margins = out_of_fold_margins(x, y, rows[c.MMSI].to_numpy(), TrainParams())
    assert margins.std() > 0
