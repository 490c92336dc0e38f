"""The ship registry extract: vessels, port-state-control inspections, identity history, watchlist.

Condition follows the vessel: old, unclassed and poor-flag ships have more deficiencies and
detentions; suspicious ships have more recent name/flag/owner changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.simulator import ports as pt
from vessel_risk.simulator.behaviour import Assignment
from vessel_risk.simulator.fleet import (
    FLAGS,
    MERCHANT_FLAG_WEIGHTS,
    POOR_FLAGS,
    Vessel,
    _name,
    _owner,
    make_imo,
)


@dataclass(frozen=True)
class RegistryParams:
    """How complete the registry is and how inspection history depends on condition."""

    coverage: float = 0.9  # about 90% of the fleet is in the registry extract
    inspection_years: int = 6  # port-state-control history kept
    inspections_per_year: float = 0.6  # a typical merchant ship is inspected every 1-2 years
    deficiency_base: float = 1.0  # a well-run ship has about one deficiency
    deficiency_per_year_over_10: float = 0.12  # ageing adds deficiencies
    deficiency_unclassed: float = 2.5  # no class society: nobody checks the hull and machinery
    deficiency_poor_flag: float = 2.0  # weak flag-state oversight
    detention_logit: tuple[float, float] = (
        -3.2,
        0.35,
    )  # P(detained) = sigmoid(a + b * deficiencies)
    watchlist_outside_fleet: int = 20  # entries for ships not in this fleet (per 200 vessels)


LISTS = (
    ("EU sanctions (synthetic)", "sanctioned owner"),
    ("Stolen vessels (synthetic)", "reported stolen"),
    ("Port-state banning (synthetic)", "banned after repeated detentions"),
)


def registered(
    fleet: list[Vessel],
    a: Assignment,
    rng: np.random.Generator,
    params: RegistryParams = RegistryParams(),
) -> list[int]:
    """Fleet indices in the registry: ships with an IMO number (the registry's key) and a valid
    MMSI; then small craft first out until coverage is reached."""
    target = int(round(params.coverage * len(fleet)))
    out = [v.index for v in fleet if v.index not in a.invalid_mmsi and v.imo is not None]
    small = [i for i in out if fleet[i].role in ("fishing", "tug") and i not in a.suspicious()]
    drop = [int(i) for i in rng.permutation(small)[: max(0, len(out) - target)]]
    return [i for i in out if i not in drop]


def registry_flag(v: Vessel, a: Assignment) -> str:
    """The registry's flag: the MMSI's country, except for injected flag mismatches."""
    if v.index not in a.flag_mismatch:
        return v.flag
    options = [f for f in (*POOR_FLAGS, "PA", "MH", "LR") if f != v.flag]
    return options[(v.mmsi // 7) % len(options)]


def vessels_table(fleet: list[Vessel], a: Assignment, rows: list[int]) -> pd.DataFrame:
    """vessels.csv: one row per registered vessel (contract columns), sorted by MMSI."""
    recs = [
        {
            c.IMO: fleet[i].imo,
            c.MMSI: fleet[i].mmsi,
            c.NAME: fleet[i].name,
            c.CALLSIGN: fleet[i].callsign,
            c.FLAG: registry_flag(fleet[i], a),
            c.SHIP_TYPE: fleet[i].ship_type_text,
            c.BUILD_YEAR: fleet[i].build_year,
            c.GROSS_TONNAGE: fleet[i].gross_tonnage,
            c.LENGTH_M: fleet[i].length_m,
            c.CLASS_SOCIETY: fleet[i].class_society,
            c.OWNER: fleet[i].owner,
        }
        for i in rows
    ]
    df = pd.DataFrame(recs, columns=c.VESSELS_COLUMNS)
    df[c.IMO] = df[c.IMO].astype("Int64")
    return df.sort_values(c.MMSI, kind="mergesort").reset_index(drop=True)


def inspections_table(
    fleet: list[Vessel],
    a: Assignment,
    rows: list[int],
    start: date,
    rng: np.random.Generator,
    params: RegistryParams = RegistryParams(),
) -> pd.DataFrame:
    """inspections.csv: PSC history of registered vessels with an IMO (not fishing boats)."""
    recs = []
    names = [pt.port(p).name for p in pt.CARGO_PORTS]
    for i in rows:
        v = fleet[i]
        if v.imo is None or v.role == "fishing":
            continue
        poor = registry_flag(v, a) in POOR_FLAGS
        lam = (
            params.deficiency_base
            + params.deficiency_per_year_over_10 * max(0, start.year - v.build_year - 10)
            + params.deficiency_unclassed * (v.class_society == "")
            + params.deficiency_poor_flag * poor
        )
        n = int(
            rng.poisson(
                params.inspections_per_year * params.inspection_years * (1.5 if poor else 1.0)
            )
        )
        for days_back in np.sort(rng.integers(1, 365 * params.inspection_years, n))[::-1]:
            deficiencies = int(rng.poisson(lam))
            p = 1 / (
                1 + np.exp(-(params.detention_logit[0] + params.detention_logit[1] * deficiencies))
            )
            recs.append(
                {
                    c.IMO: v.imo,
                    c.DATE: (start - timedelta(days=int(days_back))).isoformat(),
                    c.PORT: str(rng.choice(names)),
                    c.DEFICIENCIES: deficiencies,
                    c.DETAINED: int(rng.random() < p),
                }
            )
    df = pd.DataFrame(recs, columns=c.INSPECTIONS_COLUMNS)
    return df.sort_values([c.IMO, c.DATE], kind="mergesort").reset_index(drop=True)


def history_table(
    fleet: list[Vessel], a: Assignment, rows: list[int], start: date, rng: np.random.Generator
) -> pd.DataFrame:
    """history.csv: name/flag/owner/callsign changes, newest value = the registry's current one."""
    recs = []
    suspicious = set(a.suspicious())
    for i in rows:
        v = fleet[i]
        if v.imo is None:
            continue
        current = {
            c.NAME: v.name,
            c.FLAG: registry_flag(v, a),
            c.OWNER: v.owner,
            c.CALLSIGN: v.callsign,
        }
        changes: list[tuple[int, str]] = []
        if i in a.flag_mismatch:  # reflagged lately; the transponder still has the old MMSI
            changes.append((int(rng.integers(20, 180)), c.FLAG))
        if i in suspicious:
            for _ in range(int(rng.integers(1, 4))):
                field_name = str(rng.choice([c.NAME, c.FLAG, c.OWNER, c.CALLSIGN]))
                changes.append((int(rng.integers(30, 3 * 365)), field_name))
        else:
            if rng.random() < 0.2:
                changes.append((int(rng.integers(200, 10 * 365)), c.OWNER))
            if rng.random() < 0.08:
                changes.append((int(rng.integers(200, 10 * 365)), c.NAME))
        mid_flag_pending = i in a.flag_mismatch
        for days_back, field_name in sorted(changes):  # newest first, walking back in time
            new = current[field_name]
            old = _old_value(field_name, new, v, rng)
            if field_name == c.FLAG and mid_flag_pending:
                old, mid_flag_pending = v.flag, False
            recs.append(
                {
                    c.IMO: v.imo,
                    c.DATE: (start - timedelta(days=days_back)).isoformat(),
                    c.FIELD: field_name,
                    c.OLD_VALUE: old,
                    c.NEW_VALUE: new,
                }
            )
            current[field_name] = old
    df = pd.DataFrame(recs, columns=c.HISTORY_COLUMNS)
    return df.sort_values([c.IMO, c.DATE, c.FIELD], kind="mergesort").reset_index(drop=True)


def _old_value(field_name: str, new: str, v: Vessel, rng: np.random.Generator) -> str:
    for _ in range(20):
        if field_name == c.NAME:
            old = _name(rng, v.role)
        elif field_name == c.OWNER:
            old = _owner(rng)
        elif field_name == c.FLAG:
            old = str(rng.choice(list(MERCHANT_FLAG_WEIGHTS)))
        else:
            flag = str(rng.choice(list(FLAGS)))
            old = str(rng.choice(FLAGS[flag][1])) + "".join(
                str(x) for x in rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), size=3)
            )
        if old != new:
            return old
    return new + " II"


