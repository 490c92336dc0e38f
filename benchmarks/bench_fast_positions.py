"""Benchmark: vectorised position decoding (ingest.fast_positions) against a plain pyais loop.

Makes N position reports (types 1, 2, 3, 18) from seeded random field values, encodes them with
pyais' own encoder, then times on the same sentences:

- pyais:            ``pyais.decode(sentence).asdict()`` for each sentence (the plain loop);
- fast (payloads):  ``decode_position_payloads(payloads, fill_bits)`` on the payload column;
- fast (sentences): the same plus cutting payload and fill bits out of each sentence, a rough
                    end-to-end figure (the NMEA framing does that work in the real pipeline).

Each time is the best of --repeat runs. Usage, from the project root:

    .venv/bin/python benchmarks/bench_fast_positions.py [--n 200000] [--seed 7] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyais
from pyais.encode import encode_dict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from vessel_risk.ingest.fast_positions import decode_position_payloads


def random_reports(n: int, seed: int) -> list[dict[str, Any]]:
    """N report dicts for pyais' encoder, every field drawn over its whole bit range."""
    rng = np.random.default_rng(seed)
    types = rng.choice([1, 2, 3, 18], size=n, p=[0.75, 0.05, 0.1, 0.1])
    turn_raw = rng.integers(-128, 128, size=n)
    scaled_turns = np.copysign((turn_raw / 4.733) ** 2, turn_raw)
    turns = np.where(np.abs(turn_raw) >= 127, turn_raw, scaled_turns)
    columns = {
        "mmsi": rng.integers(200_000_000, 800_000_000, size=n),
        "status": rng.integers(0, 16, size=n),
        "turn": turns,
        "speed": rng.integers(0, 1024, size=n) / 10,
        "accuracy": rng.integers(0, 2, size=n),
        "lon": rng.integers(-180 * 600_000, 181 * 600_000, size=n) / 600_000,
        "lat": rng.integers(-90 * 600_000, 91 * 600_000, size=n) / 600_000,
        "course": rng.integers(0, 3601, size=n) / 10,
        "heading": np.where(rng.random(n) < 0.2, 511, rng.integers(0, 360, size=n)),
        "second": rng.integers(0, 64, size=n),
        "maneuver": rng.integers(0, 4, size=n),
        "raim": rng.integers(0, 2, size=n),
        "radio": rng.integers(0, 1 << 19, size=n),
    }
    lists = {key: values.tolist() for key, values in columns.items()}
    return [
        {"type": t, "msg_type": t, **{key: values[i] for key, values in lists.items()}}
        for i, t in enumerate(types.tolist())
    ]


def best_seconds(run: Callable[[], object], repeat: int) -> float:
    """Best wall-clock time of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def pyais_loop(sentences: list[str]) -> list[dict[str, Any]]:
    return [pyais.decode(s).asdict() for s in sentences]


def fast_from_sentences(sentences: list[str]) -> object:
    """Cut payload (6th field) and fill bits (the digit before '*hh') out of plain sentences."""
    payloads = [s.split(",")[5] for s in sentences]
    fill_chars = "".join([s[-4] for s in sentences]).encode("ascii")
    fills = np.frombuffer(fill_chars, dtype=np.uint8).astype(np.int64) - ord("0")
    return decode_position_payloads(payloads, fills)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="number of position reports")
    parser.add_argument("--seed", type=int, default=7, help="random seed for the field values")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the best is kept")
    args = parser.parse_args()

    start = time.perf_counter()
    sentences = [encode_dict(r)[0] for r in random_reports(args.n, args.seed)]
    print(f"encoded {args.n:,} reports with pyais in {time.perf_counter() - start:.1f} s")
    parts = [s.split(",") for s in sentences]
    payloads = [p[5] for p in parts]
    fills = np.array([int(p[6][0]) for p in parts], dtype=np.int64)

    decoded = decode_position_payloads(payloads, fills)
    if not decoded.ok.all():
        raise SystemExit(f"{int((~decoded.ok).sum())} generated reports were not decoded")

    t_pyais = best_seconds(lambda: pyais_loop(sentences), args.repeat)
    t_fast = best_seconds(lambda: decode_position_payloads(payloads, fills), args.repeat)
    t_e2e = best_seconds(lambda: fast_from_sentences(sentences), args.repeat)

    rate = args.n / t_pyais
    print(f"pyais decode+asdict loop : {rate:>12,.0f} msg/s  ({t_pyais:.3f} s)")
    for label, seconds in (("fast, from payloads", t_fast), ("fast, from sentences", t_e2e)):
        print(
            f"{label:<25}: {args.n / seconds:>12,.0f} msg/s  ({seconds:.3f} s)"
            f"  x{t_pyais / seconds:.1f} vs pyais"
        )


if __name__ == "__main__":
    main()
