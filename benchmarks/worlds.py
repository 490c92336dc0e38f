"""Benchmark inputs, generated once and cached outside the repository.

- :func:`simulated_world`: a world of the project's simulator (``vessel_risk.simulator``), held
  out from the sample by its seed, with positions kept about six times as often as in the
  bundled sample (every 1.6-2.4 min at sea, 4.6 min in port: closer to a real-time feed, where
  statics are a few per cent of the messages). ``simulated_world()`` (seed 12, 240 vessels, 5 days) is the
  ~710k-line world of issue 12.
- :func:`crowded_day`: one UTC day of ``sentences`` lines, made from one day of a simulated
  world by copying every message with its MMSI (and IMO) renumbered and its longitude moved by a
  fixed step per copy, round the globe, so the copies are distinct vessels that never meet their
  own clones. Speeds, gaps, cadence and the message mix stay those of the simulator; only the
  number of vessels grows (about 70 copies of 240 vessels for 10M sentences).

The cache folder is ``$VESSEL_RISK_BENCH`` or ``/work/vessel-risk-bench``; each input lives in a
folder named after its parameters and is rebuilt only when missing. Nothing is downloaded.
"""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from vessel_risk.simulator.generate import DEFAULT_START, generate
from vessel_risk.simulator.tracks import CadenceParams

CACHE = Path(os.environ.get("VESSEL_RISK_BENCH", "/work/vessel-risk-bench"))

# 6-bit fields of the AIS payload (ITU-R M.1371): (start bit, length)
_MMSI = (8, 30)
_IMO = (40, 30)  # type 5
_LON_BY_TYPE = {1: (61, 28), 2: (61, 28), 3: (61, 28), 18: (57, 28), 19: (57, 28)}
_LON_UNITS_PER_DEG = 600_000  # 1/10000 minute
_MMSI_STEP = 10_007  # added per copy to the six digits after the MID (a prime: few collisions)


SEA_INTERVAL_MIN = (1.6, 2.4)
MOORED_INTERVAL_MIN = 4.6


