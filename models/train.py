"""Train the LightGBM risk model from features computed as of each outcome's date.

Honest evaluation. The validation rows are the latest outcome dates (at least
``validation_share`` of the rows) and no vessel is on both sides: training rows of a vessel that
also appears in validation are left out of the evaluation model. Calibration (a logistic fit on
margins, Platt scaling) is fitted on out-of-fold margins of the training rows, with folds grouped
by vessel, and measured on the validation rows it never saw. The card reports scikit-learn's
ROC AUC, average precision and Brier score, the precision in the top 10% and 20%, and the same
ranking metrics for two rules on the same validation rows: the Paris MoU ship risk profile and the
count of behaviour events (``models.rules``).

The shipped model is then refitted on every outcome; its calibration comes from out-of-fold
margins over every outcome (folds grouped by vessel), so it describes a model trained on as much
data as the final one, not the evaluation model. The band rule (``models.score``) takes its
thresholds from the card.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from importlib import metadata
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
import sklearn
from sklearn.model_selection import GroupKFold

from vessel_risk.common import columns as c
from vessel_risk.common.errors import ModelError
from vessel_risk.features import catalog
from vessel_risk.features.condition import CONDITION_COLUMNS
from vessel_risk.models import metrics, rules
from vessel_risk.models.card import Model, ModelCard, check_calibration, model_text, with_version

# Every feature the registry decides: its condition features, and the events judged against it.
REGISTRY_FEATURES = (*CONDITION_COLUMNS[1:], catalog.FLAG_MISMATCH, catalog.WATCHLIST_HIT,
                     catalog.MET_WATCHLISTED)


@dataclass(frozen=True)
class TrainParams:
    seed: int = 20261123
    # Labelled boardings are few (hundreds a year for a port): shallow trees (depth 2, so each
    # tree weighs at most a pair of factors; cheap per-vessel explanations), leaves of at least
    # 20 boardings and an L2 penalty on leaf values, so a split is a pattern, not one vessel.
    # Measured (benchmarks/eval_model.py, trained on one 200-vessel world, ranking five others):
    # the former 5-boarding leaves without penalty, 200 rounds at 0.03, ranked at ROC AUC 0.814
    # on average; these settings 0.819 (logistic regression on hand-made indicators: 0.829;
    # oracle 0.858). A watchlist hit needs no leaf of its own: it ranks first by rule.
    num_boost_round: int = 100
    learning_rate: float = 0.05
    num_leaves: int = 4
    max_depth: int = 2
    min_data_in_leaf: int = 20
    lambda_l2: float = 10.0
    # The latest outcome dates holding at least this share of rows are held out for evaluation.
    validation_share: float = 0.3
    # Folds (grouped by vessel) whose out-of-fold margins the calibration is fitted on: five
    # keep each fold's model trained on 80% of the rows, close to the final model.
    calibration_folds: int = 5
    # "high" needs at least this calibrated probability: more likely than not to find something.
    high_min_probability: float = 0.5
    # Train on each row twice, once with the registry unknown (see with_unknown_registry).
    # Measured (eval_model.py worlds): ROC AUC 0.823 -> 0.829 trained on one 200-vessel world,
    # 0.846 -> 0.852 on a 600-vessel one; a quiet vessel without registry data no longer scores
    # above a quiet registered one.
    unknown_registry_copies: bool = True

    def lightgbm_params(self, features: list[str]) -> dict[str, Any]:
        return {
            "objective": "binary",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "max_depth": self.max_depth,
            "min_data_in_leaf": self.min_data_in_leaf,
            "lambda_l2": self.lambda_l2,
            "monotone_constraints": [catalog.BY_NAME[f].direction for f in features],
            "monotone_constraints_method": "basic",
            "seed": self.seed,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": 1,
            "verbosity": -1,
        }


def split_by_time(dates: pd.Series, validation_share: float) -> np.ndarray:
    """Boolean mask of held-out rows: the latest dates covering >= ``validation_share`` of rows."""
    unique = np.sort(dates.unique())
    if len(unique) < 2:
        return np.zeros(len(dates), dtype=bool)
    counts = dates.value_counts().reindex(unique).to_numpy()
    share_from_end = np.cumsum(counts[::-1]) / counts.sum()
    n_held = int(np.searchsorted(share_from_end, validation_share) + 1)
    n_held = min(n_held, len(unique) - 1)
    return dates.isin(unique[-n_held:]).to_numpy()


def split_by_time_and_vessel(
    dates: pd.Series, vessels: pd.Series, validation_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """(train, held) masks: held = the latest dates; train = earlier rows of other vessels."""
    held = split_by_time(dates, validation_share)
    train = ~held & ~vessels.isin(set(vessels[held])).to_numpy()
    return train, held


def out_of_fold_margins(x: pd.DataFrame, y: np.ndarray, groups: np.ndarray,
                        params: TrainParams) -> np.ndarray:
    """Each row's margin from a model that did not see its vessel (``calibration_folds`` folds
    grouped by vessel)."""
    margins = np.zeros(len(y), dtype="float64")
    folds = min(params.calibration_folds, len(np.unique(groups)))
    if folds < 2:
        return margins
    lgb_params = params.lightgbm_params(list(x.columns))
    for fit, predict in GroupKFold(n_splits=folds).split(x, y, groups):
        booster = _fit(lgb_params, x.iloc[fit], y[fit], params)
        margins[predict] = booster.predict(x.iloc[predict], raw_score=True)
    return margins


def _fit(lgb_params: dict[str, Any], x: pd.DataFrame, y: np.ndarray,
         params: TrainParams) -> lgb.Booster:
    if params.unknown_registry_copies:
        x, y = with_unknown_registry(x, y)
    return lgb.train(lgb_params, lgb.Dataset(x, y, free_raw_data=False),
                     num_boost_round=params.num_boost_round)


def with_unknown_registry(x: pd.DataFrame, y: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows twice: as they are, and with every registry feature unknown (NaN).

    In training data, "not in the registry" is a kind of vessel (in the sample: small craft and
    ships with a mis-set MMSI); at screening time "unknown" is as often the user's registry
    extract (none at all, or an empty vessels.csv). The copies teach the model what the evidence
    means when the registry says nothing, so an unknown registry is never a risk in itself.
    """
    blank = x.copy()
    blank[[f for f in REGISTRY_FEATURES if f in blank]] = np.nan
    return pd.concat([x, blank], ignore_index=True), np.concatenate([y, y])


