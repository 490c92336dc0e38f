"""How big and how slow is the report of a busy day? A synthetic 10,000-vessel day in a store.

    .venv/bin/python benchmarks/bench_report.py [--vessels 10000] [--every-min 20] [--maps 50]

Writes a store under a temporary folder: seven days of positions (every vessel reporting every
``--every-min`` minutes while sailing a wandering course in the North Sea and Baltic), the day's
events (port visits for all, dark periods, meetings, loitering and jumps for some) and a risk list;
then times ``write_report`` on it and prints the report's size. Where Debian's Chromium is
installed, it also opens the report headless and prints how long the page took to load.
Nothing is a test: it prints its figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vessel_risk import storage
from vessel_risk.common import columns as c
from vessel_risk.features.events import make_events
from vessel_risk.report import ReportParams, write_report

DAY = date(2026, 11, 22)
LOOKBACK_DAYS = 7
SEED = 11


def positions(n_vessels: int, every_min: int, rng: np.random.Generator) -> pd.DataFrame:
    start = pd.Timestamp(DAY - timedelta(days=LOOKBACK_DAYS - 1), tz="UTC")
    steps = LOOKBACK_DAYS * 24 * 60 // every_min
    mmsi = 200_000_000 + rng.choice(700_000_000, n_vessels, replace=False)
    lat0 = rng.uniform(52.0, 60.0, n_vessels)
    lon0 = rng.uniform(-2.0, 20.0, n_vessels)
    course = rng.uniform(0, 2 * np.pi, n_vessels)[:, None] + np.cumsum(
        rng.normal(0, 0.15, (n_vessels, steps)), axis=1)
    moving = rng.random((n_vessels, steps)) > 0.3
    step_nm = 10.0 * every_min / 60.0 * moving
    lat = lat0[:, None] + np.cumsum(step_nm * np.cos(course), axis=1) / 60.0
    lon = lon0[:, None] + np.cumsum(step_nm * np.sin(course), axis=1) / 60.0 / np.cos(
        np.radians(lat))
    lat, lon = np.clip(lat, 50.0, 62.0), np.clip(lon, -5.0, 25.0)
    times = start + pd.to_timedelta(np.arange(steps) * every_min, unit="min")
    n = n_vessels * steps
    return pd.DataFrame({
        c.MMSI: np.repeat(mmsi, steps).astype("int64"),
        c.TIMESTAMP: pd.Series(np.tile(times.tz_localize(None).to_numpy(), n_vessels)
                               ).dt.tz_localize("UTC").astype("datetime64[us, UTC]"),
        c.LAT: lat.ravel(), c.LON: lon.ravel(),
        c.SOG_KNOTS: np.where(moving, 10.0, 0.1).ravel(), c.COG_DEG: np.full(n, np.nan),
        c.HEADING_DEG: np.full(n, np.nan), c.NAV_STATUS: np.full(n, np.nan),
        c.MSG_TYPE: np.ones(n, dtype="int64"), c.RECEIVERS: np.ones(n, dtype="int64"),
        c.SOURCE_FILE: pd.array(["feed/2026-11-22.nmea.gz"] * n, dtype="string"),
        c.LINE_NO: np.arange(1, n + 1, dtype="int64"),
    })


def events(pos: pd.DataFrame, order: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Port visits for every vessel, and behaviour events for the top few hundred of the list."""
    steps = int((pos[c.MMSI] == pos[c.MMSI].iat[0]).sum())
    rows = []

    def fix(vessel_index: int, step: int) -> pd.Series:
        return pos.iloc[vessel_index * steps + step]

    ids = pos[c.MMSI].to_numpy()[::steps]
    index = {int(m): i for i, m in enumerate(ids)}
    for k, mmsi in enumerate(order):
        i = index[int(mmsi)]
        for _ in range(3):
            s = int(rng.integers(0, steps - 20))
            a, b = fix(i, s), fix(i, s + 12)
            rows.append((mmsi, c.PORT_VISIT, a, b, pd.NA, "in port Somewhere: 4.0 h"))
        if k < 600:
            s = int(rng.integers(0, steps - 40))
            kind = (c.GAP, c.LOITERING, c.SPOOFING, c.ENCOUNTER)[k % 4]
            a, b = fix(i, s), fix(i, s + (1 if kind == c.SPOOFING else 30))
            other = int(order[k + 1]) if kind == c.ENCOUNTER else pd.NA
            rows.append((mmsi, kind, a, b, other, f"{kind} for the benchmark, 10.0 h at sea"))
    return make_events(pd.DataFrame({
        c.MMSI: [r[0] for r in rows], c.EVENT_TYPE: [r[1] for r in rows],
        c.START: [r[2][c.TIMESTAMP] for r in rows], c.END: [r[3][c.TIMESTAMP] for r in rows],
        c.LAT: [r[3][c.LAT] if r[1] == c.SPOOFING else r[2][c.LAT] for r in rows],
        c.LON: [r[3][c.LON] if r[1] == c.SPOOFING else r[2][c.LON] for r in rows],
        c.OTHER_MMSI: pd.array([r[4] for r in rows], dtype="Int64"),
        c.DETAIL: [r[5] for r in rows],
    }))


