"""Vessel condition features from the registry: age, size, type, flag, class, inspections, history.

One row per linked MMSI, every feature ``float64`` (LightGBM input). Missing means unknown, never
zero: with no registry every feature is NaN; a vessel not in the registry gets NaN features and
``registry_match`` 0; without ``inspections.csv`` (or ``history.csv``) the inspection (or change)
counts are NaN, while a registered vessel with no record in a present file counts 0.

No look-ahead: only inspection and history records dated on or before ``as_of`` are used. (The
``vessels.csv`` snapshot itself - flag, owner, class - is the registry's current state; it has no
dates to filter on.) When ``as_of`` is the day of a labelled inspection, pass the day before so
that inspection does not describe itself.

Flag risk uses the Paris MoU White-Grey-Black (WGB) lists of 2024 (inspections and detentions of
2022-2024, published June 2025, used for the ship risk profile from 1 July 2025 to 30 June 2026),
shipped as ``features/reference/flag_risk.csv`` (columns ``iso2, paris_mou_list, list_year,
checked, note``). All 69 listed flags are there - 40 White, 17 Grey, 12 Black, ranks 1-69 without
a gap - each ``checked`` 2024 against a table read from the three official list PDFs (source and
caveats in ``features/reference/README.md``); ``note`` gives the flag's rank (1 best, 69 worst) and
its 2023 colour where that differed and is known. A flag on no list gives NaN: the lists hold only
flags with at least 30 inspections in the three years (Georgia, Switzerland and Tuvalu, listed in
earlier years, are not on the 2024 lists), and unknown flags are NaN too. The lists change every
1 July: replace the file with the current table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features.catalog import (
    AGE_YEARS,
    DAYS_SINCE_LAST_INSPECTION,
    DEFICIENCIES_36M,
    DETENTIONS_36M,
    FLAG_CHANGES_36M,
    FLAG_RISK,
    GROSS_TONNAGE,
    INSPECTIONS_36M,
    LENGTH_M,
    NAME_CHANGES_36M,
    OWNER_CHANGES_36M,
    REGISTRY_MATCH,
    SHIP_TYPE_GROUP,
    UNCLASSED,
)
from vessel_risk.features.identity import linked_registry
from vessel_risk.features.tracks import require_columns
from vessel_risk.ingest.registry import Registry

# Feature names come from the catalog. Values: REGISTRY_MATCH 1 when the linked vessel is in
# vessels.csv, 0 when not, NaN without a registry; SHIP_TYPE_GROUP one of the SHIP_TYPE_* codes
# below; FLAG_RISK 0 white, 1 grey, 2 black Paris MoU list; UNCLASSED 1 when class_society is empty.
VESSEL_FEATURES = [AGE_YEARS, GROSS_TONNAGE, LENGTH_M, SHIP_TYPE_GROUP, FLAG_RISK, UNCLASSED]
INSPECTION_FEATURES = [
    INSPECTIONS_36M,
    DEFICIENCIES_36M,
    DETENTIONS_36M,
    DAYS_SINCE_LAST_INSPECTION,
]
HISTORY_FEATURES = [NAME_CHANGES_36M, FLAG_CHANGES_36M, OWNER_CHANGES_36M]
CONDITION_COLUMNS = [
    c.MMSI,
    REGISTRY_MATCH,
    *VESSEL_FEATURES,
    *INSPECTION_FEATURES,
    *HISTORY_FEATURES,
]

SHIP_TYPE_OTHER, SHIP_TYPE_TANKER, SHIP_TYPE_CARGO = 0, 1, 2
SHIP_TYPE_PASSENGER, SHIP_TYPE_FISHING, SHIP_TYPE_TUG_SERVICE = 3, 4, 5
FLAG_LIST_RISK = {"white": 0.0, "grey": 1.0, "black": 2.0}

# Registry ship-type text -> group, first match wins (so "LNG carrier" is a tanker, and
# "passenger/ro-ro cargo" a passenger ship).
_TYPE_PATTERNS = [
    (SHIP_TYPE_TANKER, r"tank|crude|oil|chemical|\blpg\b|\blng\b|gas carrier|bunker"),
    (SHIP_TYPE_PASSENGER, r"passeng|cruise|ferry|ro-?pax"),
    (SHIP_TYPE_FISHING, r"fish|trawl|seiner|longliner"),
    (
        SHIP_TYPE_TUG_SERVICE,
        r"\btug|towing|supply|offshore|pilot|dredg|tender|research|icebreak|salvage|buoy|patrol"
        r"|anchor handling|crew boat",
    ),
    (
        SHIP_TYPE_CARGO,
        r"cargo|bulk|container|carrier|ro-?ro|reefer|vehicle|general|heavy lift|timber|cement",
    ),
]


@dataclass(frozen=True)
class ConditionParams:
    """Settings of :func:`condition_features`."""

    # The Paris MoU ship risk profile counts deficiencies and detentions over the last 36 months;
    # the column names carry this default.
    window_months: int = 36


@lru_cache(maxsize=1)
def _flag_lists() -> pd.Series:
    path = resources.files("vessel_risk.features").joinpath("reference/flag_risk.csv")
    table = pd.read_csv(StringIO(path.read_text("utf-8")), dtype=str, keep_default_na=False)
    return table.set_index("iso2")["paris_mou_list"].map(FLAG_LIST_RISK).astype("float64")


def flag_risk(flags: pd.Series) -> pd.Series:
    """0 white, 1 grey, 2 black (Paris MoU list) per ISO alpha-2 flag; NaN when unknown/unlisted."""
    return flags.astype("string").map(_flag_lists()).astype("float64")


def ship_type_group(ship_type: pd.Series) -> pd.Series:
    """Small integer group (``SHIP_TYPE_*``) from registry ship-type text or an AIS type code."""
    text = ship_type.astype("string").str.strip().str.lower()
    is_code = text.str.fullmatch(r"\d{1,2}").fillna(False).astype(bool)
    code = pd.to_numeric(text.where(is_code), errors="coerce").astype("float64").to_numpy()
    by_code = np.select(
        [
            code == 30,
            np.isin(code, [31, 32, 52]),
            (code >= 50) & (code <= 59),
            (code >= 60) & (code <= 69),
            (code >= 70) & (code <= 79),
            (code >= 80) & (code <= 89),
            ~np.isnan(code),
        ],
        [
            SHIP_TYPE_FISHING,
            SHIP_TYPE_TUG_SERVICE,
            SHIP_TYPE_TUG_SERVICE,
            SHIP_TYPE_PASSENGER,
            SHIP_TYPE_CARGO,
            SHIP_TYPE_TANKER,
            SHIP_TYPE_OTHER,
        ],
        default=-1,
    )
    by_text = np.select(
        [
            text.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
            for _, pattern in _TYPE_PATTERNS
        ],
        [group for group, _ in _TYPE_PATTERNS],
        default=SHIP_TYPE_OTHER,
    )
    out = np.where(by_code >= 0, by_code, by_text).astype("float64")
    out[text.isna().to_numpy(dtype=bool)] = np.nan
    return pd.Series(out, index=ship_type.index, dtype="float64")


def condition_features(
    links: pd.DataFrame,
    registry: Registry | None,
    as_of: date,
    params: ConditionParams = ConditionParams(),
) -> pd.DataFrame:
    """One row per MMSI of ``links`` (``mmsi, imo``) with the columns of ``CONDITION_COLUMNS``."""
    require_columns(links, [c.MMSI, c.IMO], "links")
    base = links[[c.MMSI, c.IMO]].drop_duplicates(c.MMSI).sort_values(c.MMSI, kind="mergesort")
    base = base.astype({c.MMSI: "int64", c.IMO: "Int64"}).reset_index(drop=True)
    out = pd.DataFrame({c.MMSI: base[c.MMSI]})
    for col in CONDITION_COLUMNS[1:]:
        out[col] = np.nan
    if registry is None or registry.vessels.empty:  # an empty vessels.csv tells nothing
        return out
    row = linked_registry(base, registry.vessels)
    matched = row["registered"].to_numpy(dtype=bool)
    out[REGISTRY_MATCH] = matched.astype("float64")
    as_of_ts = pd.Timestamp(as_of, tz="UTC")
    built = row[c.BUILD_YEAR].astype("float64")
    # A ship built after the screening year has no age yet: a typo (2099) or a registry newer
    # than a backfilled day. Unknown, never 0 (ingest.registry.build_year_warnings names them).
    out[AGE_YEARS] = (as_of_ts.year - built).where(built <= as_of_ts.year).to_numpy()
    out[GROSS_TONNAGE] = row[c.GROSS_TONNAGE].astype("float64").to_numpy()
    out[LENGTH_M] = row[c.LENGTH_M].astype("float64").to_numpy()
    out[SHIP_TYPE_GROUP] = ship_type_group(row[c.SHIP_TYPE]).to_numpy()
    out[FLAG_RISK] = flag_risk(row[c.FLAG]).to_numpy()
    out[UNCLASSED] = row[c.CLASS_SOCIETY].isna().astype("float64").to_numpy()
    window_start = as_of_ts - pd.DateOffset(months=params.window_months)
    # Inspections and history are keyed by IMO: a vessel without one has no record in them.
    imos = pd.Series(row[c.IMO].astype("Int64").to_numpy(), dtype="Int64").where(matched)
    if registry.inspections is not None:
        out[INSPECTION_FEATURES] = _inspection_features(
            registry.inspections, imos, window_start, as_of_ts
        ).to_numpy()
    if registry.history is not None:
        out[HISTORY_FEATURES] = _history_features(
            registry.history, imos, window_start, as_of_ts
        ).to_numpy()
    out.loc[~matched, CONDITION_COLUMNS[2:]] = np.nan
    out.loc[imos.isna().to_numpy(), INSPECTION_FEATURES + HISTORY_FEATURES] = np.nan
    return out[CONDITION_COLUMNS]


def _past(table: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    return table.loc[table[c.DATE] <= as_of]


def _inspection_features(
    inspections: pd.DataFrame, imos: pd.Series, start: pd.Timestamp, as_of: pd.Timestamp
) -> pd.DataFrame:
    past = _past(inspections, as_of)
    recent = past.loc[past[c.DATE] > start]
    grouped = recent.groupby(c.IMO)
    per_imo = pd.DataFrame(
        {
            INSPECTIONS_36M: grouped.size(),
            DEFICIENCIES_36M: grouped[c.DEFICIENCIES].sum(),
            DETENTIONS_36M: grouped[c.DETAINED].sum(),
        }
    ).astype("float64")
    per_imo = per_imo.reindex(imos).fillna(0.0)
    last = past.groupby(c.IMO)[c.DATE].max().reindex(imos)
    per_imo[DAYS_SINCE_LAST_INSPECTION] = ((as_of - last).dt.days).astype("float64").to_numpy()
    return per_imo[INSPECTION_FEATURES]


def _history_features(
    history: pd.DataFrame, imos: pd.Series, start: pd.Timestamp, as_of: pd.Timestamp
) -> pd.DataFrame:
    past = _past(history, as_of)
    recent = past.loc[past[c.DATE] > start]
    counts = recent.groupby([c.IMO, c.FIELD]).size().unstack(fill_value=0)
    columns = {c.NAME: NAME_CHANGES_36M, c.FLAG: FLAG_CHANGES_36M, c.OWNER: OWNER_CHANGES_36M}
    counts = counts.reindex(columns=list(columns), fill_value=0).rename(columns=columns)
    return counts.reindex(imos).fillna(0).astype("float64")[HISTORY_FEATURES]
