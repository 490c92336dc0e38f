"""Tests of ingest.outcomes: labelled boardings for training."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vessel_risk.common import columns as c
from vessel_risk.common.errors import RegistryError
from vessel_risk.ingest.outcomes import read_outcomes


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "outcomes.csv"
    path.write_text("\n".join(["mmsi,imo,date,label", *rows]) + "\n", encoding="utf-8")
    return path


def test_read_outcomes_types_rows_and_keeps_a_ten_digit_ais_mmsi(tmp_path):
    found = read_outcomes(write(tmp_path, "244123456,9074729,2026-11-18,1",
                                "1012345678,,2026-11-19,0"))
    assert found[c.MMSI].tolist() == [244123456, 1012345678]
    assert found[c.IMO].isna().tolist() == [False, True]
    assert found[c.DATE].tolist() == [date(2026, 11, 18), date(2026, 11, 19)]
    assert found[c.LABEL].tolist() == [1, 0]


@pytest.mark.parametrize(("row", "column"), [
    ("2000000000,,2026-11-18,1", c.MMSI), ("244123456,,18/11/2026,1", c.DATE),
    ("244123456,,2026-11-18,yes", c.LABEL), ("244123456,X,2026-11-18,1", c.IMO),
])
def test_read_outcomes_names_file_row_and_column_of_a_bad_value(tmp_path, row, column):
    with pytest.raises(RegistryError) as info:
        read_outcomes(write(tmp_path, "244123456,,2026-11-17,0", row))
    assert (info.value.file, info.value.row, info.value.column) == ("outcomes.csv", 3, column)
