"""Ranking and calibration metrics, in plain numpy (no scikit-learn dependency)."""

from __future__ import annotations

import numpy as np


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """Area under the ROC curve (ties count half); None when only one class is present."""
    y = np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = _average_ranks(np.asarray(scores, dtype="float64"))
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """Mean precision at each positive, ranking by score (ties broken by input order)."""
    y = np.asarray(labels, dtype=bool)
    if not y.any():
        return None
    order = np.argsort(-np.asarray(scores, dtype="float64"), kind="stable")
    hits = y[order]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits].mean())


def brier(labels: np.ndarray, probabilities: np.ndarray) -> float:
    y = np.asarray(labels, dtype="float64")
    return float(np.mean((np.asarray(probabilities, dtype="float64") - y) ** 2))


def precision_recall_at(labels: np.ndarray, scores: np.ndarray, top: int) -> tuple[float, float]:
    """Precision and recall among the ``top`` highest scores."""
    y = np.asarray(labels, dtype=bool)
    order = np.argsort(-np.asarray(scores, dtype="float64"), kind="stable")[:top]
    hits = int(y[order].sum())
    return hits / max(len(order), 1), hits / max(int(y.sum()), 1)


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype="float64")
    sorted_values = values[order]
    boundaries = np.flatnonzero(np.diff(sorted_values)) + 1
    starts = np.concatenate([[0], boundaries])
    ends = np.concatenate([boundaries, [len(values)]])
    for start, end in zip(starts, ends):
        ranks[order[start:end]] = (start + end + 1) / 2.0
    return ranks


def fit_platt(raw: np.ndarray, labels: np.ndarray, iterations: int = 50) -> tuple[float, float]:
    """Platt scaling: (a, b) so that 1 / (1 + exp(-(a * raw + b))) is calibrated.

    Newton's method on the log loss, with Platt's smoothed targets so that a separable validation
    set cannot push the slope to infinity. Returns (1, 0) when a class is missing.
    """
    x = np.asarray(raw, dtype="float64")
    y = np.asarray(labels, dtype="float64")
    n_pos, n_neg = y.sum(), len(y) - y.sum()
    if n_pos == 0 or n_neg == 0:
        return 1.0, 0.0
    target = np.where(y > 0, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    a, b = 1.0, 0.0
    for _ in range(iterations):
        p = _sigmoid(a * x + b)
        w = np.maximum(p * (1 - p), 1e-12)
        grad = np.array([np.sum((p - target) * x), np.sum(p - target)])
        hess = np.array([[np.sum(w * x * x), np.sum(w * x)], [np.sum(w * x), np.sum(w)]])
        hess += np.eye(2) * 1e-9
        step = np.linalg.solve(hess, grad)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-10:
            break
    return float(a), float(b)


def apply_platt(raw: np.ndarray, a: float, b: float) -> np.ndarray:
    return _sigmoid(a * np.asarray(raw, dtype="float64") + b)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500.0, 500.0)))
