from __future__ import annotations

from pathlib import Path

import pytest

from flows.train import train
from models.card import load_model
from vessel_risk.settings import SAMPLE_AIS, SAMPLE_OUTCOMES, SAMPLE_REGISTRY

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]


def test_train_flow_writes_a_loadable_model_with_its_card(tmp_path: Path) -> None:
    result = train(ais=[str(SAMPLE_AIS)], registry=str(SAMPLE_REGISTRY),
                   outcomes=str(SAMPLE_OUTCOMES), model_out=str(tmp_path / "m"), seed=7)
    model = load_model(tmp_path / "m")
    assert model.card.version == result["version"]
    assert model.card.seed == 7
    assert model.card.data_sizes["rows"] > 100
