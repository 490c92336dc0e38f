"""Benchmark: vectorised framing (ingest.fast_framing) against the reference framer (ingest.framing).

Builds ~N tagged lines by repeating the Kystverket capture (../shared/data/ais/nmea), each copy
shifted by --shift-s seconds with its tag-block checksum recomputed, so times vary as in a real day.
Then times, on the same bytes:

- reference: ``list(frame_lines(content.decode("latin-1").split("\\n")))``, as ingest/ais.py calls it;
- fast:      ``frame_block(content)`` on the whole buffer;
- fast (blocks): ``frame_block`` over blocks of --block-lines lines, carrying the state, as a
  streaming reader would.

Each time is the best of --repeat runs (the reference runs once: it is slow). Usage, from the
project root:

    .venv/bin/python benchmarks/bench_framing.py [--n 500000] [--repeat 3] [--block-lines 100000]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from vessel_risk.ingest.fast_framing import SENTENCE, SLOW, frame_block
from vessel_risk.ingest.framing import FramingState, frame_lines, nmea_checksum

ROOT = Path(__file__).resolve().parents[1]
CAPTURE = ROOT.parent / "shared" / "data" / "ais" / "nmea" / "kystverket_2024-12-09_tagblock.nmea"
_TAG = re.compile(r"^\\(?P<body>[^*\\]*)\*[0-9A-Fa-f]{2}\\")
_TIME = re.compile(r"c:(\d+)")


def shifted(line: str, shift_s: int) -> str:
    """The line with its tag-block time moved by ``shift_s`` and the tag checksum recomputed."""
    match = _TAG.match(line)
    if match is None:
        return line  # an untagged line: it inherits the time of the tagged line before it
    body = _TIME.sub(lambda m: f"c:{int(m[1]) + shift_s}", match["body"])
    return f"\\{body}*{nmea_checksum(body):02X}\\{line[match.end():]}"


def build_content(n: int, shift_s: int) -> bytes:
    lines = [line for line in CAPTURE.read_text(encoding="latin-1").split("\n") if line]
    copies = -(-n // len(lines))
    out = [shifted(line, k * shift_s) for k in range(copies) for line in lines]
    return ("\n".join(out[:n]) + "\n").encode("latin-1")


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def in_blocks(content: bytes, block_lines: int) -> int:
    """Frame block by block (cut at line ends), carrying the state; returns the lines framed."""
    ends = np.flatnonzero(np.frombuffer(content, dtype=np.uint8) == 10)
    state, at, line_no, total = FramingState(), 0, 1, 0
    for cut in range(block_lines - 1, len(ends) + block_lines - 1, block_lines):
        stop = int(ends[min(cut, len(ends) - 1)]) + 1
        block = frame_block(content[at:stop], line_no, state=state)
        state, at = block.state, stop
        line_no += len(block.kind)
        total += len(block.kind)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500_000, help="lines to frame")
    parser.add_argument("--shift-s", type=int, default=37, help="time shift between copies")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast path (best kept)")
    parser.add_argument("--block-lines", type=int, default=100_000, help="lines per block")
    args = parser.parse_args()
    if not CAPTURE.exists():
        sys.exit(f"capture not found: {CAPTURE}")

    content = build_content(args.n, args.shift_s)
    print(f"{args.n:,} lines, {len(content) / 1e6:.1f} MB ({CAPTURE.name} repeated)")

    t_fast, block = best_of(args.repeat, lambda: frame_block(content))
    t_blocks, _ = best_of(args.repeat, lambda: in_blocks(content, args.block_lines))
    lines = content.decode("latin-1").split("\n")[:-1]
    t_ref, items = best_of(1, lambda: list(frame_lines(lines)))

    sentences = int((block.kind == SENTENCE).sum())
    slow = int((block.kind == SLOW).sum())
    print(f"fast path: {sentences:,} sentences, {slow} slow lines; reference: {len(items):,} items")
    rows = [("reference", t_ref), ("fast", t_fast), (f"fast ({args.block_lines:,}-line blocks)", t_blocks)]
    for name, seconds in rows:
        print(f"{name:<28} {seconds:8.3f} s  {args.n / seconds:>12,.0f} lines/s")
    print(f"speed-up: {t_ref / t_fast:.1f}x (whole buffer), {t_ref / t_blocks:.1f}x (blocks)")


if __name__ == "__main__":
    main()
