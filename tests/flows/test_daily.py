"""The daily flow, run through Prefect's test harness on small real and synthetic inputs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from flows.daily import daily_screening
from vessel_risk import columns as c
from vessel_risk import storage
from vessel_risk.settings import DEFAULT_MODEL, SAMPLE_AIS, SAMPLE_REGISTRY

pytestmark = pytest.mark.usefixtures("prefect_harness")

TABLES_WRITTEN = (storage.POSITIONS, storage.STATICS, storage.QUARANTINE, storage.EVENTS,
                  storage.FEATURES, storage.RISK_LISTS)


def run_sample(out: Path) -> dict:  # type: ignore[type-arg]
    return daily_screening(ais=[str(SAMPLE_AIS)], registry=str(SAMPLE_REGISTRY), out=str(out),
                           model=str(DEFAULT_MODEL))


def partition_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.parquet"))}


def test_daily_screening_writes_every_table_for_the_sample(tmp_path: Path) -> None:
    summary = run_sample(tmp_path)
    day = date.fromisoformat(summary["date"])
    for table in TABLES_WRITTEN:
        assert storage.partition_dir(tmp_path, table, day).exists(), table
    listed = storage.read_partition(tmp_path, storage.RISK_LISTS, day)
    assert list(listed.columns) == c.RISK_LIST_COLUMNS
    assert summary["vessels"] == len(listed) > 100
    assert summary["ingest"]["lines_read"] > 0


def test_daily_screening_twice_gives_byte_identical_files(tmp_path: Path) -> None:
    run_sample(tmp_path / "a")
    run_sample(tmp_path / "b")
    first, second = partition_bytes(tmp_path / "a"), partition_bytes(tmp_path / "b")
    assert first.keys() == second.keys()
    assert first == second


def test_daily_screening_runs_on_real_capture_without_registry(tmp_path: Path) -> None:
    from tests.support import shared_file

    capture = shared_file("ais", "nmea", "kystverket_2024-12-09_tagblock.nmea")
    summary = daily_screening(ais=[str(capture)], registry=None, out=str(tmp_path),
                              model=str(DEFAULT_MODEL))
    assert summary["date"] == "2024-12-09"
    assert summary["quarantined"] == 0
    listed = storage.read_partition(tmp_path, storage.RISK_LISTS, date(2024, 12, 9))
    features = storage.read_partition(tmp_path, storage.FEATURES, date(2024, 12, 9))
    assert len(listed) > 50
    assert features["age_years"].isna().all()  # no registry: missing, never zero
    assert pd.api.types.is_float_dtype(listed[c.RISK_SCORE])


def test_daily_screening_keeps_learned_context_and_reports_area_visits(tmp_path: Path) -> None:
    import json

    areas = tmp_path / "areas.geojson"  # the German Bight, which the sample's traffic crosses
    areas.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "German Bight"},
        "geometry": {"type": "Polygon", "coordinates": [[[6.5, 53.6], [8.6, 53.6], [8.6, 55.0],
                                                          [6.5, 55.0], [6.5, 53.6]]]}}]}))
    out = tmp_path / "out"
    summary = daily_screening(ais=[str(SAMPLE_AIS)], registry=str(SAMPLE_REGISTRY), out=str(out),
                              model=str(DEFAULT_MODEL), areas=str(areas))
    day = date.fromisoformat(summary["date"])
    events = storage.read_partition(out, storage.EVENTS, day)
    visits = events[events[c.EVENT_TYPE] == c.AREA_VISIT]
    assert len(visits) > 0 and visits[c.DETAIL].str.startswith("inside German Bight ").all()
    features = storage.read_partition(out, storage.FEATURES, day)
    assert features["area_visit_count"].max() >= 1
    for table in (storage.ANCHORAGE_EVIDENCE, storage.ANCHORAGES, storage.COVERAGE):
        assert len(storage.read_partition(out, table, day)) > 0, table
