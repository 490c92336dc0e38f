"""Injected suspicious behaviour (the ground truth): who does what, when and where.

At-sea behaviour (gap, loitering, encounter) is scheduled here and sailed by the vessel's plan;
message-level behaviour (spoofing, a shared MMSI) is applied to sampled reports; identity
behaviour (identity change, invalid MMSI, flag mismatch, watchlist) is chosen here and written by
the encoder and the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vessel_risk.common.errors import ConfigError
from vessel_risk.simulator import ports as pt
from vessel_risk.simulator.fleet import MERCHANT_ROLES, Vessel
from vessel_risk.simulator.geo import haversine_nm, is_sea, offset_nm
from vessel_risk.simulator.plans import SeaActivity
from vessel_risk.simulator.reception import impaired
from vessel_risk.simulator.routes import sea_route


@dataclass(frozen=True)
class BehaviourParams:
    """Durations, distances and how many vessels per behaviour (per 200 vessels)."""

    gap_h: tuple[float, float] = (8.0, 30.0)  # dark periods long enough to matter
    loiter_h: tuple[float, float] = (5.0, 12.0)  # a waiting ship, far from any anchorage
    encounter_h: tuple[float, float] = (3.0, 8.0)  # ship-to-ship transfer of cargo or fuel
    drift_knots: tuple[float, float] = (0.1, 0.6)  # drifting: clearly below 1 kn
    encounter_offset_nm: float = 0.03  # two hulls moored alongside, ~50 m between antennas
    offshore_min_port_nm: float = (
        35.0  # dark/loiter/meeting points: > 15 nm from port even an hour away
    )
    # A share of the at-sea behaviour happens close to a coast, where look-alikes abound: 8-15 nm
    # from any port (beyond its harbour, inside the old 10 nm "port" radius), away from anchorages.
    nearshore_share: float = 0.4
    nearshore_port_nm: tuple[float, float] = (8.0, 15.0)
    nearshore_min_anchorage_nm: float = 5.0
    reach_nm: float = 350.0  # activity points are near the vessel's trade (reachable in a day)
    spoof_episodes: tuple[int, int] = (2, 4)  # a few jumps in the week
    spoof_jump_nm: tuple[float, float] = (60.0, 200.0)  # implausible: hours of sailing in minutes
    shared_h: tuple[float, float] = (3.0, 8.0)  # second transmitter on air for several hours
    shared_min_sep_nm: float = 50.0  # the two transmitters are clearly in two places
    edge_margin_h: float = 6.0  # behaviour starts and ends this far inside the simulated period
    per_200: dict[str, int] = field(
        default_factory=lambda: {
            "gap": 6,
            "loitering": 5,
            "encounter_pairs": 3,
            "spoofing": 5,
            "identity_shared": 5,
            "identity_change": 5,
            "invalid_mmsi": 5,
            "flag_mismatch": 6,
            "watchlist": 5,
        }
    )  # at least five vessels per behaviour: a minority of the fleet


@dataclass
class Assignment:
    """Which vessel (by fleet index) does what."""

    activities: dict[int, SeaActivity] = field(default_factory=dict)
    partner: dict[int, int] = field(default_factory=dict)  # encounter partner, both directions
    spoofing: list[int] = field(default_factory=list)
    identity_shared: list[int] = field(default_factory=list)
    identity_change: list[int] = field(default_factory=list)
    invalid_mmsi: list[int] = field(default_factory=list)
    flag_mismatch: list[int] = field(default_factory=list)
    watchlist: list[int] = field(default_factory=list)

    def suspicious(self) -> list[int]:
        """Every vessel index with at least one injected behaviour, sorted."""
        ids = [
            *self.activities,
            *self.spoofing,
            *self.identity_shared,
            *self.identity_change,
            *self.invalid_mmsi,
            *self.flag_mismatch,
            *self.watchlist,
        ]
        return sorted(dict.fromkeys(ids))


def offshore_pool(
    rng: np.random.Generator, params: BehaviourParams = BehaviourParams()
) -> pd.DataFrame:
    """Candidate open-sea points (lat, lon): at sea, open water 10 nm round, far from ports."""
    centres = np.array(pt.OFFSHORE_CENTRES)
    pick = rng.integers(0, len(centres), 600)
    lat = centres[pick, 0] + rng.uniform(-0.5, 0.5, 600)
    lon = centres[pick, 1] + rng.uniform(-0.9, 0.9, 600)
    ok = is_sea(lat, lon)
    for b in range(0, 360, 30):
        rl, ro = offset_nm(lat, lon, float(b), 10.0)
        ok &= is_sea(rl, ro)
    ok &= pt.port_distance_nm(lat, lon) >= params.offshore_min_port_nm
    ok &= ~impaired(lat, lon)  # behaviour is injected where the receivers hear it
    return pd.DataFrame({"lat": lat[ok], "lon": lon[ok]}).reset_index(drop=True)


def nearshore_pool(
    rng: np.random.Generator, params: BehaviourParams = BehaviourParams()
) -> pd.DataFrame:
    """Candidate points near a coast: 8-15 nm from every port, open water 3 nm round, well away
    from the anchorages, where the receivers hear well."""
    ports = pt.regional_ports()
    pick = rng.integers(0, len(ports), 1500)
    lat, lon = offset_nm(ports["lat"].to_numpy()[pick], ports["lon"].to_numpy()[pick],
                         rng.uniform(0, 360, 1500), rng.uniform(*params.nearshore_port_nm, 1500))
    lat, lon = np.asarray(lat), np.asarray(lon)
    ok = is_sea(lat, lon)
    for b in range(0, 360, 45):
        rl, ro = offset_nm(lat, lon, float(b), 3.0)
        ok &= is_sea(rl, ro)
    dist = pt.any_port_distance_nm(lat, lon)
    ok &= (dist >= params.nearshore_port_nm[0]) & (dist <= params.nearshore_port_nm[1])
    anchorages = np.array([pt.anchorage_point(code) for code in
                           sorted(set(pt.CARGO_PORTS) | set(pt.TANKER_PORTS))])
    for a_lat, a_lon in anchorages:
        ok &= haversine_nm(lat, lon, a_lat, a_lon) >= params.nearshore_min_anchorage_nm
    ok &= ~impaired(lat, lon)
    return pd.DataFrame({"lat": lat[ok], "lon": lon[ok]}).reset_index(drop=True)


def _count(key: str, n: int, params: BehaviourParams) -> int:
    return max(1, int(round(params.per_200[key] * n / 200)))


def assign(
    fleet: list[Vessel],
    rng: np.random.Generator,
    start_s: float,
    end_s: float,
    params: BehaviourParams = BehaviourParams(),
) -> Assignment:
    """Choose the vessels and schedule their at-sea behaviour inside [start_s, end_s)."""
    n = len(fleet)
    merchants = [v.index for v in fleet if v.role in MERCHANT_ROLES]
    order = [int(i) for i in rng.permutation(merchants)]
    pools = (offshore_pool(rng, params), nearshore_pool(rng, params))
    out = Assignment()
    margin = params.edge_margin_h * 3600
    n_gap, n_loiter = _count("gap", n, params), _count("loitering", n, params)
    n_pairs = _count("encounter_pairs", n, params)
    need = n_gap + n_loiter + 2 * n_pairs
    if len(order) < need:
        raise ConfigError(
            f"fleet of {n} has {len(order)} merchant ships; {need} needed for behaviour"
        )
    at_sea, order = order[:need], order[need:]
    for k, i in enumerate(at_sea[: n_gap + n_loiter]):
        kind = "dark" if k < n_gap else "loiter"
        lo, hi = params.gap_h if kind == "dark" else params.loiter_h
        hours = float(rng.uniform(lo, min(hi, (end_s - start_s - 3 * margin) / 3600)))
        pool = pools[int(rng.random() < params.nearshore_share)]
        x = _point_near(pool, fleet[i], rng, params)
        t0 = float(np.round(rng.uniform(start_s + margin, end_s - margin - hours * 3600) / 60) * 60)
        then_lat = then_lon = None
        if kind == "dark":
            x2 = _second_point(pool, x, hours * 0.5 * fleet[i].speed_knots, rng)
            then_lat, then_lon = x2
            sail_h = sea_route(x, x2).length_nm / fleet[i].speed_knots
            hours = max(1.0, hours - sail_h)  # dark = drift + sailing on
        out.activities[i] = SeaActivity(
            kind, t0, x[0], x[1], hours, *_drift(rng, params), then_lat, then_lon
        )
    pairs = at_sea[n_gap + n_loiter :]
    for a, b in zip(pairs[0::2], pairs[1::2]):
        hours = float(rng.uniform(*params.encounter_h))
        pool = pools[int(rng.random() < params.nearshore_share)]
        x = _point_near(pool, fleet[a], rng, params, also=fleet[b])
        t0 = float(np.round(rng.uniform(start_s + margin, end_s - margin - hours * 3600) / 60) * 60)
        drift = _drift(rng, params)
        out.activities[a] = SeaActivity("encounter", t0, x[0], x[1], hours, *drift)
        bl, bo = offset_nm(x[0], x[1], float(rng.uniform(0, 360)), params.encounter_offset_nm)
        out.activities[b] = SeaActivity("encounter", t0, float(bl), float(bo), hours, *drift)
        out.partner[a], out.partner[b] = b, a
    # Message and identity behaviour: about half on vessels already suspicious, half on others.
    flagged = sorted(at_sea)
    for key in (
        "spoofing",
        "identity_shared",
        "identity_change",
        "invalid_mmsi",
        "flag_mismatch",
        "watchlist",
    ):
        k = _count(key, n, params)
        eligible_flagged, eligible = flagged, order
        if key == "flag_mismatch":  # needs a registry flag: an IMO and a valid MMSI
            ok = {i for i in order if fleet[i].imo is not None and i not in out.invalid_mmsi}
            eligible_flagged = [i for i in flagged if i in ok]
            eligible = [i for i in order if i in ok]
        from_flagged = [int(i) for i in rng.permutation(eligible_flagged)[: k // 2]]
        fresh = [int(i) for i in rng.permutation(eligible)[: k - len(from_flagged)]]
        chosen = sorted(from_flagged + fresh)
        getattr(out, key).extend(chosen)
        flagged = sorted(dict.fromkeys(flagged + fresh))
    return out


def _drift(rng: np.random.Generator, params: BehaviourParams) -> tuple[float, float]:
    return float(rng.uniform(*params.drift_knots)), float(rng.uniform(0, 360))


def _point_near(
    pool: pd.DataFrame,
    v: Vessel,
    rng: np.random.Generator,
    params: BehaviourParams,
    also: Vessel | None = None,
) -> tuple[float, float]:
    """A pool point within reach of the vessel's ports (and of the partner's, for encounters)."""
    homes = [v.home] + ([also.home] if also is not None else [])
    d = np.zeros(len(pool))
    for h in homes:
        p = pt.port(h)
        d = np.maximum(
            d, haversine_nm(p.lat, p.lon, pool["lat"].to_numpy(), pool["lon"].to_numpy())
        )
    near = np.flatnonzero(d <= params.reach_nm)
    idx = int(rng.choice(near)) if len(near) else int(np.argmin(d))
    return float(pool.at[idx, "lat"]), float(pool.at[idx, "lon"])


def _second_point(
    pool: pd.DataFrame, x: tuple[float, float], max_nm: float, rng: np.random.Generator
) -> tuple[float, float]:
    """Where a dark vessel reappears: another open-sea point 25 nm or more away."""
    d = haversine_nm(x[0], x[1], pool["lat"].to_numpy(), pool["lon"].to_numpy())
    ok = np.flatnonzero((d >= 25.0) & (d <= max(max_nm, 30.0)))
    idx = int(rng.choice(ok)) if len(ok) else int(np.argmin(np.where(d >= 25.0, d, np.inf)))
    return float(pool.at[idx, "lat"]), float(pool.at[idx, "lon"])


def spoof(
    reports: pd.DataFrame, rng: np.random.Generator, params: BehaviourParams = BehaviourParams()
) -> tuple[pd.DataFrame, list[tuple[int, int, float]]]:
    """Move a few short runs of under-way reports far away; returns (reports, [(start, end, nm)])."""
    out = reports.copy()
    under_way = np.flatnonzero(
        (out["sog_knots"].to_numpy() > 5.0)
        & (np.arange(len(out)) > 2)
        & (np.arange(len(out)) < len(out) - 4)
        & ~impaired(out["lat"].to_numpy(), out["lon"].to_numpy())
    )
    episodes: list[tuple[int, int, float]] = []
    wanted = int(rng.integers(params.spoof_episodes[0], params.spoof_episodes[1] + 1))
    for i in rng.permutation(under_way)[:60]:
        if len(episodes) >= wanted:
            break
        t = float(out["t_s"].iat[i])
        if any(abs(t - s) < 6 * 3600 for s, _, _ in episodes):
            continue
        k = int(rng.integers(1, 4))
        rows = np.arange(i, min(i + k, len(out)))
        dist = float(rng.uniform(*params.spoof_jump_nm))
        for _ in range(12):
            brg = float(rng.uniform(0, 360))
            la, lo = offset_nm(out["lat"].to_numpy()[rows], out["lon"].to_numpy()[rows], brg, dist)
            if bool(np.all(is_sea(la, lo))) and not bool(np.any(impaired(la, lo))):
                out.iloc[rows, out.columns.get_loc("lat")] = la
                out.iloc[rows, out.columns.get_loc("lon")] = lo
                episodes.append((int(out["t_s"].iat[rows[0]]), int(out["t_s"].iat[rows[-1]]), dist))
                break
    return out, sorted(episodes)


def shared_transmitter(
    own: pd.DataFrame,
    phantom: pd.DataFrame,
    rng: np.random.Generator,
    params: BehaviourParams = BehaviourParams(),
) -> tuple[pd.DataFrame, tuple[int, int]] | None:
    """Reports of a second transmitter using the same MMSI for a few hours, far from the vessel.

    ``phantom`` is another ship's sampled track; a window is taken where it is under way and at
    least ``shared_min_sep_nm`` from where the vessel itself is. None if no such window exists.
    """
    if own.empty or phantom.empty:
        return None
    own_lat = np.interp(phantom["t_s"], own["t_s"], own["lat"])
    own_lon = np.interp(phantom["t_s"], own["t_s"], own["lon"])
    far = haversine_nm(own_lat, own_lon, phantom["lat"].to_numpy(), phantom["lon"].to_numpy())
    moving = phantom["sog_knots"].to_numpy() > 5.0
    lat, lon = phantom["lat"].to_numpy(), phantom["lon"].to_numpy()
    ok = (far >= params.shared_min_sep_nm) & moving & is_sea(lat, lon) & ~impaired(lat, lon)
    ok &= pt.port_distance_nm(lat, lon) > params.offshore_min_port_nm / 2
    hours = float(rng.uniform(*params.shared_h))
    t = phantom["t_s"].to_numpy()
    starts = [int(i) for i in rng.permutation(np.flatnonzero(ok))[:50]]
    for i in starts:
        sel = (t >= t[i]) & (t <= t[i] + hours * 3600)
        if sel.sum() >= 4 and bool(ok[sel].all()):
            part = phantom.loc[sel].copy()
            return part, (int(part["t_s"].iat[0]), int(part["t_s"].iat[-1]))
    return None
