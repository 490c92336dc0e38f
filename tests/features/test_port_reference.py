"""Tests of features.port_reference: the shipped port list rebuilt from the World Port Index."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import SHARED_DATA
from vessel_risk.features.land import LandMask
from vessel_risk.features.port_reference import REFERENCE_FILE, build_port_reference, port_name

WPI = SHARED_DATA / "geo" / "world_port_index.csv"


def test_port_name_title_cases_labels_and_keeps_joining_words_small() -> None:
    assert port_name("SHOREHAM HARBOUR", None) == "Shoreham Harbour"
    assert port_name("RADE DE CHERBOURG", float("nan")) == "Rade de Cherbourg"
    assert port_name("ROTTERDAM", "BOTLEK") == "Rotterdam (Botlek)"


@pytest.mark.slow
@pytest.mark.skipif(not WPI.exists(), reason="shared data folder ../shared/data not present")
def test_shipped_port_reference_is_the_world_port_index_without_inland_ports(
        land_mask: LandMask) -> None:
    rebuilt = build_port_reference(pd.read_csv(WPI), land_mask)
    shipped = pd.read_csv(REFERENCE_FILE, dtype={"name": "string", "country": "string"})
    pd.testing.assert_frame_equal(rebuilt.reset_index(drop=True), shipped, check_dtype=False)
    assert 3300 < len(shipped) < len(pd.read_csv(WPI))


def test_build_port_reference_rejects_a_file_that_is_not_the_index() -> None:
    # the columns are checked before the land mask is needed
    with pytest.raises(ValueError, match="latitude"):
        build_port_reference(pd.DataFrame({"iso3": [], "label": []}), None)  # type: ignore[arg-type]
