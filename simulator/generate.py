"""Generate the bundled synthetic sample: AIS archive, registry, truth, outcomes, manifest.

``generate(out, seed, vessels, days, start)`` writes everything under ``out`` and returns the
:class:`Manifest`. The same arguments give byte-identical files.
"""

from __future__ import annotations

import dataclasses
import gzip
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.common.errors import ConfigError
from vessel_risk.simulator import behaviour as bh
from vessel_risk.simulator import encode as enc
from vessel_risk.simulator import registry as reg
from vessel_risk.simulator.fleet import Vessel, make_fleet
from vessel_risk.simulator.manifest import Manifest, readme_text
from vessel_risk.simulator.outcomes import PROBABILITY_COLUMNS, PROBABILITY_FILE, outcomes_table
from vessel_risk.simulator.plans import Plan, ferry_plan, fishing_plan, merchant_plan, tug_plan
from vessel_risk.simulator.reception import receive
from vessel_risk.simulator.statics import make_statics, rename_identity
from vessel_risk.simulator.tracks import CadenceParams, sample_track

DEFAULT_SEED = 20261123
DEFAULT_VESSELS = 200
DEFAULT_DAYS = 7
DEFAULT_START = date(2026, 11, 16)
WARMUP_DAYS = 4  # plans start this long before the period, so ships are mid-voyage at its start
INVALID_MMSIS = (123456789, 24412345, 200_481_516, 1_012_345_678, 111111111)  # placeholder,
# 8 digits, unallocated MID 200, 10 digits, placeholder: cycled over the injected vessels

TRUTH_COLUMNS = [c.MMSI, c.EVENT_TYPE, c.START, c.END, c.OTHER_MMSI, c.DETAIL]


def _rng(seed: int, *key: int) -> np.random.Generator:
    """An independent stream per component, so changing one part leaves the others as they were."""
    return np.random.default_rng([seed, *key])


