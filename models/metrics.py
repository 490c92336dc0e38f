"""Evaluation and calibration, on scikit-learn: what the card reports and how scores are calibrated.

Ranking and probability metrics are scikit-learn's (``roc_auc_score``,
``average_precision_score``, ``brier_score_loss``); calibration is a logistic fit on the model's
margins (Platt scaling, scikit-learn's ``LogisticRegression``). Only the officer's question
"how many of my top k% were right?" is computed here, in two lines.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

# A weak ridge on the two calibration parameters: keeps a separable fold from pushing the slope to
# infinity, and is negligible with the hundreds of outcomes a model is trained on.
CALIBRATION_C = 100.0


def precision_at_top(labels: np.ndarray, scores: np.ndarray, share: float) -> float:
    """Share of positives among the ``share`` highest scores (at least one row; ties by order)."""
    top = max(1, int(round(share * len(labels))))
    order = np.argsort(-np.asarray(scores, dtype="float64"), kind="stable")[:top]
    return float(np.asarray(labels)[order].mean())


def ranking_metrics(labels: np.ndarray, scores: np.ndarray) -> dict[str, float | None]:
    """ROC AUC, average precision and precision in the top 10% and 20%; None without both
    classes."""
    y = np.asarray(labels, dtype="int64")
    if len(np.unique(y)) < 2:
        return {"roc_auc": None, "average_precision": None,
                "precision_at_top10pct": None, "precision_at_top20pct": None}
    return {
        "roc_auc": float(roc_auc_score(y, scores)),
        "average_precision": float(average_precision_score(y, scores)),
        "precision_at_top10pct": precision_at_top(y, scores, 0.10),
        "precision_at_top20pct": precision_at_top(y, scores, 0.20),
    }


def brier(labels: np.ndarray, probabilities: np.ndarray) -> float:
    return float(brier_score_loss(np.asarray(labels, dtype="int64"), probabilities))


def fit_calibration(margins: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(a, b) so that ``sigmoid(a * margin + b)`` is calibrated; (1, 0) with one class only."""
    y = np.asarray(labels, dtype="int64")
    if len(np.unique(y)) < 2:
        return 1.0, 0.0
    fit = LogisticRegression(C=CALIBRATION_C).fit(np.asarray(margins).reshape(-1, 1), y)
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


def apply_calibration(margins: np.ndarray, a: float, b: float) -> np.ndarray:
    return np.asarray(expit(a * np.asarray(margins, dtype="float64") + b), dtype="float64")
