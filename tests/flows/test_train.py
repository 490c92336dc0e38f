from __future__ import annotations

from pathlib import Path

import pytest

from vessel_risk.flows.settings import SAMPLE_AIS, SAMPLE_OUTCOMES, SAMPLE_REGISTRY
from vessel_risk.flows.train import train
from vessel_risk.models.card import load_model

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]


def test_train_flow_writes_a_loadable_model_with_its_card(tmp_path: Path) -> None:
    result = train(ais=[str(SAMPLE_AIS)], registry=str(SAMPLE_REGISTRY),
                   outcomes=str(SAMPLE_OUTCOMES), model_out=str(tmp_path / "m"), seed=7)
    model = load_model(tmp_path / "m")
    assert model.card.version == result["version"]
    assert model.card.seed == 7
    assert model.card.data_sizes["rows"] > 100


@pytest.mark.slow
def test_training_table_built_one_date_per_task_equals_one_build_over_every_date() -> None:
    """What `train --dask` submits (a table per outcome date, joined in date order) gives the
    rows one call over all dates gives."""
    import pandas as pd

    from vessel_risk.common import columns as c
    from vessel_risk.flows.settings import Settings
    from vessel_risk.flows.train import build_table, join_tables
    from vessel_risk.ingest.ais import ingest_ais
    from vessel_risk.ingest.outcomes import read_outcomes

    tables = ingest_ais([SAMPLE_AIS / f"2026-11-{d}.nmea.gz" for d in (18, 19, 20)])
    outcomes = read_outcomes(SAMPLE_OUTCOMES)
    outcomes = outcomes[outcomes[c.DATE].astype(str).isin(["2026-11-19", "2026-11-20"])]
    settings = Settings(lookback_days=2)
    whole = build_table.fn(tables.positions, tables.statics, None, outcomes, settings)
    parts = [build_table.fn(tables.positions, tables.statics, None,
                            outcomes[outcomes[c.DATE] == day], settings)
             for day in sorted(outcomes[c.DATE].unique())]
    joined = join_tables(parts)
    assert len(whole.rows) > 20
    # what the model reads must agree; context-only columns (port visits, days heard) may differ
    # a little, the places of a longer span being learned from more ships
    from vessel_risk.features import catalog

    model_columns = [c.DATE, c.MMSI, c.LABEL, *catalog.MODEL_FEATURES]
    pd.testing.assert_frame_equal(joined.rows[model_columns], whole.rows[model_columns])
    assert joined.outcomes_without_ais == whole.outcomes_without_ais