def simulated_world(seed: int = 12, vessels: int = 240, days: int = 5,
                    start: date = DEFAULT_START) -> Path:
    """The folder of a simulated world (``ais/``, ``registry/``), generated if missing."""
    folder = CACHE / f"world-s{seed}-v{vessels}-d{days}-{start.isoformat()}-every1.6-2.4min"
    if not (folder / "manifest.json").exists():
        staging = folder.with_name(folder.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        print(f"generating {folder} (once; cached) ...", flush=True)
        cadence = CadenceParams(sea_min_interval_min=SEA_INTERVAL_MIN[0],
                                sea_max_interval_min=SEA_INTERVAL_MIN[1],
                                moored_interval_min=MOORED_INTERVAL_MIN)
        generate(staging, seed=seed, vessels=vessels, days=days, start=start, cadence=cadence)
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    return folder


def world_lines(folder: Path) -> int:
    return sum(1 for p in sorted((folder / "ais").glob("*.nmea.gz"))
               for _ in gzip.open(p, "rb"))


def crowded_day(sentences: int = 10_000_000, seed: int = 12, vessels: int = 240,
                days: int = 5) -> Path:
    """A gzip NMEA file of about ``sentences`` lines, all on one UTC day (the world's third)."""
    world = simulated_world(seed, vessels, days)
    day = DEFAULT_START + timedelta(days=min(2, days - 1))
    path = CACHE / f"day-{sentences}-s{seed}-v{vessels}-{day.isoformat()}.nmea.gz"
    if path.exists():
        return path
    base = gzip.decompress((world / "ais" / f"{day.isoformat()}.nmea.gz").read_bytes())
    lines = [line for line in base.decode("ascii").splitlines() if line]
    copies = max(1, -(-sentences // len(lines)))
    print(f"writing {path}: {copies} copies of {len(lines):,} lines (once; cached) ...",
          flush=True)
    staging = path.with_name(path.name + ".partial")
    with open(staging, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0,
                                                  compresslevel=1) as gz:
        written = 0
        for group in _groups(lines):
            for copy in range(copies):
                if written >= sentences:
                    break
                out = group if copy == 0 else [_renumbered(line, copy, copies) for line in group]
                gz.write(("\n".join(out) + "\n").encode("ascii"))
                written += len(out)
    staging.rename(path)
    return path


def _groups(lines: list[str]) -> Iterator[list[str]]:
    """Lines in order, the fragments of one message together (a copy repeats the whole group)."""
    group: list[str] = []
    for line in lines:
        fields = line.rsplit("\\", 1)[-1].split(",")
        total, number = (fields[1], fields[2]) if len(fields) > 3 else ("1", "1")
        if group and number == "1":
            yield group
            group = []
        group.append(line)
        if number == total:
            yield group
            group = []
    if group:
        yield group


def _renumbered(line: str, copy: int, copies: int) -> str:
    """The line with its message renumbered for ``copy``; broken lines come back unchanged."""
    tag, sep, sentence = line.rpartition("\\")
    try:
        body, star, _ = sentence[1:].rpartition("*")
        fields = body.split(",")
        if not star or len(fields) != 7 or fields[2] != "1":  # later fragments carry no ids
            return line
        bits = _unarmor(fields[5])
        msg_type = bits >> (len(fields[5]) * 6 - 6)
        n_bits = len(fields[5]) * 6
        mmsi = _field(bits, n_bits, *_MMSI)
        if 200_000_000 <= mmsi < 800_000_000:
            mmsi = mmsi // 1_000_000 * 1_000_000 + (mmsi % 1_000_000 + copy * _MMSI_STEP) % 1_000_000
            bits = _set_field(bits, n_bits, *_MMSI, mmsi)
        if msg_type == 5 and n_bits >= 70:
            imo = _field(bits, n_bits, *_IMO)
            if 1_000_000 <= imo <= 9_999_999:
                bits = _set_field(bits, n_bits, *_IMO, _imo(imo, copy))
        if msg_type in _LON_BY_TYPE and n_bits >= sum(_LON_BY_TYPE[msg_type]):
            start, length = _LON_BY_TYPE[msg_type]
            raw = _field(bits, n_bits, start, length)
            lon = raw - (1 << length) if raw >> (length - 1) else raw
            if abs(lon) <= 180 * _LON_UNITS_PER_DEG:  # 181 degrees means "not available"
                step = round(360 * _LON_UNITS_PER_DEG / copies) * copy
                lon = (lon + step + 180 * _LON_UNITS_PER_DEG) % (360 * _LON_UNITS_PER_DEG) \
                    - 180 * _LON_UNITS_PER_DEG
                bits = _set_field(bits, n_bits, start, length, lon % (1 << length))
        fields[5] = _armor(bits, len(fields[5]))
    except (ValueError, IndexError):
        return line
    new_body = ",".join(fields)
    return f"{tag}{sep}{sentence[0]}{new_body}*{_checksum(new_body)}"


def _imo(imo: int, copy: int) -> int:
    """A valid IMO number (check digit right) derived from ``imo`` and ``copy``."""
    six = (imo // 10 + copy * 7_919) % 900_000 + 100_000
    digits = [int(d) for d in str(six)]
    check = sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    return six * 10 + check


def _unarmor(payload: str) -> int:
    value = 0
    for ch in payload:
        v = ord(ch) - 48
        if v > 40:
            v -= 8
        if not 0 <= v < 64:
            raise ValueError(ch)
        value = (value << 6) | v
    return value


def _armor(bits: int, n_chars: int) -> str:
    chars = []
    for i in range(n_chars - 1, -1, -1):
        v = (bits >> (6 * i)) & 63
        chars.append(chr(v + 48 if v < 40 else v + 56))
    return "".join(chars)


def _field(bits: int, n_bits: int, start: int, length: int) -> int:
    return (bits >> (n_bits - start - length)) & ((1 << length) - 1)


def _set_field(bits: int, n_bits: int, start: int, length: int, value: int) -> int:
    shift = n_bits - start - length
    mask = ((1 << length) - 1) << shift
    return (bits & ~mask) | ((value << shift) & mask)


def _checksum(body: str) -> str:
    value = 0
    for ch in body:
        value ^= ord(ch)
    return f"{value:02X}"
