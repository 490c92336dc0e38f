"""Backfill: a range of days from one ingest, one at a time or on Dask, with the same bytes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vessel_risk import storage
from vessel_risk.common.errors import InputError
from vessel_risk.flows.backfill import backfill
from vessel_risk.flows.engine import api_for_workers, dask_runner
from vessel_risk.flows.settings import DEFAULT_MODEL, SAMPLE_AIS

pytestmark = pytest.mark.usefixtures("prefect_harness")

TWO_DAYS = [str(SAMPLE_AIS / "2026-11-21.nmea.gz"), str(SAMPLE_AIS / "2026-11-22.nmea.gz")]


def partition_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.parquet"))}


def run(out: Path, first: date, last: date, runner: object = None) -> dict:  # type: ignore[type-arg]
    flow = backfill if runner is None else backfill.with_options(task_runner=runner)
    return flow(ais=TWO_DAYS, registry=None, out=str(out), model=str(DEFAULT_MODEL),
                first_day=first, last_day=last, lookback_days=2)


@pytest.mark.slow
def test_backfill_on_dask_writes_the_same_bytes_as_one_day_at_a_time(tmp_path: Path) -> None:
    first, last = date(2026, 11, 21), date(2026, 11, 22)
    one_by_one = run(tmp_path / "seq", first, last)
    with api_for_workers():
        parallel = run(tmp_path / "dask", first, last, dask_runner(workers=2))
    assert [d["date"] for d in one_by_one["days"]] == ["2026-11-21", "2026-11-22"]
    for day in (first, last):
        assert len(storage.read_partition(tmp_path / "seq", storage.RISK_LISTS, day)) > 100
    seq, dask = partition_bytes(tmp_path / "seq"), partition_bytes(tmp_path / "dask")
    assert any("risk_lists/date=2026-11-21" in k for k in seq)
    assert seq.keys() == dask.keys()
    assert seq == dask
    assert [d["vessels"] for d in one_by_one["days"]] == [d["vessels"] for d in parallel["days"]]


def test_backfill_names_the_days_without_data_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="2026-11-23, 2026-11-24"):
        run(tmp_path / "out", date(2026, 11, 22), date(2026, 11, 24))
    assert not (tmp_path / "out").exists()
