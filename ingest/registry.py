"""Read and validate the ship registry folder (contract: DESIGN.md, "Registry").

The registry is a folder of CSV files; only ``vessels.csv`` is required. ``inspections.csv``,
``history.csv`` and ``watchlist.csv`` are optional and are ``None`` in :class:`Registry` when
absent, so that downstream features can tell "no data" (NaN) from "none recorded" (0).

Every file is read as text first and validated with a pandera schema in lazy mode, so that a bad
value is reported rather than coerced away. A file that breaks its contract raises one
:class:`~vessel_risk.errors.RegistryError` naming the file, the CSV line (header = line 1) and the
column of the first failure, and how many more failures there are. Extra columns are ignored.

Returned types: ``imo``/``mmsi``/``build_year``/``deficiencies`` are ``Int64``; tonnage and length
``float64``; ``detained`` is ``bool``; dates are ``datetime64[us, UTC]`` at midnight UTC (the same
dtype as AIS timestamps, so they compare directly); every text column is ``string`` with NA for
empty cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from vessel_risk import columns as c
from vessel_risk.errors import RegistryError

VESSELS_FILE = "vessels.csv"
INSPECTIONS_FILE = "inspections.csv"
HISTORY_FILE = "history.csv"
WATCHLIST_FILE = "watchlist.csv"

HISTORY_FIELDS = (c.NAME, c.FLAG, c.OWNER, c.CALLSIGN, c.MMSI)  # allowed values of history.field
_TRUE = ("1", "true")
_FALSE = ("0", "false")
_DATE_FORMAT = "%Y-%m-%d"
_MIN_BUILD_YEAR = 1900  # contract range; older hulls are not in trading fleets
_MAX_BUILD_YEAR = 2100


@dataclass(frozen=True, eq=False)
class Registry:
    """The validated registry tables; optional tables are ``None`` when their file is absent."""

    vessels: pd.DataFrame
    inspections: pd.DataFrame | None = None
    history: pd.DataFrame | None = None
    watchlist: pd.DataFrame | None = None


def read_registry(folder: Path) -> Registry:
    """Read, validate and type every registry file in ``folder``.

    Raises :class:`RegistryError` when the folder or ``vessels.csv`` is missing, or when any file
    breaks its contract.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise RegistryError(str(folder), "registry folder not found")
    return Registry(
        vessels=_read(folder / VESSELS_FILE, required=True),  # type: ignore[arg-type]
        inspections=_read(folder / INSPECTIONS_FILE, required=False),
        history=_read(folder / HISTORY_FILE, required=False),
        watchlist=_read(folder / WATCHLIST_FILE, required=False),
    )


def read_registry_or_none(folder: Path | None) -> Registry | None:
    """``None`` when no registry is configured (screen on behaviour alone).

    Otherwise the result of :func:`read_registry`.
    """
    return None if folder is None else read_registry(folder)


def imo_check_digit_ok(imo: pd.Series) -> pd.Series:
    """True where a 7-digit IMO number has a valid check digit.

    The check digit is the last digit of the sum of the first six digits weighted 7, 6, .., 2.

    Accepts text or numbers; anything that is not exactly seven digits is False; NA stays NA.
    """
    text = imo.astype("string").str.strip()
    seven = text.str.fullmatch(r"\d{7}").fillna(False).astype(bool)
    padded = text.where(seven, "0000000")
    digits = np.stack([padded.str[i].astype(int).to_numpy() for i in range(7)], axis=1)
    weighted = (digits[:, :6] * np.arange(7, 1, -1)).sum(axis=1) % 10
    ok = pd.Series(seven.to_numpy() & (weighted == digits[:, 6]), index=imo.index, dtype="boolean")
    return ok.mask(text.isna())


# --- checks (element values are non-empty text; pandera skips NA) -------------------------------


def _digits(n: int) -> pa.Check:
    return pa.Check.str_matches(rf"^\d{{{n}}}$", error=f"must be {n} digits")


def _vector(fn: Callable[[pd.Series], pd.Series], error: str) -> pa.Check:
    return pa.Check(fn, error=error)


def _number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype("float64")


_IMO_CHECKS = [
    _digits(7),
    _vector(lambda s: imo_check_digit_ok(s).fillna(True).astype(bool), "invalid IMO check digit"),
]
_MMSI_CHECKS = [_digits(9)]
_DATE_CHECKS = [
    _vector(
        lambda s: (
            pd.to_datetime(s, format=_DATE_FORMAT, errors="coerce").notna()
            & s.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
        ),
        "must be an ISO date YYYY-MM-DD",
    )
]
_NON_NEGATIVE = _vector(
    lambda s: np.isfinite(_number(s)) & (_number(s) >= 0), "must be a non-negative number"
)


def _col(*checks: pa.Check, nullable: bool = True, unique: bool = False) -> pa.Column:
    return pa.Column("string", list(checks), nullable=nullable, unique=unique)


