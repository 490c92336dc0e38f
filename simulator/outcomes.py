"""Boarding outcomes (labels) for training: who was boarded when, and whether found of interest.

Probability model (documented so the model's job is clear, and deliberately noisy):

    logit P(label = 1) = -2.5
        + 3.5 * [gap, loitering or encounter started in the 7 days before the boarding date]
        + 3.0 * [spoofing, identity_shared or identity_change started in those 7 days]
        + 3.0 * [invalid_mmsi, flag_mismatch or watchlist: standing facts, always visible]
        + 0.04 * (age in years - 20)
        + 0.6 * [unclassed] + 0.5 * [poor flag] + 0.4 * min(detentions in the registry, 3)
        + Normal(0, 0.5)  (what officers see on board that no data shows)

Behaviour counts only when it *started before the boarding day* (before 00:00 UTC of that date),
so features computed as of that date can see it: no look-ahead. About 70% of the fleet is boarded
on one of days 3..N of the period, half of those twice; officers pick ships with injected
behaviour 2.5 times as often as others (targeted boardings), and usually in the week after the
behaviour started, so positives are not too rare.

Each outcome's probabilities are kept beside the labels for measurement (an oracle to compare
models with), in ``outcome_probabilities.csv`` (``PROBABILITY_FILE``) which the product never
reads: ``true_probability`` is P(label = 1) from everything the world's data could show (the
formula above without the on-board noise); ``boarding_probability`` adds the noise draw the label
was actually drawn with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.simulator.fleet import POOR_FLAGS, Vessel

AT_SEA = (c.GAP, c.LOITERING, c.ENCOUNTER)
MESSAGE = (c.SPOOFING, c.IDENTITY_SHARED, c.IDENTITY_CHANGE)
STANDING = (c.INVALID_MMSI, c.FLAG_MISMATCH, c.WATCHLIST)

PROBABILITY_FILE = "outcome_probabilities.csv"
TRUE_PROBABILITY = "true_probability"  # P(label = 1) from what the data could show
BOARDING_PROBABILITY = "boarding_probability"  # the same with the on-board noise drawn
PROBABILITY_COLUMNS = [c.MMSI, c.DATE, TRUE_PROBABILITY, BOARDING_PROBABILITY]


@dataclass(frozen=True)
class OutcomeParams:
    """Boarding rate and the label model's coefficients (see the module docstring)."""

    boarded_share: float = 0.7  # a busy week of port-state control: most callers are boarded
    twice_share: float = 0.5  # many ships are boarded again a few days later
    first_day: int = 3  # boardings from day 3 on, so there is behaviour history to learn from
    intercept: float = -2.5  # about one boarding in twelve finds something on an ordinary ship
    targeting_weight: float = 2.5  # suspicious ships are picked for boarding more often
    w_at_sea: float = 3.5  # the strongest signal officers act on
    w_message: float = 3.0  # identity games: strong, but sometimes equipment faults
    w_standing: float = 3.0  # invalid identity, flag mismatch or listing: always visible
    w_age_per_year: float = 0.04  # old ships: worn equipment, cheaper to risk
    w_unclassed: float = 0.6  # nobody surveys hull and machinery
    w_poor_flag: float = 0.5  # weak flag-state oversight
    w_detention: float = 0.4  # per past detention, capped at three
    noise_sd: float = 0.5  # keeps the label from being a rule of the features
    lookback_days: int = 7
    # Share of targeted vessels boarded in the days after their behaviour (intelligence-led).
    after_behaviour_share: float = 0.8


