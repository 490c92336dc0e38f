"""A small screened day in a store, for report and view tests: five vessels in the German Bight over
a two-day window, with names that are markup in some language, and one event of each drawn kind.

- A ``[/]`` (rank 1): sails, goes dark 6 h at sea, reappears, then meets C; its name changed.
- B ``<script>...`` (rank 2): one fix jumps 120 nm away and back (spoofing).
- C ``BLUE $EXPRESS$`` (rank 3): lies still where A comes to meet it (the other of the encounter).
- D (rank 4, no name): loiters far from port.
- E (rank 5): sails, nothing happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from tests.features import builders as b
from vessel_risk import storage
from vessel_risk.common import columns as c
from vessel_risk.features.events import make_events

DAY = date(2024, 5, 2)
LOOKBACK_DAYS = 2
T0 = pd.Timestamp("2024-05-01 00:00", tz="UTC")
H = pd.Timedelta(hours=1)
MODEL_VERSION = "2024-05-02-test"

A, B, C, D, E = 219000001, 219000002, 219000003, 219000004, 219000005
NAMES = {A: "[/]", B: "<script>alert(1)</script>", C: "BLUE $EXPRESS$ [bold]", D: None,
         E: "QUIET ONE"}
REASONS = {
    A: "AIS dark periods at sea (2024-05-01 03:00 UTC): dark 6.0 h at sea; position jumped "
       "162 nm in 14 min (implied 706 kn) to 56.98N 3.88E; [red]not markup[/red]",
    B: "implausible position jumps (2024-05-02 02:00 UTC): position jumped 120 nm in 10 min",
    C: "meetings with another vessel at sea (2024-05-01 12:00 UTC): together 3.0 h",
    D: "loitering far from port (2024-05-02 06:00 UTC): slow 8.0 h",
    E: "no single factor stands out",
}
# A port whose name is markup in HTML, in matplotlib's math and in Rich.
PORTS = [("Esbjerg", 55.4667, 8.4500), ("<b>Port</b> & $x$ [/]", 55.30, 6.90),
         ("Helgoland", 54.1800, 7.8900)]


@dataclass(frozen=True)
class Scenario:
    out: Path
    positions: pd.DataFrame
    events: pd.DataFrame
    listed: pd.DataFrame

    def event(self, mmsi: int, event_type: str) -> pd.Series:
        rows = self.events[(self.events[c.MMSI] == mmsi) & (self.events[c.EVENT_TYPE] == event_type)]
        return rows.iloc[0]


def ports() -> pd.DataFrame:
    return b.ports(PORTS)


def build_store(out: Path) -> Scenario:
    """Write the scenario's positions, statics, quarantine, events and risk list under ``out``."""
    a1 = b.straight_track(A, (54.90, 7.20), (55.20, 6.60), 10.0, t0=T0, interval_min=10)
    a2 = b.straight_track(A, (55.35, 6.30), (55.60, 5.80), 10.0, t0=T0 + 9 * H, interval_min=10)
    meet_start = a2[c.TIMESTAMP].iloc[-1] + pd.Timedelta(minutes=10)
    a3 = b.stationary_track(A, (55.60, 5.80), 3.0, t0=meet_start, interval_min=10)
    c1 = b.stationary_track(C, (55.601, 5.801), 8.0, t0=T0 + 8 * H, interval_min=10)
    b1 = b.straight_track(B, (54.50, 6.00), (54.80, 5.00), 12.0, t0=T0 + 24 * H, interval_min=10)
    jump_row = len(b1) // 2
    b1.loc[jump_row, [c.LAT, c.LON]] = [56.50, 3.00]
    d1 = b.stationary_track(D, (55.00, 4.00), 8.0, t0=T0 + 30 * H, interval_min=10,
                            jitter_nm=0.3, seed=4)
    e1 = b.straight_track(E, (54.20, 6.50), (54.60, 7.40), 11.0, t0=T0 + 20 * H, interval_min=10)
    positions = b.positions(a1, a2, a3, c1, b1, d1, e1)

    gap_before, gap_after = a1.iloc[-1], a2.iloc[0]
    jump_from, jump_to = b1.iloc[jump_row - 1], b1.iloc[jump_row]
    found = pd.DataFrame([
        {c.MMSI: A, c.EVENT_TYPE: c.GAP, c.START: gap_before[c.TIMESTAMP],
         c.END: gap_after[c.TIMESTAMP], c.LAT: gap_before[c.LAT], c.LON: gap_before[c.LON],
         c.DETAIL: "dark 6.2 h at sea, 20 nm from Esbjerg; reappeared at sea 18 nm away"},
        {c.MMSI: A, c.EVENT_TYPE: c.ENCOUNTER, c.OTHER_MMSI: C, c.START: meet_start,
         c.END: meet_start + 3 * H, c.LAT: 55.6005, c.LON: 5.8005,
         c.DETAIL: f"{A} and {C} together 3.0 h, mean 0.06 nm apart, both slow, 60 nm from Esbjerg"},
        {c.MMSI: A, c.EVENT_TYPE: c.IDENTITY_CHANGE, c.START: T0, c.END: T0 + 20 * H,
         c.LAT: np.nan, c.LON: np.nan, c.DETAIL: "name: [/] -> <i>NEW</i>"},
        {c.MMSI: B, c.EVENT_TYPE: c.SPOOFING, c.START: jump_from[c.TIMESTAMP],
         c.END: jump_to[c.TIMESTAMP], c.LAT: jump_to[c.LAT], c.LON: jump_to[c.LON],
         c.DETAIL: "position jumped 120 nm in 10 min (implied 720 kn) to 56.50N 3.00E"},
        {c.MMSI: D, c.EVENT_TYPE: c.LOITERING, c.START: d1[c.TIMESTAMP].iloc[0],
         c.END: d1[c.TIMESTAMP].iloc[-1], c.LAT: d1[c.LAT].mean(), c.LON: d1[c.LON].mean(),
         c.DETAIL: "slow 8.0 h (mean 0.0 kn) within 0.3 nm, 60 nm from Esbjerg"},
    ])
    events = make_events(found)
    listed = risk_list(positions)

    storage.write_by_day(positions, out, storage.POSITIONS, [DAY.replace(day=1), DAY])
    storage.write_partition(events, out, storage.EVENTS, DAY)
    storage.write_partition(listed, out, storage.RISK_LISTS, DAY)
    quarantine = pd.DataFrame({
        c.SOURCE_FILE: pd.array(["feed.nmea"] * 3, dtype="string"),
        c.LINE_NO: np.array([1, 2, 3], dtype="int64"),
        c.TIMESTAMP: pd.Series([T0 + 25 * H] * 3, dtype="datetime64[us, UTC]"),
        c.REASON: pd.array(["bad_checksum", "bad_checksum", "[/]"], dtype="string"),
        c.RAW: pd.array(["x", "y", "z"], dtype="string"),
    })
    storage.write_partition(quarantine, out, storage.QUARANTINE, DAY)
    return Scenario(out, positions, events, listed)


