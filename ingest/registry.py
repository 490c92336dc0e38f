"""Read and validate the ship registry folder (contract: DESIGN.md, "Registry").

The registry is a folder of CSV files; only ``vessels.csv`` is required. ``inspections.csv``,
``history.csv`` and ``watchlist.csv`` are optional and are ``None`` in :class:`Registry` when
absent, so that downstream features can tell "no data" (NaN) from "none recorded" (0).

Every file is read as text first (UTF-8, with the standard library's csv reader, so that a ragged
row or a byte that is not UTF-8 is reported by file, line and column) and validated with a pandera
schema in lazy mode, so that a bad value is reported rather than coerced away. A file that breaks
its contract raises one :class:`~vessel_risk.common.errors.RegistryError` naming the file, the CSV line
(header = line 1) and the column of the first failure, and how many more failures there are.
Extra columns are ignored.

Registries as they are: a ``vessels.csv`` row without an IMO number (fishing vessels, small craft)
is valid and keyed by its MMSI; a row needs one of the two. Published watchlists have rows with no
number: such a row is matched by name and call sign where it gives both (optional ``name`` and
``callsign`` columns), and otherwise skipped with a warning that counts and names the rows. An
empty (0-byte) optional file is read as absent, with a warning. Warnings are collected in
:attr:`Registry.warnings` for the run summary; they never stop a run.

Returned types: ``imo``/``mmsi``/``build_year``/``deficiencies`` are ``Int64``; tonnage and length
``float64``; ``detained`` is ``bool``; dates are ``datetime64[us, UTC]`` at midnight UTC (the same
dtype as AIS timestamps, so they compare directly); every text column is ``string`` with NA for
empty cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from vessel_risk.common import columns as c
from vessel_risk.common.errors import RegistryError

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
    """The validated registry tables; optional tables are ``None`` when their file is absent.

    ``warnings``: what was read with a caveat (skipped watchlist rows, empty files), in words for
    the run summary. ``vessel_lines``: the CSV line of each ``vessels`` row, in order, so that a
    later check (e.g. a build year after the screening day) can name the row.
    """

    vessels: pd.DataFrame
    inspections: pd.DataFrame | None = None
    history: pd.DataFrame | None = None
    watchlist: pd.DataFrame | None = None
    warnings: tuple[str, ...] = ()
    vessel_lines: tuple[int, ...] = ()


def read_registry(folder: Path) -> Registry:
    """Read, validate and type every registry file in ``folder``.

    Raises :class:`RegistryError` when the folder or ``vessels.csv`` is missing, or when any file
    breaks its contract.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise RegistryError(str(folder), "registry folder not found")
    warnings: list[str] = []
    vessels = _read(folder / VESSELS_FILE, required=True, warnings=warnings)
    assert vessels is not None  # required: _read raises instead of returning None
    watchlist = _read(folder / WATCHLIST_FILE, required=False, warnings=warnings)
    if watchlist is not None:
        watchlist = _usable_watchlist(watchlist, warnings)
    return Registry(
        vessels=vessels.reset_index(drop=True),
        inspections=_reset(_read(folder / INSPECTIONS_FILE, required=False, warnings=warnings)),
        history=_reset(_read(folder / HISTORY_FILE, required=False, warnings=warnings)),
        watchlist=_reset(watchlist),
        warnings=tuple(warnings),
        vessel_lines=tuple(int(i) for i in vessels.index),
    )


def build_year_warnings(registry: Registry, screening_year: int) -> list[str]:
    """A warning naming the ``vessels.csv`` rows built after ``screening_year`` (a typo such as
    2099, or a registry newer than a backfilled day): their age is unknown, never 0."""
    years = registry.vessels[c.BUILD_YEAR].to_numpy(dtype="float64", na_value=np.nan)
    later = np.flatnonzero(years > screening_year)
    if not len(later):
        return []
    lines = np.asarray(registry.vessel_lines)
    shown = [f"{int(lines[i])} ({int(years[i])})" for i in later[:_NAMED_ROWS]] if len(
        lines) == len(years) else [str(int(years[i])) for i in later[:_NAMED_ROWS]]
    more = f" and {len(later) - _NAMED_ROWS} more" if len(later) > _NAMED_ROWS else ""
    return [
        f"{VESSELS_FILE}, column '{c.BUILD_YEAR}': {len(later)} vessel(s) built after the "
        f"screening year {screening_year}, rows {', '.join(shown)}{more}: their age is unknown"
    ]


def _reset(table: pd.DataFrame | None) -> pd.DataFrame | None:
    return None if table is None else table.reset_index(drop=True)


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
# pandera checks see only the non-empty cells: duplicates among them break uniqueness.
_UNIQUE = _vector(lambda s: ~s.duplicated(keep=False), "duplicate value (must be unique)")
_NON_NEGATIVE = _vector(
    lambda s: np.isfinite(_number(s)) & (_number(s) >= 0), "must be a non-negative number"
)


def _col(*checks: pa.Check, nullable: bool = True, unique: bool = False) -> pa.Column:
    return pa.Column("string", list(checks), nullable=nullable, unique=unique)