def outcomes_table(
    fleet: list[Vessel],
    truth: pd.DataFrame,
    registry_flags: dict[int, str],
    detentions: dict[int, int],
    start: date,
    days: int,
    rng: np.random.Generator,
    params: OutcomeParams = OutcomeParams(),
) -> pd.DataFrame:
    """outcomes.csv: mmsi, imo, date, label for the boarded vessels, sorted by date and MMSI,
    plus the two probability columns of ``PROBABILITY_COLUMNS`` (written to ``PROBABILITY_FILE``,
    never to outcomes.csv).

    ``registry_flags`` and ``detentions`` are keyed by fleet index (missing: not registered).
    """
    first = min(params.first_day, days)
    n = int(round(params.boarded_share * len(fleet)))
    flagged = truth[c.MMSI].to_numpy()
    w = np.array([params.targeting_weight if np.isin(v.mmsi, flagged) else 1.0 for v in fleet])
    chosen = np.sort(rng.choice(len(fleet), size=n, replace=False, p=w / w.sum()))
    recs = []
    for i in chosen:  # one loop over the boarded vessels (a few dozen)
        v = fleet[int(i)]
        k = 2 if rng.random() < params.twice_share and days - first >= 1 else 1
        offs = np.sort(rng.choice(_boarding_days(v, truth, start, first, days, rng, params),
                                  size=k, replace=False))
        for off in offs:
            day = start + timedelta(days=int(off))
            p = label_probability(
                v,
                truth,
                registry_flags.get(v.index, v.flag),
                detentions.get(v.index, 0),
                day,
                params,
            )
            noisy = 1 / (1 + np.exp(-(np.log(p / (1 - p)) + rng.normal(0, params.noise_sd))))
            recs.append(
                {
                    c.MMSI: v.mmsi,
                    c.IMO: v.imo,
                    c.DATE: day.isoformat(),
                    c.LABEL: int(rng.random() < noisy),
                    TRUE_PROBABILITY: p,
                    BOARDING_PROBABILITY: float(noisy),
                }
            )
    df = pd.DataFrame(recs, columns=[*c.OUTCOME_COLUMNS, TRUE_PROBABILITY, BOARDING_PROBABILITY])
    df[c.IMO] = df[c.IMO].astype("Int64")
    return df.sort_values([c.DATE, c.MMSI], kind="mergesort").reset_index(drop=True)


def _boarding_days(v: Vessel, truth: pd.DataFrame, start: date, first: int, days: int,
                   rng: np.random.Generator, params: OutcomeParams) -> np.ndarray:
    """Day offsets a vessel may be boarded on. Targeted boardings follow the behaviour that
    prompted them: usually within the week after it started."""
    every = np.arange(first - 1, days)
    started = pd.to_datetime(
        truth.loc[(truth[c.MMSI] == v.mmsi) & truth[c.EVENT_TYPE].isin(AT_SEA + MESSAGE), c.START],
        utc=True,
    )
    if started.empty or rng.random() >= params.after_behaviour_share:
        return every
    first_day = (started.min().date() - start).days
    after = every[(every > first_day) & (every <= first_day + params.lookback_days)]
    return after if len(after) >= 2 else every


def label_probability(
    v: Vessel,
    truth: pd.DataFrame,
    flag: str,
    detentions: int,
    day: date,
    params: OutcomeParams = OutcomeParams(),
) -> float:
    """P(label = 1) before noise, from behaviour that started in the 7 days before ``day``."""
    cutoff = pd.Timestamp(day.isoformat(), tz="UTC")
    mine = truth[
        (truth[c.MMSI] == v.mmsi)
        & (pd.to_datetime(truth[c.START], utc=True) < cutoff)
        & (
            pd.to_datetime(truth[c.START], utc=True)
            >= cutoff - pd.Timedelta(days=params.lookback_days)
        )
    ]
    kinds = set(mine[c.EVENT_TYPE].tolist())
    mine_all = set(truth.loc[truth[c.MMSI] == v.mmsi, c.EVENT_TYPE].tolist())
    z = (
        params.intercept
        + params.w_at_sea * bool(kinds & set(AT_SEA))
        + params.w_message * bool(kinds & set(MESSAGE))
        + params.w_standing * bool(mine_all & set(STANDING))
        + params.w_age_per_year * (day.year - v.build_year - 20)
        + params.w_unclassed * (v.class_society == "")
        + params.w_poor_flag * (flag in POOR_FLAGS)
        + params.w_detention * min(detentions, 3)
    )
    return float(1 / (1 + np.exp(-z)))
