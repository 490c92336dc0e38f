"""Ingest speed and memory: the product's ingest against a plain pyais loop, on the same input.

    .venv/bin/python benchmarks/bench_ingest.py                       # 1M sentences from the sample
    .venv/bin/python benchmarks/bench_ingest.py --sentences 10000000 --position-heavy --repeat 1
                                                                      # 10M, memory check
    .venv/bin/python benchmarks/bench_ingest.py --file feed.nmea.gz   # your own file

Without --file, the input is built from the bundled simulator sample (data/sample/ais): its lines
are repeated with every tag-block time shifted by whole weeks (and the tag checksum recomputed)
until N sentences are written, so the mix of message types is the simulator's and no copy is a
duplicate of another.

The pyais baseline (``baseline.py``) decodes each message (pyais' own stream reader, which joins
fragments), calls ``asdict()`` and builds one DataFrame, on at most --baseline-sentences lines of
the same input (it is slow; its rate is what is compared). Each side runs --repeat times (3) and
the fastest run of each is compared, as timeit does, because this shared machine's speed varies by
up to a fifth between runs; every run's rate is printed too. The product's ingest runs in a fresh
subprocess; peak memory is the largest total resident set size of that process and its worker
processes together, sampled every 100 ms (and, separately, the ingest process's own maximum RSS).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from baseline import timed_decode  # noqa: E402

SAMPLE_AIS = ROOT / "data" / "sample" / "ais"
_TAG_TIME = re.compile(rb"c:(\d+)")
_TAG_BLOCK = re.compile(rb"^\\(?P<body>[^*\\]*)\*[0-9A-Fa-f]{2}\\")
_WEEK_S = 7 * 86400


def _shifted(line: bytes, shift_s: int) -> bytes:
    """The line with its tag-block time moved by ``shift_s`` and the tag checksum recomputed
    (ingest verifies it)."""
    match = _TAG_BLOCK.match(line)
    if match is None:
        return line
    body = _TAG_TIME.sub(lambda m: b"c:%d" % (int(m.group(1)) + shift_s), match["body"])
    checksum = 0
    for byte in body:
        checksum ^= byte
    return b"\\%s*%02X\\%s" % (body, checksum, line[match.end():])


def build_input(n_sentences: int, out: Path, position_heavy: bool = False) -> Path:
    """Write ``n_sentences`` lines made from the sample, shifted by whole weeks per copy.

    ``position_heavy`` drops the two-fragment static reports (type 5), leaving a mix like a
    real-time feed's (position reports every few seconds, statics every six minutes).
    """
    base = b"".join(gzip.decompress(p.read_bytes()) for p in sorted(SAMPLE_AIS.glob("*.nmea.gz")))
    lines = [line for line in base.splitlines() if line.strip()]
    if position_heavy:
        lines = [line for line in lines if b"VDM,2," not in line]
    written = 0
    copy = 0
    with gzip.open(out, "wb", compresslevel=1) as handle:
        while written < n_sentences:
            shift = copy * _WEEK_S
            chunk = lines[: n_sentences - written]
            if shift:
                chunk = [_shifted(line, shift) for line in chunk]
            handle.write(b"\n".join(chunk) + b"\n")
            written += len(chunk)
            copy += 1
    return out


def product_ingest(path: Path) -> dict[str, float]:
    """Run the product's ingest in this process; report lines, seconds and peak RSS."""
    from vessel_risk.ingest.ais import ingest_ais

    began = time.perf_counter()
    result = ingest_ais([path])
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"lines": result.summary.lines_read, "seconds": seconds, "peak_mb": peak_mb,
            "positions": len(result.positions), "statics": len(result.statics),
            "quarantined": len(result.quarantine), "balanced": result.summary.balanced}


def _watch_memory(child: subprocess.Popen[str]) -> float:
    """Sample the total RSS of ``child`` and its descendants until it exits; the peak, in MB."""
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        process = psutil.Process(child.pid)
        while not done.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass  # a worker exited between listing and reading: the next sample counts
            time.sleep(0.1)  # a sample costs ~1.6 ms of CPU: keep it off the measured cores

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    child.wait()
    done.set()
    watcher.join()
    return peak / 2**20


def _product_run(path: Path) -> tuple[dict[str, Any], float]:
    """The product's ingest of ``path`` in a fresh process: its report and the tree's peak MB."""
    child = subprocess.Popen([sys.executable, __file__, "--child", "--file", str(path)],
                             stdout=subprocess.PIPE, text=True)
    peak_mb = _watch_memory(child)
    stdout, _ = child.communicate()
    if child.returncode:
        raise SystemExit(f"product ingest failed with exit code {child.returncode}")
    return json.loads(stdout.strip().splitlines()[-1]), peak_mb


def _rates(rates: list[float]) -> str:
    return ", ".join(f"{rate:,.0f}" for rate in rates)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="ingest this file instead of a generated one")
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--baseline-sentences", type=int, default=200_000)
    parser.add_argument("--position-heavy", action="store_true",
                        help="leave out the sample's two-fragment static reports")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each side; the fastest of each is compared (machine noise)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(product_ingest(args.file)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or build_input(args.sentences, Path(tmp) / "bench.nmea.gz",
                                        args.position_heavy)
        runs = [_product_run(path) for _ in range(args.repeat)]
        baselines = [timed_decode(path, args.baseline_sentences) for _ in range(args.repeat)]
    product, tree_peak_mb = max(runs, key=lambda run: run[0]["lines"] / run[0]["seconds"])
    product_rates = [run["lines"] / run["seconds"] for run, _ in runs]
    base_rates = [lines / seconds for lines, seconds in baselines]
    mix = "position-heavy" if args.position_heavy else "the sample's mix"
    print(f"input:            {path if args.file else f'{args.sentences:,} sentences, {mix}'}")
    print(f"product ingest:   {product['lines']:,} lines in {product['seconds']:.1f} s "
          f"= {max(product_rates):,.0f} lines/s  (positions {product['positions']:,}, "
          f"statics {product['statics']:,}, quarantined {product['quarantined']:,}, "
          f"accounts add up: {product['balanced']})")
    print(f"pyais loop:       {baselines[0][0]:,} lines at {max(base_rates):,.0f} lines/s")
    print(f"ratio:            {max(product_rates) / max(base_rates):.1f}x  (best of {args.repeat} "
          f"runs each; every run, lines/s: product {_rates(product_rates)}, "
          f"pyais {_rates(base_rates)})")
    print(f"peak memory:      {max(peak for _, peak in runs):,.0f} MB (ingest process and its "
          f"workers together, largest run); ingest process alone {product['peak_mb']:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