_SCHEMAS: dict[str, dict[str, pa.Column]] = {
    VESSELS_FILE: {
        # Empty for vessels without an IMO number (keyed by MMSI); unique where given.
        c.IMO: _col(*_IMO_CHECKS, _UNIQUE),
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
# Columns a file may have and are read when present (typed as text, NA when absent).
_OPTIONAL: dict[str, tuple[str, ...]] = {WATCHLIST_FILE: (c.NAME, c.CALLSIGN)}


def _read(path: Path, required: bool, warnings: list[str]) -> pd.DataFrame | None:
    """The file's typed table, index = CSV line number; ``None`` when absent (or empty and
    optional, with a warning)."""
    name = path.name
    if not path.is_file():
        if required:
            raise RegistryError(name, f"required file not found in {path.parent}")
        return None
    raw = _read_text(path)
    if raw is None:
        if required:
            raise RegistryError(name, "the file is empty: it needs at least its header line")
        warnings.append(f"{name} is empty (0 bytes): read as absent")
        return None
    expected = list(_SCHEMAS[name])
    missing = [col for col in expected if col not in raw.columns]
    if missing:
        raise RegistryError(
            name, f"missing required column(s): {', '.join(missing)}", column=missing[0]
        )
    optional = [col for col in _OPTIONAL.get(name, ()) if col not in expected]
    text = raw.reindex(columns=expected + optional)
    for col in optional:
        text[col] = text[col].astype("string")
    _validate(name, text)
    return _typed(text)


def _read_text(path: Path) -> pd.DataFrame | None:
    """Every cell as stripped text, NA for empty; index = CSV line number (header = line 1).

    ``None`` for a file with nothing but white space. A byte that is not UTF-8, or a row with
    more or fewer fields than the header, is a contract break naming the line and column.
    """
    name = path.name
    data = path.read_bytes()
    data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # a byte-order mark
    if not data.strip():
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _encoding_error(name, data, err) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [col.strip().lower() for col in next(reader)]
        rows: list[list[str]] = []
        lines: list[int] = []
        line = reader.line_num + 1  # the line the next record starts on
        for record in reader:
            if record and any(cell.strip() for cell in record):  # blank lines carry nothing
                if len(record) != len(header):
                    raise RegistryError(
                        name,
                        f"{len(record)} fields where the header has {len(header)}: "
                        "a comma too many or too few, or an unclosed quote",
                        row=line,
                        column=header[min(len(record), len(header)) - 1],
                    )
                rows.append(record)
                lines.append(line)
            line = reader.line_num + 1
    except csv.Error as err:
        raise RegistryError(name, f"not valid CSV ({err})", row=reader.line_num) from None
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, dtype="int64"), dtype=str)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    stripped = {col: frame[col].astype("string").str.strip() for col in frame.columns}
    return pd.DataFrame({col: s.mask(s == "") for col, s in stripped.items()}, index=frame.index)


def _encoding_error(name: str, data: bytes, err: UnicodeDecodeError) -> RegistryError:
    """Which line and column hold the first byte that is not UTF-8."""
    offset = err.start
    line_start = data.rfind(b"\n", 0, offset) + 1
    line_no = data.count(b"\n", 0, offset) + 1
    header = next(csv.reader([data.split(b"\n", 1)[0].decode("utf-8", "replace")]), [])
    before = data[line_start:offset].decode("utf-8", "replace")
    field = len(next(csv.reader([before]), [""])) - 1 if before else 0
    column = header[field].strip().lower() if 0 <= field < len(header) else None
    return RegistryError(
        name,
        f"byte 0x{data[offset]:02x} is not UTF-8 text: save the file as UTF-8",
        row=line_no,
        column=column,
    )


def _validate(name: str, text: pd.DataFrame) -> None:
    schema = pa.DataFrameSchema(_SCHEMAS[name], strict=False, coerce=False)
    failures = None
    try:
        schema.validate(text, lazy=True)
    except SchemaErrors as err:
        failures = err.failure_cases
    if failures is not None:  # raised outside the except block: the pandera dump is not the news
        _raise_first(name, list(_SCHEMAS[name]), failures)
    if name == VESSELS_FILE:
        _require_a_key(name, text)


def _require_a_key(name: str, text: pd.DataFrame) -> None:
    """A vessel is keyed by IMO, or by MMSI where it has no IMO number."""
    both_empty = text[c.IMO].isna() & text[c.MMSI].isna()
    if both_empty.any():
        rows = text.index[both_empty.to_numpy()]
        more = f"; {len(rows) - 1} more row(s) like it" if len(rows) > 1 else ""
        raise RegistryError(
            name, f"imo and mmsi are both empty: a vessel needs one of them{more}",
            row=int(rows[0]), column=c.IMO,
        )
    by_mmsi = text.loc[text[c.IMO].isna(), c.MMSI]
    twice = by_mmsi.duplicated(keep="first")
    if twice.any():
        row = int(by_mmsi.index[twice.to_numpy()][0])
        raise RegistryError(
            name, f"MMSI {by_mmsi[row]} is listed again for another vessel without an IMO "
            "number: such vessels are keyed by MMSI, which must be unique among them",
            row=row, column=c.MMSI,
        )


def _usable_watchlist(watchlist: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """Rows that can be matched: an IMO, an MMSI, or a name with a call sign. The others are
    skipped with one warning naming them."""
    named = watchlist[c.NAME].notna() & watchlist[c.CALLSIGN].notna()
    usable = watchlist[c.IMO].notna() | watchlist[c.MMSI].notna() | named
    if usable.all():
        return watchlist
    skipped = watchlist.loc[~usable.to_numpy()]
    shown = [
        f"{line}" + (f" ({n})" if pd.notna(n) else "")
        for line, n in zip(skipped.index[:_NAMED_ROWS], skipped[c.NAME].iloc[:_NAMED_ROWS])
    ]
    more = f" and {len(skipped) - _NAMED_ROWS} more" if len(skipped) > _NAMED_ROWS else ""
    warnings.append(
        f"{WATCHLIST_FILE}: skipped {len(skipped)} row(s) with no IMO, no MMSI and no name with "
        f"call sign to match on: rows {', '.join(shown)}{more}"
    )
    return watchlist.loc[usable.to_numpy()]


_NAMED_ROWS = 20  # a warning names at most this many skipped rows


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


def _typed(text: pd.DataFrame) -> pd.DataFrame:
    out = text.copy()
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
