"""Score vessels, rank them, band them, and say why in words an officer reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.common.errors import ModelError
from vessel_risk.features import catalog
from vessel_risk.features.events import per_vessel_events
from vessel_risk.models import metrics
from vessel_risk.models.card import Model


@dataclass(frozen=True)
class ScoreParams:
    # How many vessels a port-state team can prepare to board in a day: "high" is that shortlist
    # (every watchlist hit is high whatever the capacity). Ten is a busy port's day of targeted
    # boardings; set it to the team's own.
    daily_capacity: int = 10
    # Bands for a model whose card carries no band rule (cards before the rule existed):
    # "high" when boarding is more likely than not to find something; "medium" from one chance
    # in five.
    high_min: float = 0.5
    medium_min: float = 0.2
    # Explanations cost one tree walk per feature: explain the top of the list only.
    explain_top_n: int = 500
    reasons_per_vessel: int = 3
    # Contributions below this (log-odds) are noise, not reasons.
    min_contribution: float = 0.05


# Evidence that can be an artefact of the feed rather than of the vessel: a mis-set MMSI is an
# identity fact (worth a line), not a verdict. A vessel whose only evidence is of these kinds is
# never "high" on it.
ARTEFACT_EVENT_TYPES = (c.INVALID_MMSI,)


def score_features(features: pd.DataFrame, model: Model) -> tuple[np.ndarray, np.ndarray]:
    """(calibrated probability, raw margin) per row of ``features``."""
    missing = [f for f in model.card.features if f not in features]
    if missing:
        raise ModelError(f"features table lacks the model's features: {', '.join(missing)}")
    x = features[model.card.features].astype("float64")
    raw = np.asarray(model.booster.predict(x, raw_score=True)) if len(x) else np.zeros(0)
    cal = model.card.calibration
    return metrics.apply_calibration(raw, cal["a"], cal["b"]), raw


def risk_list(
    features: pd.DataFrame,
    vessels: pd.DataFrame,
    events: pd.DataFrame,
    model: Model,
    day: date,
    params: ScoreParams = ScoreParams(),
) -> pd.DataFrame:
    """The day's risk list (contract columns), highest risk first.

    Watchlist hits come first (above every vessel without one, in the high band, the list and
    the match in their first reason); the others follow by calibrated probability. ``vessels``
    gives, per mmsi, imo, name, flag, ship_type, last_seen, last_lat, last_lon and destination;
    ``events`` the window's events, used to say when and where.
    """
    probability, _ = score_features(features, model)
    listed = _flag(features, catalog.WATCHLIST_HIT)
    out = pd.DataFrame({c.MMSI: features[c.MMSI].astype("int64"), c.RISK_SCORE: probability,
                        "_listed": listed, "_artefact": artefact_only(features, events, vessels)})
    out = out.sort_values(["_listed", c.RISK_SCORE, c.MMSI], ascending=[False, False, True],
                          kind="mergesort")
    out[c.RISK_RANK] = np.arange(1, len(out) + 1, dtype="int64")
    out[c.RISK_BAND] = bands(out, model, params)
    explained = out.head(params.explain_top_n)
    rows = features.set_index(c.MMSI).loc[explained[c.MMSI]]
    texts = explain(rows.reset_index(), model, events, params)
    out[c.REASONS] = pd.Series(texts, index=explained.index).reindex(out.index).fillna(
        f"not explained (below the top {params.explain_top_n})"
    )
    out = out.drop(columns=["_listed", "_artefact"]).merge(vessels, on=c.MMSI, how="left")
    out[c.DATE] = day
    out[c.MODEL_VERSION] = model.card.version
    return out.reindex(columns=c.RISK_LIST_COLUMNS).reset_index(drop=True)


def bands(ranked: pd.DataFrame, model: Model, params: ScoreParams) -> np.ndarray:
    """``high``/``medium``/``low`` for rows in rank order (columns ``risk_score``, ``_listed``,
    ``_artefact``), by the card's band rule (see ``models.train.band_rule``)."""
    rule = model.card.bands
    high_min = float(rule.get("high_min_probability", params.high_min))
    medium_min = float(rule.get("medium_min_probability", params.medium_min))
    score = ranked[c.RISK_SCORE].to_numpy()
    listed = ranked["_listed"].to_numpy(dtype=bool)
    eligible = (score >= high_min) & ~ranked["_artefact"].to_numpy(dtype=bool) & ~listed
    room = max(params.daily_capacity - int(listed.sum()), 0)
    shortlist = eligible & (np.cumsum(eligible) <= room)
    return np.select([listed | shortlist, score >= medium_min], ["high", "medium"], "low")


