"""Static and voyage reports: type 5 for class A, type 24 parts A and B for class B, every 1-2 h,
and the injected identity change (new name, call sign and sometimes IMO during the week).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vessel_risk.simulator.fleet import Vessel, _name, make_imo
from vessel_risk.simulator.plans import Plan

STATIC_INTERVAL_MIN = (60.0, 120.0)  # archive keeps a static report every 1-2 h per vessel
PART_B_DELAY_S = 7  # class B sends part B a few seconds after part A


def make_statics(
    v: Vessel, plan: Plan, start_s: float, end_s: float, rng: np.random.Generator
) -> pd.DataFrame:
    """The vessel's static reports in [start_s, end_s) with where it was when sending them."""
    n = int((end_s - start_s) / (STATIC_INTERVAL_MIN[0] * 60)) + 2
    steps = rng.uniform(*STATIC_INTERVAL_MIN, n) * 60
    t = np.round(start_s + rng.uniform(0, steps[0]) + np.concatenate([[0.0], np.cumsum(steps[1:])]))
    t = t[t < end_s - PART_B_DELAY_S]
    if v.ais_class == "B":
        t = np.sort(np.concatenate([t, t + PART_B_DELAY_S]))
        msg_type = np.full(len(t), 24)
        part = np.tile([0, 1], len(t) // 2)
    else:
        msg_type = np.full(len(t), 5)
        part = np.full(len(t), -1)
    kt = plan.knots["t_s"].to_numpy()
    df = pd.DataFrame(
        {
            "t_s": t.astype("int64"),
            "lat": np.interp(t, kt, plan.knots["lat"].to_numpy()),
            "lon": np.interp(t, kt, plan.knots["lon"].to_numpy()),
            "mmsi": v.mmsi,
            "msg_type": msg_type,
            "part_num": part,
            "imo": pd.array([v.imo] * len(t), dtype="Int64"),
            "name": v.name,
            "callsign": v.callsign,
            "ship_type": v.ais_type,
            "destination": plan.destination_at(t),
            "draught_m": v.draught_m,
            "length_m": v.length_m,
            "beam_m": v.beam_m,
        }
    )
    return df


def rename_identity(
    v: Vessel, statics: pd.DataFrame, start_s: float, end_s: float, rng: np.random.Generator
) -> tuple[pd.DataFrame, tuple[float, float], str]:
    """From a time mid-period on, broadcast a new name and call sign (and, for every other
    vessel, a new IMO). Returns (statics, (last old report, first new report), detail)."""
    change_s = float(
        rng.uniform(start_s + 0.3 * (end_s - start_s), start_s + 0.7 * (end_s - start_s))
    )
    new_name = _name(rng, v.role)
    while new_name == v.name:
        new_name = _name(rng, v.role)
    new_call = v.callsign[:2] + "".join(
        str(x) for x in rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ"), 3)
    )
    out = statics.copy()
    after = out["t_s"].to_numpy() >= change_s
    out.loc[after, "name"] = new_name
    out.loc[after, "callsign"] = new_call
    detail = f"name {v.name} -> {new_name}, call sign {v.callsign} -> {new_call}"
    if v.imo is not None and v.mmsi % 2 == 0:
        new_imo = make_imo(rng, v.build_year)
        out.loc[after, "imo"] = new_imo
        detail += f", IMO {v.imo} -> {new_imo}"
    t = out["t_s"].to_numpy()
    last_old = float(t[~after].max()) if (~after).any() else change_s
    first_new = float(t[after].min()) if after.any() else change_s
    return out, (last_old, first_new), detail
