"""What an MMSI says about its transmitter: kind, country (MID) and validity.

MMSI formats (ITU-R M.585), on the number zero-padded to nine digits:

====================  =============  ==========================================
format                kind           meaning
====================  =============  ==========================================
``MIDxxxxxx``         ship           ship station (first digit 2..7)
``0MIDxxxxx``         group          group call identity of ships
``00MIDxxxx``         coast_station  coast / base station
``111MIDxxx``         sar_aircraft   search-and-rescue aircraft
``8MIDxxxxx``         handheld       handheld VHF (national allocation)
``98MIDxxxx``         craft          craft associated with a parent ship
``99MIDxxxx``         aton           aid to navigation (physical or virtual)
``970xxyyyy``         sart           AIS search-and-rescue transmitter
``972xxyyyy``         mob            man-overboard device
``974xxyyyy``         epirb          EPIRB-AIS
====================  =============  ==========================================

The MID table (ITU Maritime Identification Digits, 201..775) is package data in
``features/reference/mid.csv`` with columns ``mid, iso2, country, area, sovereign_iso2``
(``area`` names the part of a country a MID is allocated to, e.g. Azores; ``sovereign_iso2`` is the
state a territory belongs to, e.g. HK -> CN).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd

SHIP = "ship"
GROUP = "group"
COAST_STATION = "coast_station"
SAR_AIRCRAFT = "sar_aircraft"
HANDHELD = "handheld"
CRAFT = "craft"
ATON = "aton"
SART = "sart"
MOB = "mob"
EPIRB = "epirb"
UNKNOWN = "unknown"
NOT_A_SHIP_KINDS = (COAST_STATION, SAR_AIRCRAFT, HANDHELD, CRAFT, ATON, SART, MOB, EPIRB)

# validity reason codes ("" means a valid ship MMSI)
VALID = ""
MISSING = "missing"
NOT_9_DIGITS = "not_9_digits"
PLACEHOLDER = "placeholder"
NOT_A_SHIP = "not_a_ship"
GROUP_IDENTITY = "group_identity"
UNALLOCATED_PREFIX = "unallocated_prefix"
UNALLOCATED_MID = "unallocated_mid"

REASON_TEXT = {
    MISSING: "no MMSI",
    NOT_9_DIGITS: "is not a 9-digit number",
    PLACEHOLDER: "is a placeholder value (default or repeated digits)",
    NOT_A_SHIP: "is not a ship station",
    GROUP_IDENTITY: "is a group call identity (0MID...), not one ship's own",
    UNALLOCATED_PREFIX: "starts with a digit pattern no ITU format uses",
    UNALLOCATED_MID: "has a country code (MID) the ITU has not allocated",
}

# Known factory-default and test identities seen on real transponders.
_PLACEHOLDERS = frozenset({"123456789", "012345678", "987654321", "001193046"})


@lru_cache(maxsize=1)
def _mid_table() -> pd.DataFrame:
    text = resources.files("vessel_risk.features").joinpath("reference/mid.csv").read_text("utf-8")
    # keep_default_na=False: "NA" is Namibia, not a missing value.
    table = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    return table.set_index("mid")


def mid_table() -> pd.DataFrame:
    """The MID table indexed by 3-digit MID text (a copy: safe to modify)."""
    return _mid_table().copy()


def country_name(iso2: pd.Series) -> pd.Series:
    """Country name for ISO alpha-2 codes found in the MID table; NA otherwise."""
    names = _mid_table().drop_duplicates("iso2").set_index("iso2")["country"]
    return iso2.astype("string").map(names).astype("string")


def sovereign_iso2(iso2: pd.Series) -> pd.Series:
    """The sovereign state's code for a territory code (HK -> CN); the code itself otherwise."""
    table = _mid_table().drop_duplicates("iso2").set_index("iso2")["sovereign_iso2"]
    codes = iso2.astype("string")
    return codes.map(table).astype("string").fillna(codes)