def evaluate(x: pd.DataFrame, y: np.ndarray, vessels: np.ndarray, train: np.ndarray,
             held: np.ndarray, params: TrainParams) -> tuple[dict[str, Any], dict[str, Any]]:
    """(model metrics, baseline rules' metrics) on the held rows, as the card reports them."""
    if not (train.any() and held.any()) or len(np.unique(y[train])) < 2:
        return {}, {}
    xt, yt = x[train], y[train]
    early = _fit(params.lightgbm_params(list(x.columns)), xt, yt, params)
    a, b = metrics.fit_calibration(out_of_fold_margins(xt, yt, vessels[train], params), yt)
    prob = metrics.apply_calibration(np.asarray(early.predict(x[held], raw_score=True)), a, b)
    ranking = metrics.ranking_metrics(y[held], prob)
    model_metrics: dict[str, Any] = {f"validation_{k}": v for k, v in ranking.items()}
    model_metrics |= {
        "validation_brier": metrics.brier(y[held], prob),
        "validation_brier_of_base_rate": metrics.brier(y[held], np.full(held.sum(), yt.mean())),
        "validation_base_rate": float(y[held].mean()),
    }
    baseline: dict[str, Any] = {"name": "Paris MoU ship risk profile (rule, models.rules)"}
    srp = metrics.ranking_metrics(y[held], rules.ship_risk_profile(x[held]))
    baseline |= {f"validation_{k}": v for k, v in srp.items()}
    events = metrics.ranking_metrics(y[held], rules.event_count_rule(x[held]))
    baseline["event_count_rule"] = {f"validation_{k}": v for k, v in events.items()}
    return model_metrics, baseline


