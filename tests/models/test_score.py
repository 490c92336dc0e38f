from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.models.builders import training_rows
from vessel_risk.common import columns as c
from vessel_risk.common.errors import ModelError
from vessel_risk.features import catalog
from vessel_risk.features.events import make_events
from vessel_risk.models.score import ScoreParams, risk_list, value_reason
from vessel_risk.models.train import train_model

DAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    return train_model(training_rows())


def vessels(features: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c.MMSI: features[c.MMSI], c.IMO: pd.NA, c.NAME: "X", c.FLAG: "DK",
                         c.SHIP_TYPE: "Cargo", c.LAST_SEEN: pd.Timestamp("2026-11-22", tz="UTC"),
                         c.LAST_LAT: 55.0, c.LAST_LON: 10.0, c.DESTINATION: "AARHUS"})


def gap_event(mmsi: int) -> pd.DataFrame:
    return make_events(pd.DataFrame({
        c.MMSI: [mmsi], c.EVENT_TYPE: [c.GAP], c.START: [pd.Timestamp("2026-11-20T03:10Z")],
        c.END: [pd.Timestamp("2026-11-20T17:22Z")], c.LAT: [56.0], c.LON: [7.0],
        c.DETAIL: ["dark 14.2 h at sea, 38 nm from Esbjerg"]}))


def test_risk_list_has_contract_columns_ranks_and_bands(model) -> None:  # type: ignore[no-untyped-def]
    features = training_rows(30, seed=4).drop(columns=[c.DATE, c.LABEL])
    listed = risk_list(features, vessels(features), gap_event(0), model, DAY)
    assert list(listed.columns) == c.RISK_LIST_COLUMNS
    assert listed[c.RISK_RANK].tolist() == list(range(1, 31))
    assert listed[c.RISK_SCORE].is_monotonic_decreasing
    assert listed[c.RISK_SCORE].between(0, 1).all()
    assert set(listed[c.RISK_BAND]) <= {"high", "medium", "low"}
    assert (listed[c.DATE] == DAY).all()
    assert (listed[c.MODEL_VERSION] == model.card.version).all()


def test_risk_list_reason_tells_what_when_and_how_much(model) -> None:  # type: ignore[no-untyped-def]
    features = training_rows(10, seed=4).drop(columns=[c.DATE, c.LABEL])
    features[catalog.GAP_COUNT] = 0.0
    features.loc[0, catalog.GAP_COUNT] = 3.0
    mmsi = int(features.loc[0, c.MMSI])
    listed = risk_list(features, vessels(features), gap_event(mmsi), model, DAY)
    reasons = listed.set_index(c.MMSI).loc[mmsi, c.REASONS]
    assert "AIS dark periods at sea" in reasons
    assert "2026-11-20 03:10 UTC" in reasons
    assert "14.2 h" in reasons


def test_risk_list_explains_only_the_top_n(model) -> None:  # type: ignore[no-untyped-def]
    features = training_rows(10, seed=4).drop(columns=[c.DATE, c.LABEL])
    listed = risk_list(features, vessels(features), gap_event(0), model, DAY,
                       ScoreParams(explain_top_n=3))
    assert listed[c.REASONS].iloc[3:].str.startswith("not explained").all()
    assert not listed[c.REASONS].iloc[:3].str.startswith("not explained").any()


def test_risk_list_names_missing_features(model) -> None:  # type: ignore[no-untyped-def]
    features = training_rows(5).drop(columns=[c.DATE, c.LABEL, catalog.GAP_COUNT])
    with pytest.raises(ModelError, match=catalog.GAP_COUNT):
        risk_list(features, vessels(features), gap_event(0), model, DAY)


def test_value_reason_words_registry_features() -> None:
    assert value_reason(catalog.BY_NAME[catalog.DETENTIONS_36M], 2.0) == "detentions in 36 months: 2"
    assert value_reason(catalog.BY_NAME[catalog.FLAG_RISK], 2.0) == "flag on the Paris MoU black list"
    assert value_reason(catalog.BY_NAME[catalog.UNCLASSED], 1.0) == "no classification society"


def test_risk_list_never_gives_unknown_or_neutral_features_as_reasons(model) -> None:  # type: ignore[no-untyped-def]
    features = training_rows(40, seed=4).drop(columns=[c.DATE, c.LABEL])
    features[catalog.AGE_YEARS] = float("nan")
    listed = risk_list(features, vessels(features), gap_event(0), model, DAY)
    neutral = [f.description for f in catalog.FEATURES if f.direction == 0]
    for text in listed[c.REASONS]:
        assert "unknown" not in text
        assert not any(text.startswith(d) or f"; {d}" in text for d in neutral)