def watchlist_table(
    fleet: list[Vessel],
    a: Assignment,
    rng: np.random.Generator,
    params: RegistryParams = RegistryParams(),
) -> pd.DataFrame:
    """watchlist.csv: the injected fleet vessels (by IMO, MMSI or both) plus ships outside it."""
    recs = []
    for k, i in enumerate(a.watchlist):
        v = fleet[i]
        list_name, reason = LISTS[k % len(LISTS)]
        by = ("both", "imo", "mmsi")[k % 3] if v.imo is not None else "mmsi"
        if not 100_000_000 <= v.mmsi <= 999_999_999:  # a list names a vessel by valid identifiers
            if v.imo is None:
                continue
            by = "imo"
        recs.append(
            {
                c.IMO: v.imo if by in ("both", "imo") else None,
                c.MMSI: v.mmsi if by in ("both", "mmsi") else None,
                c.LIST_NAME: list_name,
                c.REASON: reason,
            }
        )
    fleet_mmsi = {v.mmsi for v in fleet}
    n_out = max(3, int(round(params.watchlist_outside_fleet * len(fleet) / 200)))
    for _ in range(n_out):
        list_name, reason = LISTS[int(rng.integers(0, len(LISTS)))]
        flag = str(rng.choice(list(FLAGS)))
        mmsi = int(rng.choice(FLAGS[flag][0])) * 1_000_000 + int(rng.integers(0, 1_000_000))
        if mmsi in fleet_mmsi:
            continue
        recs.append(
            {
                c.IMO: make_imo(rng, int(rng.integers(1980, 2015))),
                c.MMSI: mmsi,
                c.LIST_NAME: list_name,
                c.REASON: reason,
            }
        )
    df = pd.DataFrame(recs, columns=c.WATCHLIST_COLUMNS)
    df[c.IMO] = df[c.IMO].astype("Int64")
    df[c.MMSI] = df[c.MMSI].astype("Int64")
    return df.sort_values([c.LIST_NAME, c.IMO, c.MMSI], kind="mergesort").reset_index(drop=True)
