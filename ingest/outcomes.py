"""Labelled outcomes for training: ``mmsi, imo, date, label`` (contract: DESIGN.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.common.errors import RegistryError

_LABELS = {"0": 0, "1": 1}
# The AIS MMSI field is 30 bits: a mis-set transponder can send a 10-digit number, and a boarding
# of that vessel is an outcome like any other.
_MAX_AIS_MMSI = 2**30 - 1


def read_outcomes(path: Path) -> pd.DataFrame:
    """Read and check outcomes; a broken row fails naming the file, row and column.

    ``date`` comes back as :class:`datetime.date`, ``mmsi`` int64, ``imo`` Int64 (may be empty),
    ``label`` int64 (0 or 1).
    """
    name = Path(path).name
    if not Path(path).is_file():
        raise RegistryError(name, f"outcomes file not found: {path}")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise RegistryError(name, f"cannot be read as CSV: {exc}") from exc
    raw.columns = [col.strip().lower() for col in raw.columns]
    missing = [col for col in c.OUTCOME_COLUMNS if col not in raw]
    if missing:
        raise RegistryError(name, "missing required column", column=missing[0])
    text = raw[c.OUTCOME_COLUMNS].apply(lambda s: s.str.strip())
    line = text.index + 2  # header is line 1
    mmsi = pd.to_numeric(text[c.MMSI], errors="coerce")
    imo = pd.to_numeric(text[c.IMO].replace("", None), errors="coerce")
    day = pd.to_datetime(text[c.DATE], format="%Y-%m-%d", errors="coerce")
    label = text[c.LABEL].map(_LABELS)
    checks = [
        (c.MMSI, mmsi.isna() | (mmsi < 0) | (mmsi > _MAX_AIS_MMSI) | (mmsi % 1 != 0),
         f"must be a whole number from 0 to {_MAX_AIS_MMSI} (the AIS MMSI field)"),
        (c.IMO, (text[c.IMO] != "") & imo.isna(), "must be a 7-digit number or empty"),
        (c.DATE, day.isna(), "must be a date YYYY-MM-DD"),
        (c.LABEL, label.isna(), "must be 0 or 1"),
    ]
    for column, bad, message in checks:
        if bad.any():
            first = int(bad.to_numpy().argmax())
            raise RegistryError(name, f"{message}, got {text[column].iloc[first]!r}",
                                row=int(line[first]), column=column)
    return pd.DataFrame({
        c.MMSI: mmsi.astype("int64"), c.IMO: imo.astype("Int64"),
        c.DATE: day.dt.date, c.LABEL: label.astype("int64"),
    })