def risk_list(pos: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    last = pos.groupby(c.MMSI).last()
    n = len(last)
    score = np.sort(rng.beta(1.2, 6.0, n))[::-1]
    explained = np.arange(n) < 500
    reason = ("AIS dark periods at sea (2026-11-20 03:37 UTC): dark 10.2 h at sea, 28 nm from "
              "Esbjerg; reappeared at sea 88 nm away (avg 8.6 kn); deficiencies found in 36 "
              "months: 8")
    mmsi = rng.permutation(last.index.to_numpy())
    imo = pd.Series(9_000_000 + np.arange(n), dtype="Int64")
    imo[rng.random(n) >= 0.7] = pd.NA  # fishing vessels and small craft have none
    return pd.DataFrame({
        c.DATE: [DAY] * n, c.MMSI: mmsi.astype("int64"),
        c.IMO: imo.array,
        c.NAME: pd.array([f"VESSEL {i:05d}" for i in range(n)], dtype="string"),
        c.FLAG: pd.array(rng.choice(["DK", "NO", "PA", "LR", "MT", "CM"], n), dtype="string"),
        c.SHIP_TYPE: pd.array(rng.choice(["Cargo", "Tanker", "Fishing", "Passenger"], n),
                              dtype="string"),
        c.RISK_SCORE: score, c.RISK_RANK: np.arange(1, n + 1, dtype="int64"),
        c.RISK_BAND: np.select([score >= 0.5, score >= 0.2], ["high", "medium"], "low"),
        c.REASONS: np.where(explained, reason, "not explained (below the top 500)"),
        c.LAST_SEEN: last.loc[mmsi, c.TIMESTAMP].to_numpy(),
        c.LAST_LAT: last.loc[mmsi, c.LAT].to_numpy(), c.LAST_LON: last.loc[mmsi, c.LON].to_numpy(),
        c.DESTINATION: pd.array(["ESBJERG"] * n, dtype="string"),
        c.MODEL_VERSION: ["bench"] * n,
    })


def load_ms(report: Path) -> float | None:
    """Load time of the report in headless Chromium, or None without it."""
    try:
        from benchmarks.browser import CHROMEDRIVER, CHROMIUM, chromium
    except ImportError:
        return None
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        return None
    warm = report.parent / ".warm-up.html"
    warm.write_text("<!DOCTYPE html><title>warm-up</title>", encoding="utf-8")
    with chromium() as driver:
        driver.get(warm.resolve().as_uri())
        driver.get(report.resolve().as_uri())
        nav = json.loads(driver.execute_script(
            "return JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())"))
    return float(nav["loadEventEnd"] - nav["startTime"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vessels", type=int, default=10_000)
    parser.add_argument("--every-min", type=int, default=20)
    parser.add_argument("--maps", type=int, default=50)
    parser.add_argument("--out", type=Path, default=None, help="store folder (default: temporary)")
    parser.add_argument("--reuse", action="store_true",
                        help="report on the store already in --out instead of making one")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-report-"))

    if not args.reuse:
        make_store(out, args.vessels, args.every_min, rng)

    t = time.perf_counter()
    written = write_report(out, DAY, LOOKBACK_DAYS, params=ReportParams(map_top=args.maps))
    seconds = time.perf_counter() - t
    size = written.path.stat().st_size
    print(f"report: {size / 1e6:.2f} MB, {args.maps} maps, {len(written.listed):,} vessels in "
          f"the table, written in {seconds:.1f} s -> {written.path}")
    loaded = load_ms(written.path)
    if loaded is not None:
        print(f"headless Chromium: loaded in {loaded:.0f} ms")
    else:
        print("headless Chromium: not installed, load time not measured")


def make_store(out: Path, vessels: int, every_min: int, rng: np.random.Generator) -> None:
    t = time.perf_counter()
    pos = positions(vessels, every_min, rng)
    listed = risk_list(pos, rng)
    found = events(pos, listed[c.MMSI].to_numpy(), rng)
    days = [DAY - timedelta(days=i) for i in range(LOOKBACK_DAYS)]
    storage.write_by_day(pos, out, storage.POSITIONS, days)
    storage.write_partition(found, out, storage.EVENTS, DAY)
    storage.write_partition(listed, out, storage.RISK_LISTS, DAY)
    print(f"store: {vessels:,} vessels, {len(pos):,} positions over {LOOKBACK_DAYS} days, "
          f"{len(found):,} events ({time.perf_counter() - t:.1f} s to make) in {out}")


if __name__ == "__main__":
    main()
