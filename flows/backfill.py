"""Screen a range of days: the input is ingested and stored once, then each day is screened and
scored as a submitted task, one at a time by default or in parallel on a Dask task runner
(``backfill.with_options(task_runner=flows.engine.dask_runner())``).

Each day's task reads its window from the store and writes only that day's partitions, so the
outputs are the same bytes whichever way, and in whatever order, the days run.
"""

from datetime import date, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.futures import as_completed

from vessel_risk.common import progress
from vessel_risk.common.days import day_range
from vessel_risk.common.errors import InputError
from vessel_risk.features.build import Window
from vessel_risk.flows import artifacts
from vessel_risk.flows.daily import (
    ingest,
    input_counts,
    load_registry,
    record_inputs,
    record_run,
    require_data,
    run_settings,
    run_summary,
    score_and_store,
    screen_window,
    select_inputs,
    store_ingested,
)
from vessel_risk.flows.engine import one_at_a_time
from vessel_risk.flows.retry import compute_task
from vessel_risk.flows.settings import Settings
from vessel_risk.ingest.registry import Registry
from vessel_risk.models.card import load_model
from vessel_risk.storage.layout import store_of
from vessel_risk.storage.transaction import transaction


@compute_task
def screen_day(day: date, counts: dict[str, Any], registry: Registry | None, model: str,
               out: str, settings: Settings, config: str | None) -> dict[str, Any]:
    """Screen, score and record one day from the store; returns its summary."""
    out_dir = Path(out)
    loaded = load_model(Path(model))
    window = Window(day, settings.lookback_days)
    result = screen_window.fn(out_dir, registry, window, settings)
    listed = score_and_store.fn(result, loaded, window, out_dir, settings)
    summary = run_summary(day, counts, result, listed, loaded, settings, out_dir, config,
                          "backfill")
    record_run.fn(summary, settings, out_dir, day)
    artifacts.publish(summary, listed)
    return summary


@flow(name="backfill", log_prints=False, persist_result=True, result_serializer="json",
      task_runner=one_at_a_time())
def backfill(
    ais: list[str],
    registry: str | None,
    out: str,
    model: str,
    first_day: date,
    last_day: date,
    lookback_days: int | None = None,
    capture_time: datetime | None = None,
    ais_format: str | None = None,
    config: str | None = None,
) -> dict[str, Any]:
    """Screen every day from ``first_day`` to ``last_day`` (inclusive). Every day must have
    positions in the input or the store: otherwise the run fails before anything is written."""
    settings = run_settings(config, lookback_days, capture_time, ais_format)
    with transaction(Path(out), settings.store) as staged:  # the lock, then one commit
        return backfill_into(staged, ais, registry, model, first_day, last_day, config, settings)


def backfill_into(staged: Path, ais: list[str], registry: str | None, model: str,
                  first_day: date, last_day: date, config: str | None,
                  settings: Settings) -> dict[str, Any]:
    """The backfill's work, written to the run's staged store."""
    log = get_run_logger()
    report = progress.current()
    days = day_range(first_day, last_day)
    out_dir = staged
    out = str(staged)
    reg = load_registry(registry)
    report.start(progress.INGEST, "Ingest: reading AIS")
    selection = select_inputs(ais, out_dir, settings)
    tables = ingest(selection.new, settings)
    report.finish(progress.INGEST, f"Ingest: {tables.summary.lines_read:,} lines read, "
                  f"{len(tables.positions):,} positions, {len(tables.quarantine):,} quarantined")
    missing = []
    for day in days:
        try:
            require_data(tables, out_dir, day, "backfill")
        except InputError:
            missing.append(day.isoformat())
    if missing:
        raise InputError(f"no AIS positions for {', '.join(missing)} in the input or under "
                         f"{store_of(out_dir)}; nothing was written")
    store_ingested(tables, out_dir, last_day)
    record_inputs(selection, tables, out_dir, last_day)
    log.info("backfill: %s days from %s to %s; %s lines ingested", len(days), first_day,
             last_day, tables.summary.lines_read)
    report.start(progress.DAYS, f"Screening {len(days)} days", total=len(days))
    counts = input_counts(selection, tables)
    futures = [screen_day.submit(day, counts, reg, model, out, settings, config) for day in days]
    done: dict[str, dict[str, Any]] = {}
    for future in as_completed(futures):
        summary = future.result()
        done[summary["date"]] = summary
        report.update(progress.DAYS, len(done), f"Screened {summary['date']}")
        log.info("screened %s: %s vessels, bands %s", summary["date"], summary["vessels"],
                 summary["bands"])
    report.finish(progress.DAYS, f"Screened {len(days)} days")
    return {"first_day": first_day.isoformat(), "last_day": last_day.isoformat(),
            "ingest": tables.summary.as_dict(), "days": [done[d] for d in sorted(done)]}
