"""Read a generated sample back and check that it says what it claims.

Used by the tests (on a tiny fleet) and to vet the committed sample before it is committed:
``read_archive`` decodes every line with pyais and counts broken lines by kind; the ``check_*``
functions each return a list of problems (empty when the sample is right).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pyais import decode

from vessel_risk.common import columns as c
from vessel_risk.simulator.encode import BROKEN_KINDS, checksum
from vessel_risk.simulator.geo import haversine_nm, is_sea
from vessel_risk.simulator.ports import COVERAGE_HOLE, any_port_distance_nm, port_distance_nm
from vessel_risk.simulator.reception import impaired

_TAG = re.compile(r"^\\s:([^,*\\]+),c:(\d+)\*([0-9A-F]{2})\\(.*)$")
FAR_FROM_PORT_NM = 15.0  # normal vessels are never slow this far out, nor silent
# At-sea behaviour happens outside every port's harbour (some of it close to a coast).
OUTSIDE_PORT_NM = 3.5
PORT_AREA_NM = 12.0  # river and canal approaches (land on a 1 km mask) lie within this of a port


@dataclass
class Archive:
    """Decoded reports: positions, statics, and broken lines counted by kind."""

    positions: pd.DataFrame
    statics: pd.DataFrame
    broken: dict[str, int]
    lines: int
    unsorted_lines: int


def _classify(sentence: str) -> str | None:
    if "*" not in sentence or len(sentence.split("*")[-1]) != 2:
        return "truncated"
    body, cs = sentence[1:].rsplit("*", 1)
    return "bad_checksum" if checksum(body) != cs else None


def read_archive(folder: Path) -> Archive:
    """Decode every ``ais/*.nmea.gz`` file in the sample folder."""
    pos, stat = [], []
    broken = {k: 0 for k in BROKEN_KINDS}
    n_lines = unsorted = 0
    for path in sorted((Path(folder) / "ais").glob("*.nmea.gz")):
        lines = gzip.decompress(path.read_bytes()).decode("ascii").splitlines()
        n_lines += len(lines)
        pending: tuple[str, int, str] | None = None
        last_t = -1
        for line in lines:  # a checker, not a hot path: one pass over the lines
            m = _TAG.match(line)
            if m is None:
                broken["no_tag_block"] += 1
                continue
            station, t, tag_cs, sentence = m.group(1), int(m.group(2)), m.group(3), m.group(4)
            unsorted += t < last_t
            last_t = t
            if checksum(f"s:{station},c:{t}") != tag_cs:
                broken.setdefault("bad_tag_checksum", 0)
                broken["bad_tag_checksum"] += 1
                continue
            kind = _classify(sentence)
            if kind is not None:
                broken[kind] += 1
                continue
            fields = sentence.split(",")
            count, num, seq = int(fields[1]), int(fields[2]), fields[3]
            if pending is not None and not (count == 2 and num == 2 and seq == pending[2]):
                broken["lone_fragment"] += 1
                pending = None
            if count == 2 and num == 1:
                pending = (sentence, t, seq)
                continue
            parts = [sentence] if count == 1 else [pending[0], sentence]  # type: ignore[index]
            pending = None
            d: dict[str, Any] = decode(*parts).asdict()
            row = {
                c.MMSI: int(d["mmsi"]),
                "t_s": t,
                c.MSG_TYPE: int(d["msg_type"]),
                "station": station,
            }
            if d["msg_type"] in (1, 2, 3, 18):
                row.update(
                    {
                        c.LAT: d["lat"],
                        c.LON: d["lon"],
                        c.SOG_KNOTS: d["speed"],
                        c.NAV_STATUS: int(d["status"]) if "status" in d else None,
                    }
                )
                pos.append(row)
            else:
                row.update(
                    {
                        c.IMO: d.get("imo"),
                        c.NAME: d.get("shipname"),
                        c.CALLSIGN: d.get("callsign"),
                        c.PART_NUM: d.get("partno"),
                    }
                )
                stat.append(row)
        if pending is not None:
            broken["lone_fragment"] += 1
    return Archive(pd.DataFrame(pos), pd.DataFrame(stat), broken, n_lines, unsorted)


def read_truth(folder: Path) -> pd.DataFrame:
    """truth.csv with start/end as unix seconds (t0_s, t1_s) added."""
    t = pd.read_csv(Path(folder) / "truth.csv", dtype={c.OTHER_MMSI: "Int64"})
    t["t0_s"] = pd.to_datetime(t[c.START], utc=True).astype("int64") // 10**9
    t["t1_s"] = pd.to_datetime(t[c.END], utc=True).astype("int64") // 10**9
    return t


def check_gaps(arch: Archive, truth: pd.DataFrame) -> list[str]:
    """No message in the gap; last and first reports around it at sea, far from port, apart."""
    problems = []
    for r in truth[truth[c.EVENT_TYPE] == c.GAP].itertuples():
        p = arch.positions[arch.positions[c.MMSI] == r.mmsi].sort_values("t_s")
        s = arch.statics[arch.statics[c.MMSI] == r.mmsi]
        inside = ((p["t_s"] > r.t0_s) & (p["t_s"] < r.t1_s)).sum() + (
            (s["t_s"] > r.t0_s) & (s["t_s"] < r.t1_s)
        ).sum()
        if inside:
            problems.append(f"gap {r.mmsi}: {inside} messages inside the gap")
        before, after = p[p["t_s"] <= r.t0_s].tail(1), p[p["t_s"] >= r.t1_s].head(1)
        ends = pd.concat([before, after])
        if len(ends) == 2:
            lat, lon = ends[c.LAT].to_numpy(), ends[c.LON].to_numpy()
            if not is_sea(lat, lon).all() or (any_port_distance_nm(lat, lon) <= OUTSIDE_PORT_NM).any():
                problems.append(f"gap {r.mmsi}: starts or ends on land or near a port")
            if float(haversine_nm(lat[0], lon[0], lat[1], lon[1])) < 10:
                problems.append(f"gap {r.mmsi}: reappears where it vanished")
    return problems


def check_slow_far(arch: Archive, truth: pd.DataFrame, kind: str) -> list[str]:
    """Loitering / encounter reports: below 1 kn, at sea, outside every port; an encounter's
    partner within 0.3 nm (nearest report in time, at most 15 min apart)."""
    problems = []
    for r in truth[truth[c.EVENT_TYPE] == kind].itertuples():
        p = _window(arch.positions, r.mmsi, r.t0_s, r.t1_s)
        if len(p) < 3:
            problems.append(f"{kind} {r.mmsi}: only {len(p)} reports in the window")
            continue
        lat, lon = p[c.LAT].to_numpy(), p[c.LON].to_numpy()
        if (
            (p[c.SOG_KNOTS] >= 1.0).any()
            or not is_sea(lat, lon).all()
            or (any_port_distance_nm(lat, lon) <= OUTSIDE_PORT_NM).any()
        ):
            problems.append(f"{kind} {r.mmsi}: not slow at sea outside port")
        if kind == c.ENCOUNTER:
            q = _window(arch.positions, int(r.other_mmsi), r.t0_s, r.t1_s)
            j = np.clip(np.searchsorted(q["t_s"].to_numpy(), p["t_s"].to_numpy()), 0, len(q) - 1)
            near_t = np.abs(q["t_s"].to_numpy()[j] - p["t_s"].to_numpy()) <= 900
            d = haversine_nm(lat, lon, q[c.LAT].to_numpy()[j], q[c.LON].to_numpy()[j])
            if (d[near_t] >= 0.3).any() or near_t.sum() == 0:
                problems.append(f"encounter {r.mmsi}: partner {r.other_mmsi} not within 0.3 nm")
    return problems


def _window(df: pd.DataFrame, mmsi: int, t0: int, t1: int) -> pd.DataFrame:
    sel = (df[c.MMSI] == mmsi) & (df["t_s"] >= t0) & (df["t_s"] <= t1)
    return df[sel].sort_values("t_s")


def check_normal_vessels(arch: Archive, truth: pd.DataFrame) -> list[str]:
    """Vessels without injected behaviour: no report below 1 kn while more than 15 nm from port,
    and no silence over 1 h there except in or near the coverage hole or the thinned feed
    (those are the benign look-alikes of going dark)."""
    flagged = set(truth[c.MMSI].tolist())
    p = arch.positions[~arch.positions[c.MMSI].isin(flagged)].sort_values([c.MMSI, "t_s"])
    far = port_distance_nm(p[c.LAT].to_numpy(), p[c.LON].to_numpy()) > FAR_FROM_PORT_NM
    problems = []
    slow = far & (p[c.SOG_KNOTS].to_numpy() < 1.0)
    if slow.any():
        problems.append(
            f"{int(slow.sum())} slow reports far from port on normal vessels "
            f"{sorted(set(p.loc[slow, c.MMSI].tolist()))[:5]}"
        )
    same = p[c.MMSI].to_numpy()[1:] == p[c.MMSI].to_numpy()[:-1]
    dt = np.diff(p["t_s"].to_numpy())
    lat, lon = p[c.LAT].to_numpy(), p[c.LON].to_numpy()
    hole_lat, hole_lon, radius = COVERAGE_HOLE
    mid_lat, mid_lon = (lat[1:] + lat[:-1]) / 2, (lon[1:] + lon[:-1]) / 2
    explained = (impaired(lat[1:], lon[1:]) | impaired(lat[:-1], lon[:-1])
                 | (haversine_nm(mid_lat, mid_lon, hole_lat, hole_lon) <= radius + 15.0))
    long_gap = same & (dt > 3600) & far[1:] & far[:-1] & ~explained
    if long_gap.any():
        problems.append(f"{int(long_gap.sum())} silences over 1 h at sea on normal vessels")
    return problems


def check_at_sea(arch: Archive) -> list[str]:
    """Reports making way (> 3 kn) away from port approaches are on water."""
    p = arch.positions
    lat, lon = p[c.LAT].to_numpy(), p[c.LON].to_numpy()
    moving = p[c.SOG_KNOTS].to_numpy() > 3.0
    away = port_distance_nm(lat, lon) > PORT_AREA_NM
    bad = moving & away & ~is_sea(lat, lon)
    return [f"{int(bad.sum())} under-way reports on land"] if bad.any() else []