def risk_list(positions: pd.DataFrame) -> pd.DataFrame:
    order = [A, B, C, D, E]
    last = positions.sort_values(c.TIMESTAMP).groupby(c.MMSI).last()
    return pd.DataFrame({
        c.DATE: [DAY] * 5,
        c.MMSI: np.array(order, dtype="int64"),
        c.IMO: pd.array([9074729, None, 9176187, None, 9321483], dtype="Int64"),
        c.NAME: pd.array([NAMES[m] for m in order], dtype="string"),
        c.FLAG: pd.array(["DK", "PA", None, "DK", "NO"], dtype="string"),
        c.SHIP_TYPE: pd.array(["Cargo", "Tanker", "Cargo", None, "Fishing"], dtype="string"),
        c.RISK_SCORE: np.array([0.91, 0.62, 0.40, 0.25, 0.05]),
        c.RISK_RANK: np.arange(1, 6, dtype="int64"),
        c.RISK_BAND: ["high", "high", "medium", "medium", "low"],
        c.REASONS: [REASONS[m] for m in order],
        c.LAST_SEEN: pd.Series([last.loc[m, c.TIMESTAMP] for m in order],
                               dtype="datetime64[us, UTC]"),
        c.LAST_LAT: np.array([last.loc[m, c.LAT] for m in order]),
        c.LAST_LON: np.array([last.loc[m, c.LON] for m in order]),
        c.DESTINATION: pd.array(["ESBJERG", "[/]", None, None, "HELGOLAND"], dtype="string"),
        c.MODEL_VERSION: [MODEL_VERSION] * 5,
    })


def registry_vessels() -> pd.DataFrame:
    """The registry rows of A and C, with owners (one of them markup)."""
    return pd.DataFrame({c.IMO: pd.array([9074729, 9176187], dtype="Int64"),
                         c.MMSI: np.array([A, C], dtype="int64"),
                         c.OWNER: pd.array(["Nordic <Shipping> [/] A/S", "Blue Lines Ltd"],
                                           dtype="string")})
