"""Tiny stores for storage tests: positions on given days, a store's files by hash, and the
input files the manifest hashes."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from vessel_risk.common import columns as c
from vessel_risk.storage import layout, manifest


def positions(day: date, n: int, mmsi0: int = 211000000, minute0: int = 0,
              source: str = "feed.nmea") -> pd.DataFrame:
    """``n`` positions on ``day``, one a minute from ``minute0``, vessels ``mmsi0`` and up."""
    start = datetime(day.year, day.month, day.day) + timedelta(minutes=minute0)
    stamps = pd.date_range(start, periods=n, freq="min", tz="UTC")
    return pd.DataFrame({
        c.MMSI: pd.Series([mmsi0 + i % 3 for i in range(n)], dtype="int64"),
        c.TIMESTAMP: stamps,
        c.LAT: [54.0 + i / 1000 for i in range(n)],
        c.LON: [7.0 + i / 1000 for i in range(n)],
        c.SOURCE_FILE: source,
        c.LINE_NO: pd.Series(range(1, n + 1), dtype="int64"),
    })


def snapshot(out: Path) -> dict[str, str]:
    """Every file of the store (not the locks, not the staging area) -> its SHA-256."""
    found = {}
    for path in sorted(Path(out).rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and rel.parts[0] not in (layout.LOCK, layout.COMMIT_LOCK, layout.STAGING):
            found[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def counted_hashes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The paths ``manifest`` hashes from now on, in order."""
    hashed: list[Path] = []
    sha256_of = manifest.sha256_of

    def counted(path: Path) -> str:
        hashed.append(path)
        return sha256_of(path)

    monkeypatch.setattr(manifest, "sha256_of", counted)
    return hashed