def _utc(t_s: float) -> str:
    return datetime.fromtimestamp(int(t_s), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plan(v: Vessel, a: bh.Assignment, rng: np.random.Generator, t0: float, t1: float) -> Plan:
    if v.role == "ferry":
        return ferry_plan(v, t0, t1)
    if v.role == "fishing":
        return fishing_plan(v, rng, t0, t1)
    if v.role == "tug":
        return tug_plan(v, rng, t0, t1)
    return merchant_plan(v, rng, t0, t1, a.activities.get(v.index))


def simulate(
    fleet: list[Vessel], a: bh.Assignment, seed: int, start_s: float, end_s: float,
    cadence: CadenceParams = CadenceParams(),
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """All vessels' position reports, statics and the truth table (before encoding)."""
    t0, t1 = start_s - WARMUP_DAYS * 86400, end_s + 86400
    pos_parts: list[pd.DataFrame] = []
    stat_parts: list[pd.DataFrame] = []
    truth: list[tuple[int, str, float, float, int | None, str]] = []
    plans: dict[int, Plan] = {}
    for v in fleet:  # one loop over vessels; each vessel's reports are built with numpy
        rng = _rng(seed, 100, v.index)
        plan = _plan(v, a, rng, t0, t1)
        plans[v.index] = plan
        rep = sample_track(plan.knots, start_s, end_s, rng, cadence)
        stat = make_statics(v, plan, start_s, end_s, rng)
        act = a.activities.get(v.index)
        if act is not None and plan.window_s is not None:
            w0, w1 = plan.window_s
            if act.kind == "dark":
                rep = rep[(rep["t_s"] < w0) | (rep["t_s"] > w1)]
                stat = stat[(stat["t_s"] < w0) | (stat["t_s"] > w1)]
                truth.append(
                    (v.mmsi, c.GAP, w0, w1, None, f"AIS off for {(w1 - w0) / 3600:.1f} h at sea")
                )
            elif act.kind == "loiter":
                truth.append(
                    (
                        v.mmsi,
                        c.LOITERING,
                        w0,
                        w1,
                        None,
                        f"drifting {act.drift_knots:.1f} kn for {(w1 - w0) / 3600:.1f} h",
                    )
                )
            else:
                other = fleet[a.partner[v.index]].mmsi
                truth.append(
                    (
                        v.mmsi,
                        c.ENCOUNTER,
                        w0,
                        w1,
                        other,
                        f"alongside {other} for {(w1 - w0) / 3600:.1f} h",
                    )
                )
        if v.index in a.spoofing:
            rep, episodes = bh.spoof(rep, _rng(seed, 200, v.index))
            truth += [
                (v.mmsi, c.SPOOFING, s, e, None, f"positions moved {d:.0f} nm")
                for s, e, d in episodes
            ]
        if v.index in a.identity_change:
            stat, when, detail = rename_identity(v, stat, start_s, end_s, _rng(seed, 300, v.index))
            truth.append((v.mmsi, c.IDENTITY_CHANGE, when[0], when[1], None, detail))
        rep = rep.assign(mmsi=v.mmsi, ais_class=v.ais_class)
        pos_parts.append(rep)
        stat_parts.append(stat)
    for i in a.identity_shared:  # a second transmitter: another ship's track, same MMSI
        v = fleet[i]
        own = pos_parts[i]  # parts 0..n-1 are the fleet's own tracks, in fleet order
        for attempt in range(20):
            rng = _rng(seed, 400, i, attempt)
            ghost_src = fleet[int(rng.integers(0, len(fleet)))]
            if ghost_src.role not in ("container", "cargo", "bulk", "crude", "chemical"):
                continue
            ghost = sample_track(plans[ghost_src.index].knots, start_s, end_s, rng, cadence)
            ghost["lat"] += 0.35  # shifted off the source ship's track so it is not a copy
            found = bh.shared_transmitter(own, ghost, rng)
            if found is not None:
                part, (s, e) = found
                pos_parts.append(part.assign(mmsi=v.mmsi, ais_class=v.ais_class))
                truth.append(
                    (
                        v.mmsi,
                        c.IDENTITY_SHARED,
                        s,
                        e,
                        None,
                        "second transmitter far away using this MMSI",
                    )
                )
                break
    for kind, ids in (
        (c.INVALID_MMSI, a.invalid_mmsi),
        (c.FLAG_MISMATCH, a.flag_mismatch),
        (c.WATCHLIST, a.watchlist),
    ):
        for i in ids:  # standing facts: they hold for the whole period the vessel is seen
            v = fleet[i]
            own = pos_parts[i]
            if own.empty:
                continue
            detail = {
                c.INVALID_MMSI: f"MMSI {v.mmsi} is not a valid ship MMSI",
                c.FLAG_MISMATCH: f"MMSI country {v.flag}, registry flag {reg.registry_flag(v, a)}",
                c.WATCHLIST: "on watchlist.csv",
            }[kind]
            truth.append(
                (v.mmsi, kind, float(own["t_s"].min()), float(own["t_s"].max()), None, detail)
            )
    # what the receivers hear: nothing in the coverage hole, a thinned feed near one station
    positions = receive(pd.concat(pos_parts, ignore_index=True), _rng(seed, 1000))
    statics = receive(pd.concat(stat_parts, ignore_index=True), _rng(seed, 1001))
    tdf = pd.DataFrame(truth, columns=TRUTH_COLUMNS)
    tdf[c.OTHER_MMSI] = tdf[c.OTHER_MMSI].astype("Int64")
    tdf = tdf.sort_values([c.START, c.MMSI, c.EVENT_TYPE], kind="mergesort").reset_index(drop=True)
    tdf[c.START] = tdf[c.START].map(_utc)
    tdf[c.END] = tdf[c.END].map(_utc)
    return positions, statics, tdf


def _messages(
    positions: pd.DataFrame, statics: pd.DataFrame, seed: int
) -> tuple[pd.DataFrame, list[list[str]]]:
    rng = _rng(seed, 500)
    pos = positions.copy()
    class_a = pos["ais_class"].to_numpy() == "A"
    pos["msg_type"] = np.where(class_a, np.where(rng.random(len(pos)) < 0.15, 3, 1), 18)
    pos["channel"] = np.where(rng.random(len(pos)) < 0.5, "A", "B")
    st = statics.copy()
    st["channel"] = np.where(rng.random(len(st)) < 0.5, "A", "B")
    pos = pos.sort_values(["t_s", "mmsi", "lat"], kind="mergesort").reset_index(drop=True)
    st = st.sort_values(["t_s", "mmsi", "msg_type", "part_num"], kind="mergesort").reset_index(
        drop=True
    )
    st["seq_id"] = np.arange(len(st)) % 10
    sentences = enc.position_sentences(pos) + enc.static_sentences(st)
    msgs = pd.concat(
        [
            pos[["t_s", "lat", "lon", "mmsi", "msg_type"]],
            st[["t_s", "lat", "lon", "mmsi", "msg_type"]],
        ],
        ignore_index=True,
    )
    msgs["order"] = np.arange(len(msgs))
    return msgs, sentences


def generate(
    out: Path,
    seed: int = DEFAULT_SEED,
    vessels: int = DEFAULT_VESSELS,
    days: int = DEFAULT_DAYS,
    start: date = DEFAULT_START,
    cadence: CadenceParams = CadenceParams(),
) -> Manifest:
    """Write the sample under ``out`` (ais/, registry/, truth.csv, outcomes.csv, manifest.json,
    README.md) and return its manifest. ``cadence``: how often positions are kept (the bundled
    sample is a downsampled archive; a shorter interval gives a feed closer to real time)."""
    if days < 2:
        raise ConfigError("days must be at least 2: injected behaviour lasts up to a day")
    out = Path(out)
    start_s = datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp()
    end_s = start_s + days * 86400
    fleet = make_fleet(vessels, _rng(seed, 1))
    a = bh.assign(fleet, _rng(seed, 2), start_s, end_s)
    for k, i in enumerate(a.invalid_mmsi):  # the ship broadcasts a bad MMSI all week
        fleet[i] = dataclasses.replace(fleet[i], mmsi=INVALID_MMSIS[k % len(INVALID_MMSIS)])
    positions, statics, truth = simulate(fleet, a, seed, start_s, end_s, cadence)
    msgs, sentences = _messages(positions, statics, seed)
    recs = enc.records(msgs, sentences, _rng(seed, 600))
    broken_total = {k: 0 for k in enc.BROKEN_KINDS}
    files = []
    (out / "ais").mkdir(parents=True, exist_ok=True)
    n_lines = 0
    for d in range(days):
        day = start + timedelta(days=d)
        day_s = int(start_s) + d * 86400
        recs, broken = enc.inject_broken(recs, day_s, _rng(seed, 700, d))
        broken_total = {k: broken_total[k] + broken[k] for k in broken_total}
        lines = enc.day_lines(recs, day_s)
        n_lines += len(lines)
        path = out / "ais" / f"{day.isoformat()}.nmea.gz"
        with (
            open(path, "wb") as fh,
            gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0) as gz,
        ):
            gz.write(("\n".join(lines) + "\n").encode("ascii"))
        files.append(f"ais/{path.name}")
    reg_dir = out / "registry"
    reg_dir.mkdir(parents=True, exist_ok=True)
    rrng = _rng(seed, 800)
    rows = reg.registered(fleet, a, rrng)
    inspections = reg.inspections_table(fleet, a, rows, start, rrng)
    tables = {
        "vessels.csv": reg.vessels_table(fleet, a, rows),
        "inspections.csv": inspections,
        "history.csv": reg.history_table(fleet, a, rows, start, rrng),
        "watchlist.csv": reg.watchlist_table(fleet, a, rrng),
    }
    for name, df in tables.items():
        df.to_csv(reg_dir / name, index=False, lineterminator="\n")
        files.append(f"registry/{name}")
    imo_to_index = {v.imo: v.index for v in fleet if v.imo is not None}
    detentions = inspections.groupby(c.IMO)[c.DETAINED].sum()
    det = {imo_to_index[int(k)]: int(n) for k, n in detentions.items() if int(k) in imo_to_index}
    flags = {i: reg.registry_flag(fleet[i], a) for i in rows}
    outcomes = outcomes_table(fleet, truth, flags, det, start, days, _rng(seed, 900))
    truth.to_csv(out / "truth.csv", index=False, lineterminator="\n")
    outcomes[c.OUTCOME_COLUMNS].to_csv(out / "outcomes.csv", index=False, lineterminator="\n")
    outcomes[PROBABILITY_COLUMNS].to_csv(out / PROBABILITY_FILE, index=False,
                                         lineterminator="\n", float_format="%.6f")
    files += ["truth.csv", "outcomes.csv", PROBABILITY_FILE, "manifest.json", "README.md"]
    kinds = msgs["msg_type"].map(lambda t: f"type_{int(t)}")
    manifest = Manifest(
        seed=seed,
        start=start.isoformat(),
        end=(start + timedelta(days=days - 1)).isoformat(),
        days=days,
        vessels=len(fleet),
        registry_vessels=len(rows),
        messages_by_type={k: int(n) for k, n in kinds.value_counts().sort_index().items()},
        lines=n_lines,
        duplicate_receptions=int(len(recs) - len(msgs) - sum(broken_total.values())),
        broken_lines=broken_total,
        events={k: int(n) for k, n in truth[c.EVENT_TYPE].value_counts().sort_index().items()},
        outcomes=len(outcomes),
        positive_outcomes=int(outcomes[c.LABEL].sum()),
        files=files,
    )
    (out / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    (out / "README.md").write_text(readme_text(manifest), encoding="utf-8")
    return manifest
