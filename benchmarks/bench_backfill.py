"""Backfill wall time, one day at a time against a Dask LocalCluster, and the outputs' hashes.

    .venv/bin/python benchmarks/bench_backfill.py                     # the sample's 7 days
    .venv/bin/python benchmarks/bench_backfill.py --workers 2 --from 2026-11-16 --to 2026-11-22

Runs ``vessel-risk backfill`` as a user does (a fresh process each, no PREFECT_API_URL, so each
starts its own temporary Prefect server), once without and once with ``--dask``, into two empty
output folders in a fresh workspace, and prints each wall time, their ratio, and one SHA-256 over
every Parquet file of each output (relative path and bytes), which must be equal.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / "vessel-risk"


def tree_hash(out: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    files = sorted(out.rglob("*.parquet"))
    for path in files:
        digest.update(str(path.relative_to(out)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest(), len(files)


def run(args: list[str], cwd: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    start = time.perf_counter()
    done = subprocess.run([str(CLI), *args], cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="first", default="2026-11-16")
    parser.add_argument("--to", dest="last", default="2026-11-22")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ais", default=str(ROOT / "data" / "sample" / "ais"))
    parser.add_argument("--registry", default=str(ROOT / "data" / "sample" / "registry"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        work = Path(tmp)
        common = ["backfill", "--from", args.first, "--to", args.last, "--ais", args.ais,
                  "--registry", args.registry]
        # a first command creates the workspace's database, so neither timed run pays for it
        run(["backfill", "--from", args.last, "--to", args.last, "--ais", args.ais,
             "--registry", args.registry, "--out", str(work / "warm")], work)
        sequential = run([*common, "--out", str(work / "seq")], work)
        parallel = run([*common, "--out", str(work / "dask"), "--dask", "--dask-workers",
                        str(args.workers)], work)
        seq_hash, seq_files = tree_hash(work / "seq")
        dask_hash, dask_files = tree_hash(work / "dask")
    print(f"backfill {args.first}..{args.last}")
    print(f"  one day at a time:        {sequential:7.1f} s  ({seq_files} files, sha256 {seq_hash[:16]})")
    print(f"  Dask, {args.workers} worker processes: {parallel:7.1f} s  ({dask_files} files, sha256 {dask_hash[:16]})")
    print(f"  ratio dask/sequential: {parallel / sequential:.2f}; outputs identical: "
          f"{seq_hash == dask_hash}")


if __name__ == "__main__":
    main()
