"""Train the LightGBM risk model from features computed as of each outcome's date.

Evaluation is time-aware: the latest outcome dates are held out, the model trained on the earlier
ones is scored on them, and Platt scaling fitted there calibrates the final model, which is then
refitted on every outcome. The card records the comparison with a no-model baseline (ranking by
the number of behaviour events).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

import vessel_risk
from features import catalog
from models import metrics
from models.card import Model, ModelCard
from vessel_risk import columns as c
from vessel_risk.errors import ModelError


@dataclass(frozen=True)
class TrainParams:
    seed: int = 20261123
    # Labelled boardings are few (hundreds a year for a port): shallow trees (depth 2, so each
    # tree weighs at most a pair of factors) with small leaves, many slow rounds. Rare but strong
    # signals such as a watchlist hit get their own split; shallow trees also keep per-vessel
    # explanations (pred_contrib) cheap.
    num_boost_round: int = 200
    learning_rate: float = 0.03
    num_leaves: int = 4
    max_depth: int = 2
    min_data_in_leaf: int = 5
    # The latest outcome dates holding at least this share of rows are held out for evaluation.
    validation_share: float = 0.3

    def lightgbm_params(self, features: list[str]) -> dict[str, Any]:
        return {
            "objective": "binary",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "max_depth": self.max_depth,
            "min_data_in_leaf": self.min_data_in_leaf,
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


def train_model(training: pd.DataFrame, params: TrainParams = TrainParams(),
                outcomes_without_ais: int = 0, notes: tuple[str, ...] = ()) -> Model:
    """``training``: one row per outcome with ``date``, ``label`` and every catalog feature.

    ``outcomes_without_ais`` (outcomes whose vessel was not heard) and ``notes`` (what the data
    is, e.g. synthetic) are recorded in the card.
    """
    features = list(catalog.FEATURE_NAMES)
    missing = [col for col in [c.DATE, c.LABEL, *features] if col not in training]
    if missing:
        raise ModelError(f"training table lacks columns: {', '.join(missing)}")
    if training[c.LABEL].nunique() < 2:
        raise ModelError("training needs both labels (0 and 1) among the outcomes")
    data = training.sort_values([c.DATE, c.MMSI], kind="mergesort").reset_index(drop=True)
    x = data[features].astype("float64")
    y = data[c.LABEL].astype("int64").to_numpy()
    held = split_by_time(data[c.DATE], params.validation_share)
    lgb_params = params.lightgbm_params(features)

    evaluation: dict[str, float | None] = {}
    baseline: dict[str, Any] = {"name": "count of behaviour events (no model)"}
    a, b = 1.0, 0.0
    if held.any() and (~held).any() and len(np.unique(y[~held])) == 2:
        early = lgb.train(lgb_params, lgb.Dataset(x[~held], y[~held], free_raw_data=False),
                          num_boost_round=params.num_boost_round)
        raw = np.asarray(early.predict(x[held], raw_score=True))
        a, b = metrics.fit_platt(raw, y[held])
        prob = metrics.apply_platt(raw, a, b)
        top = max(1, int(round(0.2 * held.sum())))
        precision, recall = metrics.precision_recall_at(y[held], prob, top)
        evaluation = {
            "validation_roc_auc": metrics.roc_auc(y[held], prob),
            "validation_average_precision": metrics.average_precision(y[held], prob),
            "validation_brier": metrics.brier(y[held], prob),
            "validation_precision_at_top20pct": precision,
            "validation_recall_at_top20pct": recall,
            "validation_base_rate": float(y[held].mean()),
        }
        counts = x.loc[held, [f.name for f in catalog.FEATURES
                              if f.event_type and f.direction > 0 and f.name.endswith("count")]]
        base_score = counts.fillna(0).sum(axis=1).to_numpy()
        baseline |= {
            "validation_roc_auc": metrics.roc_auc(y[held], base_score),
            "validation_average_precision": metrics.average_precision(y[held], base_score),
        }
    booster = lgb.train(lgb_params, lgb.Dataset(x, y, free_raw_data=False),
                        num_boost_round=params.num_boost_round)
    dates = data[c.DATE].astype(str)
    card = ModelCard(
        version="",
        features=features,
        training_window={"first_outcome_date": dates.min(), "last_outcome_date": dates.max(),
                         "validation_from": dates[held].min() if held.any() else ""},
        data_sizes={"rows": int(len(data)), "positives": int(y.sum()),
                    "vessels": int(data[c.MMSI].nunique()),
                    "train_rows": int((~held).sum()), "validation_rows": int(held.sum()),
                    "outcomes_without_ais": outcomes_without_ais},
        metrics=evaluation,
        baseline=baseline,
        calibration={"a": a, "b": b},
        params={"train": asdict(params), "lightgbm": lgb_params},
        seed=params.seed,
        versions={"vessel_risk": vessel_risk.__version__, "lightgbm": lgb.__version__},
        notes=list(notes),
    )
    return Model(booster, _with_version(card, booster))


def _with_version(card: ModelCard, booster: lgb.Booster) -> ModelCard:
    """The version is a digest of the model and its card: same data and seed, same version."""
    digest = hashlib.sha256(booster.model_to_string().encode())
    digest.update(json.dumps(asdict(card), sort_keys=True, default=str).encode())
    last = card.training_window["last_outcome_date"]
    return ModelCard(**(asdict(card) | {"version": f"{last}-{digest.hexdigest()[:10]}"}))
