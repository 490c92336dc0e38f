"""The daily flow, run through Prefect's test harness on small real and synthetic inputs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from vessel_risk import storage
from vessel_risk.common import columns as c
from vessel_risk.flows.daily import daily_screening
from vessel_risk.flows.settings import DEFAULT_MODEL, SAMPLE_AIS, SAMPLE_REGISTRY

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


# --- the screening day, run records, artifacts ------------------------------------------------

ONE_DAY = SAMPLE_AIS / "2026-11-22.nmea.gz"


def run_one_day(out: Path, **options: object) -> object:
    return daily_screening(ais=[str(ONE_DAY)], registry=None, out=str(out),
                           model=str(DEFAULT_MODEL), return_state=True, **options)


def test_daily_screening_fails_and_writes_nothing_for_a_date_outside_the_data(
        tmp_path: Path) -> None:
    from vessel_risk.common.errors import InputError

    with pytest.raises(InputError, match="no AIS positions for 2026-11-25"):
        daily_screening(ais=[str(ONE_DAY)], registry=None, out=str(tmp_path / "out"),
                        model=str(DEFAULT_MODEL), day=date(2026, 11, 25))
    assert not (tmp_path / "out").exists()


def test_scheduled_run_screens_the_day_before_its_scheduled_start_and_records_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    from datetime import UTC, datetime

    from prefect.artifacts import Artifact

    import vessel_risk.flows.daily

    monkeypatch.setattr(vessel_risk.flows.daily, "scheduled_start",
                        lambda: datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    config = tmp_path / "settings.toml"
    config.write_text("[scoring]\ndaily_capacity = 0\n")
    state = run_one_day(tmp_path, scheduled_day_tz="UTC", config=str(config))
    summary = state.result()  # type: ignore[attr-defined]
    assert summary["date"] == "2026-11-22"
    assert "scheduled start 2026-11-23T05:00:00+00:00" in summary["day_chosen"]
    assert summary["settings_changed"] == {"scoring.daily_capacity": 0}
    assert summary["bands"]["high"] == 0  # no room on the shortlist, and no watchlist to hit

    record = storage.read_partition(tmp_path, vessel_risk.flows.daily.RUNS, date(2026, 11, 22))
    settings = json.loads(record[c.SETTINGS_JSON].iloc[0])
    assert settings["scoring"]["daily_capacity"] == 0
    assert json.loads(record[c.SUMMARY_JSON].iloc[0])["vessels"] == summary["vessels"]

    persisted = state.data  # type: ignore[attr-defined]
    stored = Path(persisted.metadata.storage_key)
    assert stored.exists() and "2026-11-22" in stored.read_text()

    flow_run_id = state.state_details.flow_run_id  # type: ignore[attr-defined]
    markdown = Artifact.get("daily-screening-summary")
    table = Artifact.get("daily-screening-top")
    assert markdown is not None and table is not None
    assert markdown.flow_run_id == flow_run_id and table.flow_run_id == flow_run_id
    assert "Quarantine by reason" in str(markdown.data) and "bad\\_checksum" in str(markdown.data)
    assert len(json.loads(str(table.data))) == 20


def test_scheduled_run_on_a_stalled_feed_fails_with_a_clear_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    import vessel_risk.flows.daily

    monkeypatch.setattr(vessel_risk.flows.daily, "scheduled_start",
                        lambda: datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    state = run_one_day(tmp_path / "out", scheduled_day_tz="UTC")
    assert state.is_failed()  # type: ignore[attr-defined]
    assert "no AIS positions for 2026-11-24" in state.message  # type: ignore[attr-defined]
    assert "stalled" in state.message  # type: ignore[attr-defined]
    assert not (tmp_path / "out").exists()


def test_daily_screening_finds_a_day_already_in_the_store(tmp_path: Path) -> None:
    """A day's positions may have been stored by an earlier run: screening it again needs no
    new input for that day."""
    run_one_day(tmp_path)
    later = tmp_path / "later.nmea"
    from tests.flows.feeds import moved_day

    later.write_text("\n".join(moved_day(date(2026, 11, 23), every=20)) + "\n")
    summary = daily_screening(ais=[str(later)], registry=None, out=str(tmp_path),
                              model=str(DEFAULT_MODEL), day=date(2026, 11, 22))
    assert summary["date"] == "2026-11-22" and summary["vessels"] > 50