def band_rule(params: TrainParams, base_rate: float) -> dict[str, Any]:
    """The band thresholds the card carries (applied by models.score.risk_list)."""
    return {
        "high_min_probability": params.high_min_probability,
        "medium_min_probability": round(base_rate, 4),
        "rule": (
            "high: every watchlist hit, then the highest-ranked vessels up to the day's capacity "
            f"(ScoreParams.daily_capacity) whose calibrated probability is at least "
            f"{params.high_min_probability:.2f} and whose evidence is more than a feed artefact; "
            f"medium: probability at least the training base rate {base_rate:.2f}; low: the rest"
        ),
    }


def train_model(training: pd.DataFrame, params: TrainParams = TrainParams(),
                outcomes_without_ais: int = 0, notes: tuple[str, ...] = (),
                demonstration: bool = False) -> Model:
    """``training``: one row per outcome with ``date``, ``mmsi``, ``label`` and every catalog
    feature.

    ``outcomes_without_ais`` (outcomes whose vessel was not heard), ``notes`` (what the data
    is, e.g. synthetic) and ``demonstration`` (trained on synthetic data) are recorded in the card.
    """
    features = list(catalog.MODEL_FEATURES)
    missing = [col for col in [c.DATE, c.MMSI, c.LABEL, *features] if col not in training]
    if missing:
        raise ModelError(f"training table lacks columns: {', '.join(missing)}")
    if training[c.LABEL].nunique() < 2:
        raise ModelError("training needs both labels (0 and 1) among the outcomes")
    data = training.sort_values([c.DATE, c.MMSI], kind="mergesort").reset_index(drop=True)
    x = data[features].astype("float64")
    y = data[c.LABEL].astype("int64").to_numpy()
    vessels = data[c.MMSI].astype("int64").to_numpy()
    train, held = split_by_time_and_vessel(data[c.DATE], data[c.MMSI], params.validation_share)
    evaluation, baseline = evaluate(x, y, vessels, train, held, params)

    booster = _fit(params.lightgbm_params(features), x, y, params)
    a, b = metrics.fit_calibration(out_of_fold_margins(x, y, vessels, params), y)
    # a model whose calibration load_model would refuse is refused here, where it is made
    check_calibration({"a": a, "b": b}, "training: the calibration fitted on out-of-fold margins")
    dates = data[c.DATE].astype(str)
    card = ModelCard(
        version="",
        features=features,
        training_window={"first_outcome_date": dates.min(), "last_outcome_date": dates.max(),
                         "validation_from": dates[held].min() if held.any() else ""},
        data_sizes={"rows": int(len(data)), "positives": int(y.sum()),
                    "vessels": int(len(np.unique(vessels))),
                    "train_rows": int(train.sum()), "validation_rows": int(held.sum()),
                    "validation_vessels": int(len(np.unique(vessels[held]))),
                    "rows_left_out_of_evaluation": int((~train & ~held).sum()),
                    "outcomes_without_ais": outcomes_without_ais},
        metrics=evaluation,
        baseline=baseline,
        calibration={"a": a, "b": b},
        params={"train": asdict(params), "lightgbm": params.lightgbm_params(features),
                "calibration": "logistic fit on out-of-fold margins (folds grouped by vessel)"},
        seed=params.seed,
        versions={"vessel_risk": metadata.version("vessel-risk"), "lightgbm": lgb.__version__,
                  "scikit-learn": sklearn.__version__},
        notes=list(notes),
        demonstration=demonstration,
        bands=band_rule(params, float(y.mean())),
    )
    return Model(booster, _with_version(card, booster))


def _with_version(card: ModelCard, booster: lgb.Booster) -> ModelCard:
    """The version is a digest of the model and its card (models.card.model_version), the one
    load_model checks: same data and seed, same version."""
    return with_version(card, model_text(booster))
