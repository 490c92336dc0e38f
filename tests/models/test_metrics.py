from __future__ import annotations

import numpy as np
import pytest

from vessel_risk.models import metrics


def test_ranking_metrics_are_perfect_for_a_perfect_ranking_and_none_with_one_class() -> None:
    y = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    found = metrics.ranking_metrics(y, np.arange(10.0))
    assert found["roc_auc"] == 1.0 and found["average_precision"] == 1.0
    assert found["precision_at_top10pct"] == 1.0 and found["precision_at_top20pct"] == 1.0
    assert metrics.ranking_metrics(np.ones(3), np.arange(3.0))["roc_auc"] is None


def test_precision_at_top_counts_positives_among_the_highest_scores() -> None:
    y = np.array([1, 0, 1, 0])
    assert metrics.precision_at_top(y, np.array([4.0, 3.0, 2.0, 1.0]), 0.5) == 0.5
    assert metrics.precision_at_top(y, np.array([4.0, 3.0, 2.0, 1.0]), 0.01) == 1.0


def test_fit_calibration_recovers_a_known_logistic_curve() -> None:
    rng = np.random.default_rng(0)
    raw = rng.normal(0, 2, 20000)
    y = rng.random(20000) < 1 / (1 + np.exp(-(0.5 * raw - 1)))
    a, b = metrics.fit_calibration(raw, y)
    assert a == pytest.approx(0.5, abs=0.05)
    assert b == pytest.approx(-1, abs=0.05)
    assert metrics.apply_calibration(np.array([2.0]), a, b)[0] == pytest.approx(0.5, abs=0.03)


def test_fit_calibration_is_the_identity_with_one_class() -> None:
    assert metrics.fit_calibration(np.arange(5.0), np.zeros(5)) == (1.0, 0.0)