_SCHEMAS: dict[str, dict[str, pa.Column]] = {
    VESSELS_FILE: {
        c.IMO: _col(*_IMO_CHECKS, nullable=False, unique=True),
        c.MMSI: _col(*_MMSI_CHECKS),
        c.NAME: _col(),
        c.CALLSIGN: _col(),
        c.FLAG: _col(pa.Check.str_matches(r"^[A-Z]{2}$", error="must be two upper-case letters")),
        c.SHIP_TYPE: _col(),
        c.BUILD_YEAR: _col(
            _vector(
                lambda s: (
                    _number(s).between(_MIN_BUILD_YEAR, _MAX_BUILD_YEAR)
                    & s.str.fullmatch(r"\d{4}").fillna(False).astype(bool)
                ),
                f"must be a year {_MIN_BUILD_YEAR}..{_MAX_BUILD_YEAR}",
            )
        ),
        c.GROSS_TONNAGE: _col(_NON_NEGATIVE),
        c.LENGTH_M: _col(_NON_NEGATIVE),
        c.CLASS_SOCIETY: _col(),
        c.OWNER: _col(),
    },
    INSPECTIONS_FILE: {
        c.IMO: _col(*_IMO_CHECKS, nullable=False),
        c.DATE: _col(*_DATE_CHECKS, nullable=False),
        c.PORT: _col(),
        c.DEFICIENCIES: _col(
            pa.Check.str_matches(r"^\d+$", error="must be a non-negative integer"), nullable=False
        ),
        c.DETAINED: _col(
            _vector(lambda s: s.str.lower().isin(_TRUE + _FALSE), "must be 0, 1, true or false"),
            nullable=False,
        ),
    },
    HISTORY_FILE: {
        c.IMO: _col(*_IMO_CHECKS, nullable=False),
        c.DATE: _col(*_DATE_CHECKS, nullable=False),
        c.FIELD: _col(
            pa.Check.isin(HISTORY_FIELDS, error=f"must be one of {', '.join(HISTORY_FIELDS)}"),
            nullable=False,
        ),
        c.OLD_VALUE: _col(),
        c.NEW_VALUE: _col(),
    },
    WATCHLIST_FILE: {
        c.IMO: _col(*_IMO_CHECKS),
        c.MMSI: _col(*_MMSI_CHECKS),
        c.LIST_NAME: _col(nullable=False),
        c.REASON: _col(),
    },
}


def _read(path: Path, required: bool) -> pd.DataFrame | None:
    name = path.name
    if not path.is_file():
        if required:
            raise RegistryError(name, f"required file not found in {path.parent}")
        return None
    raw = _read_text(path)
    expected = list(_SCHEMAS[name])
    missing = [col for col in expected if col not in raw.columns]
    if missing:
        raise RegistryError(
            name, f"missing required column(s): {', '.join(missing)}", column=missing[0]
        )
    text = raw[expected]
    _validate(name, text)
    return _typed(name, text)


def _read_text(path: Path) -> pd.DataFrame:
    """Every cell as stripped text, NA for empty; index = CSV line number (header = line 1)."""
    try:
        raw = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise RegistryError(path.name, f"cannot be read as CSV: {err}") from err
    raw.columns = [str(col).strip().lower() for col in raw.columns]
    raw.index = raw.index + 2  # header is line 1; one record per line
    stripped = {col: raw[col].astype("string").str.strip() for col in raw.columns}
    text = pd.DataFrame({col: s.mask(s == "") for col, s in stripped.items()}, index=raw.index)
    return text.dropna(how="all")  # blank lines carry nothing; keep the others' line numbers


def _validate(name: str, text: pd.DataFrame) -> None:
    schema = pa.DataFrameSchema(_SCHEMAS[name], strict=False, coerce=False)
    failures = None
    try:
        schema.validate(text, lazy=True)
    except SchemaErrors as err:
        failures = err.failure_cases
    if failures is not None:  # raised outside the except block: the pandera dump is not the news
        _raise_first(name, list(_SCHEMAS[name]), failures)
    if name == WATCHLIST_FILE:
        both_empty = text[c.IMO].isna() & text[c.MMSI].isna()
        if both_empty.any():
            rows = text.index[both_empty.to_numpy()]
            more = f"; {len(rows) - 1} more row(s) like it" if len(rows) > 1 else ""
            raise RegistryError(
                name,
                f"imo and mmsi are both empty: one is required{more}",
                row=int(rows[0]),
                column=c.IMO,
            )


def _raise_first(name: str, order: list[str], cases: pd.DataFrame) -> None:
    cases = cases.assign(
        _row=pd.to_numeric(cases["index"], errors="coerce").fillna(0),
        _col=cases["column"].map({col: i for i, col in enumerate(order)}).fillna(-1),
    ).sort_values(["_row", "_col"], kind="mergesort")
    first = cases.iloc[0]
    row = int(first["_row"]) if first["_row"] > 0 else None
    check = "must not be empty" if first["check"] == "not_nullable" else first["check"]
    if first["check"] == "field_uniqueness":
        check = "duplicate value (must be unique)"
    more = len(cases) - 1
    tail = f"; {more} more failure(s) in this file" if more else ""
    raise RegistryError(
        name, f"{check}, got {first['failure_case']!r}{tail}", row=row, column=str(first["column"])
    )


def _typed(name: str, text: pd.DataFrame) -> pd.DataFrame:
    out = text.reset_index(drop=True).copy()
    for col in (c.IMO, c.MMSI, c.BUILD_YEAR, c.DEFICIENCIES):
        if col in out:
            out[col] = pd.to_numeric(out[col]).astype("Int64")
    for col in (c.GROSS_TONNAGE, c.LENGTH_M):
        if col in out:
            out[col] = _number(out[col])
    if c.DATE in out:
        out[c.DATE] = pd.to_datetime(out[c.DATE], format=_DATE_FORMAT, utc=True).astype(
            "datetime64[us, UTC]"
        )
    if c.DETAINED in out:
        out[c.DETAINED] = out[c.DETAINED].str.lower().isin(_TRUE).astype(bool)
    return out
