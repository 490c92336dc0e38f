from __future__ import annotations

import numpy as np
import pytest

from models import metrics


def test_roc_auc_is_one_for_perfect_ranking_and_half_for_ties() -> None:
    y = np.array([0, 0, 1, 1])
    assert metrics.roc_auc(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert metrics.roc_auc(y, np.zeros(4)) == 0.5


def test_roc_auc_is_none_with_one_class() -> None:
    assert metrics.roc_auc(np.ones(3), np.arange(3)) is None


def test_average_precision_rewards_positives_ranked_first() -> None:
    y = np.array([1, 0, 1, 0])
    assert metrics.average_precision(y, np.array([4, 3, 2, 1])) == pytest.approx((1 + 2 / 3) / 2)


def test_fit_platt_recovers_a_known_logistic_curve() -> None:
    rng = np.random.default_rng(0)
    raw = rng.normal(0, 2, 20000)
    y = rng.random(20000) < 1 / (1 + np.exp(-(0.5 * raw - 1)))
    a, b = metrics.fit_platt(raw, y)
    assert a == pytest.approx(0.5, abs=0.05)
    assert b == pytest.approx(-1, abs=0.05)


def test_precision_recall_at_counts_hits_in_the_top() -> None:
    p, r = metrics.precision_recall_at(np.array([1, 0, 1, 0]), np.array([4, 3, 2, 1]), 2)
    assert (p, r) == (0.5, 0.5)