def artefact_only(features: pd.DataFrame, events: pd.DataFrame,
                  vessels: pd.DataFrame) -> np.ndarray:
    """True for vessels whose only suspicious evidence may be an artefact of the feed: a mis-set
    MMSI (``ARTEFACT_EVENT_TYPES``), or a dark period that is still open at the end of the data
    (the vessel may simply have left the receivers' range), with no registry risk either."""
    mine = per_vessel_events(events)
    kinds = mine[mine[c.EVENT_TYPE].isin(catalog.SUSPICIOUS_EVENT_TYPES)]
    last_seen = vessels.set_index(c.MMSI)[c.LAST_SEEN] if c.LAST_SEEN in vessels else None
    if last_seen is not None and len(kinds):
        seen_until = kinds[c.MMSI].map(last_seen[~last_seen.index.duplicated()])
        still_dark = (kinds[c.EVENT_TYPE] == c.GAP) & (kinds[c.START] >= seen_until).fillna(False)
        kinds = kinds[~still_dark.to_numpy(dtype=bool)]
    real = set(kinds.loc[~kinds[c.EVENT_TYPE].isin(ARTEFACT_EVENT_TYPES), c.MMSI])
    registry_risk = (
        (_value(features, catalog.FLAG_RISK) >= 2) | (_value(features, catalog.DETENTIONS_36M) >= 1)
    )
    return ~features[c.MMSI].isin(real).to_numpy() & ~registry_risk


def _value(features: pd.DataFrame, name: str) -> np.ndarray:
    if name not in features:
        return np.full(len(features), np.nan)
    return features[name].to_numpy(dtype="float64", na_value=np.nan)


def _flag(features: pd.DataFrame, name: str) -> np.ndarray:
    return np.nan_to_num(_value(features, name), nan=0.0) > 0


def explain(
    features: pd.DataFrame, model: Model, events: pd.DataFrame, params: ScoreParams
) -> list[str]:
    """One reason text per row: the largest risk-raising contributions, in words.

    Only features that raise risk by their nature are reasons (a tonnage is not); a behaviour is
    told through its most telling event (what, how much, when).
    """
    if not len(features):
        return []
    x = features[model.card.features].astype("float64")
    contrib = np.asarray(model.booster.predict(x, pred_contrib=True))[:, :-1]  # last: bias
    names = model.card.features
    mine = per_vessel_events(events)
    by_vessel = {m: g for m, g in mine.groupby(c.MMSI)} if len(mine) else {}
    texts = []
    for row_i, mmsi in enumerate(features[c.MMSI].to_numpy()):
        vessel_events = by_vessel.get(mmsi)
        parts: list[str] = []
        told: set[str] = set()  # event types already told
        if vessel_events is not None and (vessel_events[c.EVENT_TYPE] == c.WATCHLIST).any():
            parts.append(event_reason(c.WATCHLIST, vessel_events))  # the list and the match
            told.add(c.WATCHLIST)
        for j in np.argsort(-contrib[row_i], kind="stable"):
            if contrib[row_i, j] < params.min_contribution:
                break
            feature = catalog.BY_NAME[names[j]]
            value = float(x.iat[row_i, j])
            if feature.direction <= 0 or np.isnan(value) or feature.event_type in told:
                continue
            if feature.name == catalog.SUSPICIOUS_BEHAVIOURS:
                kinds = [] if vessel_events is None else [
                    k for k in catalog.SUSPICIOUS_EVENT_TYPES
                    if k not in told and (vessel_events[c.EVENT_TYPE] == k).any()]
                parts.extend(event_reason(k, vessel_events) for k in kinds)  # type: ignore[arg-type]
                told.update(kinds)
            elif feature.event_type is not None and vessel_events is not None and (
                    vessel_events[c.EVENT_TYPE] == feature.event_type).any():
                parts.append(event_reason(feature.event_type, vessel_events))
                told.add(feature.event_type)
            else:
                parts.append(value_reason(feature, value))
            if len(parts) >= params.reasons_per_vessel:
                break
        parts = parts[: params.reasons_per_vessel]
        for kind in ARTEFACT_EVENT_TYPES:  # identity facts are always worth a line
            if kind not in told and vessel_events is not None and (
                    vessel_events[c.EVENT_TYPE] == kind).any():
                parts.append(event_reason(kind, vessel_events))
        texts.append("; ".join(parts) or "no single factor stands out")
    return texts


# Words for each event type: the description of its first (count) feature in the catalog.
_EVENT_WORDS = {f.event_type: f.description for f in reversed(catalog.FEATURES) if f.event_type}


def event_reason(event_type: str, events: pd.DataFrame) -> str:
    """The vessel's most telling event of a type: the longest, then the latest."""
    own = events[events[c.EVENT_TYPE] == event_type]
    top = own.sort_values([c.DURATION_H, c.START], ascending=[False, False]).iloc[0]
    count = f"{len(own)}x, " if len(own) > 1 else ""
    when = top[c.START].strftime("%Y-%m-%d %H:%M UTC")
    fact = " (an identity fact: check the transponder's set-up)" if (
        event_type in ARTEFACT_EVENT_TYPES) else ""
    return f"{_EVENT_WORDS[event_type]} ({count}{when}): {top[c.DETAIL]}{fact}"


def value_reason(feature: catalog.Feature, value: float) -> str:
    """A registry or summary feature in words."""
    if feature.name == catalog.FLAG_RISK:
        return "flag on the Paris MoU " + ("black list" if value >= 2 else "grey list")
    if feature.name == catalog.UNCLASSED:
        return "no classification society"
    if value == int(value):
        return f"{feature.description}: {int(value)}"
    return f"{feature.description}: {value:.1f}"