def test_risk_list_tells_encounter_for_both_vessels(model) -> None:  # type: ignore[no-untyped-def]
    features = training_rows(10, seed=4).drop(columns=[c.DATE, c.LABEL])
    features[catalog.ENCOUNTER_COUNT] = 0.0
    a, b = (int(m) for m in features[c.MMSI].iloc[:2])
    features.loc[:1, catalog.ENCOUNTER_COUNT] = 3.0
    meeting = make_events(pd.DataFrame({
        c.MMSI: [a], c.OTHER_MMSI: [b], c.EVENT_TYPE: [c.ENCOUNTER],
        c.START: [pd.Timestamp("2026-11-19T02:50Z")], c.END: [pd.Timestamp("2026-11-19T08:25Z")],
        c.LAT: [56.0], c.LON: [4.0], c.DETAIL: ["together 5.6 h, 0.2 nm apart"]}))
    listed = risk_list(features, vessels(features), meeting, model, DAY).set_index(c.MMSI)
    for vessel in (a, b):
        assert "together 5.6 h" in listed.loc[vessel, c.REASONS]


def event(mmsi: int, kind: str, detail: str, start: str = "2026-11-20T03:10Z") -> pd.DataFrame:
    return make_events(pd.DataFrame({
        c.MMSI: [mmsi], c.EVENT_TYPE: [kind], c.START: [pd.Timestamp(start)],
        c.END: [pd.Timestamp("2026-11-21T17:22Z")], c.LAT: [56.0], c.LON: [7.0],
        c.DETAIL: [detail]}))


def quiet_features(n: int) -> pd.DataFrame:
    features = training_rows(n, seed=4).drop(columns=[c.DATE, c.LABEL])
    for f in catalog.FEATURES:
        if f.event_type is not None or f.name == catalog.SUSPICIOUS_BEHAVIOURS:
            features[f.name] = 0.0
    return features


def test_risk_list_puts_watchlist_hits_first_in_high_with_the_list_in_the_first_reason(
        model) -> None:  # type: ignore[no-untyped-def]
    features = training_rows(40, seed=4).drop(columns=[c.DATE, c.LABEL])
    listed_mmsi = int(features[c.MMSI].iloc[-1])
    features.loc[features.index[-1], catalog.WATCHLIST_HIT] = 1.0
    for name in (catalog.GAP_COUNT, catalog.ENCOUNTER_COUNT):
        features.loc[features.index[-1], name] = 0.0  # nothing else to say about it
    hit = event(listed_mmsi, c.WATCHLIST, "OFAC SDN: sanctions programme IRAN (matched by IMO "
                "9187629)")
    listed = risk_list(features, vessels(features), hit, model, DAY)

    top = listed.iloc[0]
    assert top[c.MMSI] == listed_mmsi and top[c.RISK_BAND] == "high"
    assert top[c.REASONS].startswith("on a watchlist")
    assert "OFAC SDN" in top[c.REASONS].split(";")[0] and "IMO 9187629" in top[c.REASONS]
    assert listed[c.RISK_SCORE].iloc[1:].is_monotonic_decreasing


def test_risk_list_high_band_is_a_shortlist_no_longer_than_the_daily_capacity(
        model) -> None:  # type: ignore[no-untyped-def]
    features = training_rows(40, seed=4).drop(columns=[c.DATE, c.LABEL])
    features[catalog.GAP_COUNT] = 5.0  # every vessel is above the high threshold
    events = pd.concat([gap_event(int(m)) for m in features[c.MMSI]], ignore_index=True)
    listed = risk_list(features, vessels(features), events, model, DAY,
                       ScoreParams(daily_capacity=4))
    assert listed[c.RISK_BAND].tolist()[:5] == ["high"] * 4 + ["medium"]
    assert (listed[c.RISK_BAND] == "high").sum() == 4
    assert model.card.bands["high_min_probability"] == 0.5
    assert "capacity" in model.card.bands["rule"]


def test_risk_list_never_makes_a_vessel_high_on_a_placeholder_mmsi_alone(
        model) -> None:  # type: ignore[no-untyped-def]
    features = quiet_features(20)
    odd = int(features[c.MMSI].iloc[0])
    features.loc[0, catalog.INVALID_MMSI] = 1.0
    features.loc[0, catalog.SUSPICIOUS_BEHAVIOURS] = 1.0
    features.loc[0, catalog.FLAG_RISK] = 0.0
    features.loc[0, catalog.DETENTIONS_36M] = 0.0
    placeholder = event(odd, c.INVALID_MMSI, "MMSI 123456789 is a placeholder value")
    listed = risk_list(features, vessels(features), placeholder, model, DAY,
                       ScoreParams(daily_capacity=20)).set_index(c.MMSI)
    assert listed.loc[odd, c.RISK_BAND] != "high"
    assert "placeholder" in listed.loc[odd, c.REASONS]  # still worth a line


def test_model_card_notice_says_plainly_when_the_model_is_a_demonstration() -> None:
    rows = training_rows()
    assert train_model(rows).card.notice is None
    demo = train_model(rows, demonstration=True).card
    assert demo.is_demonstration
    assert demo.notice is not None and "synthetic" in demo.notice and demo.version in demo.notice
