"""The plain pyais loop the benchmarks compare ingest against: read the lines, decode each message
with pyais' stream reader (which joins fragments), ``asdict()`` it, build one DataFrame. Nothing
else: no checks, no columns of our own, no store.

    .venv/bin/python benchmarks/baseline.py feed.nmea.gz   # prints the rows decoded

``bench_ingest.py`` times the decoding alone, in its own process (``timed_decode``);
``bench_run.py`` times this script as a new process, imports and reading included, as a user's
run is timed.
"""

from __future__ import annotations

import gzip
import sys
import time
from itertools import islice
from pathlib import Path

import pandas as pd
from pyais.stream import IterMessages


def read_lines(path: Path, limit: int | None = None) -> list[bytes]:
    """The first ``limit`` lines of ``path`` (every line without a limit; gzip when its name
    ends in ``.gz``), line ends stripped."""
    with gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb") as handle:
        return [line.rstrip(b"\r\n") for line in islice(handle, limit)]


def decoded(lines: list[bytes]) -> pd.DataFrame:
    """The messages of ``lines`` as one DataFrame of pyais' ``asdict()`` rows (a message pyais
    cannot decode is skipped)."""
    rows = []
    for message in IterMessages(lines):
        try:
            rows.append(message.decode().asdict())
        except Exception:
            continue
    return pd.DataFrame(rows)


def timed_decode(path: Path, limit: int) -> tuple[int, float]:
    """The loop over the first ``limit`` lines of ``path``: the lines read and the seconds taken
    to decode them (reading the file is not timed)."""
    lines = read_lines(path, limit)
    began = time.perf_counter()
    decoded(lines)
    return len(lines), time.perf_counter() - began


if __name__ == "__main__":
    print(len(decoded(read_lines(Path(sys.argv[1])))))