def _padded(mmsi: pd.Series) -> pd.Series:
    """Nine-character text of each MMSI, NA where missing or outside 0..999,999,999."""
    num = pd.to_numeric(mmsi, errors="coerce").astype("Float64")
    whole = num.notna() & (num == num.round()) & num.between(0, 999_999_999)
    ints = num.where(whole).astype("Int64")
    return ints.astype("string").str.zfill(9)


def mmsi_kind(mmsi: pd.Series) -> pd.Series:
    """The transmitter kind of each MMSI (see the module table); ``unknown`` when none fits."""
    text = _padded(mmsi).fillna("---------")
    first, two, three = text.str[0], text.str[:2], text.str[:3]
    mid_digit = ("2", "3", "4", "5", "6", "7")
    conditions = [
        first.isin(mid_digit),
        (first == "0") & text.str[1].isin(mid_digit),
        (two == "00") & text.str[2].isin(mid_digit),
        three == "111",
        first == "8",
        two == "98",
        two == "99",
        three == "970",
        three == "972",
        three == "974",
    ]
    kinds = [SHIP, GROUP, COAST_STATION, SAR_AIRCRAFT, HANDHELD, CRAFT, ATON, SART, MOB, EPIRB]
    out = np.select([cond.to_numpy(dtype=bool) for cond in conditions], kinds, default=UNKNOWN)
    return pd.Series(out, index=mmsi.index, dtype="string")


def _mid(mmsi: pd.Series) -> pd.Series:
    """The 3-digit MID text inside each MMSI, NA for kinds that carry none."""
    text = _padded(mmsi).fillna("---------")
    kind = mmsi_kind(mmsi)
    start = kind.map(
        {SHIP: 0, GROUP: 1, HANDHELD: 1, COAST_STATION: 2, CRAFT: 2, ATON: 2, SAR_AIRCRAFT: 3}
    )
    out = pd.Series(pd.NA, index=mmsi.index, dtype="string")
    for offset in (0, 1, 2, 3):
        hit = (start == offset).fillna(False).to_numpy(dtype=bool)
        out[hit] = text[hit].str[offset : offset + 3]
    return out


def mmsi_country(mmsi: pd.Series) -> pd.Series:
    """ISO 3166-1 alpha-2 code of the country whose MID the MMSI carries; NA if none or unallocated.

    Works for ship, group, coast-station, SAR-aircraft, handheld, craft (98) and AtoN (99)
    identities; SART/MOB/EPIRB devices carry no MID and give NA.
    """
    return _mid(mmsi).map(_mid_table()["iso2"]).astype("string")


def mmsi_validity(mmsi: pd.Series) -> pd.Series:
    """``""`` for a valid ship MMSI, else a reason code (module constants, e.g. ``placeholder``).

    Order of precedence: missing, not_9_digits (negative, fractional or over nine digits),
    placeholder, not_9_digits (too short for any format), not_a_ship, group_identity,
    unallocated_prefix, unallocated_mid.
    """
    text = _padded(mmsi)
    kind = mmsi_kind(mmsi)
    filled = text.fillna("---------")
    same_digit = filled.str.fullmatch(r"(\d)\1{8}")
    same_tail = (kind == SHIP) & filled.str[3:].str.fullmatch(r"(\d)\1{5}")
    short = (kind == UNKNOWN) & filled.str.startswith("0")  # fewer than 9 digits, no format fits
    has_mid = _mid(mmsi).isin(_mid_table().index)
    flags = [
        mmsi.isna(),
        text.isna(),
        same_digit | same_tail | filled.isin(_PLACEHOLDERS),
        short,
        kind.isin(NOT_A_SHIP_KINDS),
        kind == GROUP,
        kind == UNKNOWN,
        ~has_mid,
    ]
    reasons = [
        MISSING,
        NOT_9_DIGITS,
        PLACEHOLDER,
        NOT_9_DIGITS,
        NOT_A_SHIP,
        GROUP_IDENTITY,
        UNALLOCATED_PREFIX,
        UNALLOCATED_MID,
    ]
    conditions = [flag.fillna(False).to_numpy(dtype=bool) for flag in flags]
    out = np.select(conditions, reasons, default=VALID)
    return pd.Series(out, index=mmsi.index, dtype="string")
