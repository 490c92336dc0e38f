"""The daily screening flow: ingest, detect, feature, score, write. Orchestration only.

No ``from __future__ import annotations`` here or in any flow module: a served deployment runs
each flow in a child process that receives the function by cloudpickle, by value, with only the
globals its body names, and string annotations (``'date'``) cannot be resolved there, so every
scheduled run would fail parameter validation (tests/flows/test_modules.py keeps it out).
"""

import dataclasses
import json
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger

from vessel_risk import storage
from vessel_risk.common import allocator, progress
from vessel_risk.common import columns as c
from vessel_risk.common.days import (
    dates_of,
    day_of_counts,
    day_that_ended,
    on_day,
    positions_per_day,
)
from vessel_risk.common.errors import InputError, StorageError, VesselRiskError
from vessel_risk.features.build import Reference, Screening, Window, screen
from vessel_risk.features.land import load_land_mask
from vessel_risk.flows import artifacts
from vessel_risk.flows.retry import compute_task, io_task
from vessel_risk.flows.settings import Settings, load_settings, settings_record
from vessel_risk.ingest import files
from vessel_risk.ingest.ais import AisTables, IngestParams, ingest_ais
from vessel_risk.ingest.areas import read_areas
from vessel_risk.ingest.registry import Registry, read_registry_or_none
from vessel_risk.models.card import Model, load_model
from vessel_risk.models.score import risk_list
from vessel_risk.report import WrittenReport, write_report
from vessel_risk.storage import layout, manifest
from vessel_risk.storage.transaction import transaction

RUNS = "runs"  # one row per screened day: the run summary and the settings it used

# Ingest started ahead of the flow (ingest_ahead), by the files it reads and how
_AHEAD: dict[tuple[tuple[manifest.InputFile, ...], IngestParams], Future[AisTables]] = {}
# The input hashes ingest_ahead took, for the flow's selection under the lock: each file is
# hashed once a run unless it changed in between (manifest.select keeps them by the file's stat)
_AHEAD_HASHES: dict[manifest.HashedKey, str] = {}


def ingest_ahead(ais: list[str], out: str, settings: Settings, background: bool = False) -> None:
    """Start reading the input files the store at ``out`` has not ingested yet, now, in a
    background thread, for the flow's ``ingest`` task to pick up. The CLI calls it while Prefect's
    temporary server is still starting, so the input is read and decoded in that time instead of
    after it. The choice of files is made without the run's lock: the task uses these tables only
    if it selects the very same files (paths, sizes, times, hashes) under the lock, and reads again
    otherwise. The tables are the same either way; an error is raised by the flow, as if it had
    read the input itself. ``background``: the workers yield the cores to that starting server,
    which the run waits on first."""
    try:
        new = manifest.select(files.discover([Path(p) for p in ais]), Path(out),
                              settings.store.trust_file_stat, _AHEAD_HASHES).new
    except VesselRiskError:
        return  # the flow meets the same error and reports it
    key = (tuple(new), settings.ingest)
    if new and key not in _AHEAD:
        executor = ThreadPoolExecutor(1, thread_name_prefix="ingest-ahead")
        _AHEAD[key] = executor.submit(read_ais, [f.path for f in new], settings, background)
        executor.shutdown(wait=False)  # the thread ends when the ingest does


def drop_ingest_ahead() -> None:
    """Forget ingests started ahead that no flow picked up (a run that failed before its ingest
    task): their tables and hashes are not kept."""
    _AHEAD.clear()
    _AHEAD_HASHES.clear()


def read_ais(paths: list[Path], settings: Settings, background: bool = False) -> AisTables:
    """The AIS tables of ``paths``, reporting progress by lines read. From here on the process
    reuses the memory it frees (``common.allocator``): the day's stages churn through columns of
    millions of values."""
    allocator.reuse_freed_memory()
    report = progress.current()
    return ingest_ais(paths, settings.ingest, on_progress=lambda lines: report.update(
        progress.INGEST, lines, f"Ingest: {lines:,} lines read"), background=background)


@io_task
def ingest(new: list[manifest.InputFile], settings: Settings) -> AisTables:
    """The tables of the files ``new``: those read ahead by the CLI when they are the same files,
    else read now."""
    ahead = _AHEAD.pop((tuple(new), settings.ingest), None)
    if ahead is not None:
        return ahead.result()
    return read_ais([f.path for f in new], settings)


@io_task
def ingest_files(ais: list[str], settings: Settings) -> AisTables:
    """The AIS tables of every file and folder in ``ais``, with no store involved (training)."""
    return read_ais([Path(p) for p in ais], settings)


@io_task
def select_inputs(ais: list[str], out: Path, settings: Settings) -> manifest.Selection:
    """The input files, split into those to read and those the store's manifest already has
    (a file ``ingest_ahead`` hashed and that has not changed since is not hashed again)."""
    found = files.discover([Path(p) for p in ais])
    selection = manifest.select(found, out, settings.store.trust_file_stat, _AHEAD_HASHES)
    _AHEAD_HASHES.clear()  # the run's one selection has them: a later run hashes afresh
    return selection


@io_task
def load_registry(registry: str | None) -> Registry | None:
    return read_registry_or_none(Path(registry) if registry else None)


@io_task
def load_model_from(model: str) -> Model:
    return load_model(Path(model))


@io_task
def store_ingested(tables: AisTables, out: Path, screening_day: date) -> None:
    """Positions, statics and quarantine merged into the partitions of their own UTC day (the
    store only grows); timeless quarantine rows go to the screening day."""
    quarantine = tables.quarantine.copy()
    quarantine[c.TIMESTAMP] = quarantine[c.TIMESTAMP].fillna(pd.Timestamp(screening_day, tz="UTC"))
    days = (set(dates_of(tables.positions[c.TIMESTAMP])) | set(dates_of(tables.statics[c.TIMESTAMP]))
            | set(dates_of(quarantine[c.TIMESTAMP])))
    days.add(screening_day)
    storage.merge_by_day(tables.positions, out, storage.POSITIONS, days)
    storage.merge_by_day(tables.statics, out, storage.STATICS, days)
    storage.merge_by_day(quarantine, out, storage.QUARANTINE, days)


@io_task
def record_inputs(selection: manifest.Selection, tables: AisTables, out: Path,
                  screening_day: date) -> None:
    """The files just read, in the store's ingest manifest: later runs skip them."""
    manifest.record(out, selection.new, tables.summary.lines_by_file, tables.positions,
                    screening_day, ingest_counts(tables))


def input_counts(selection: manifest.Selection, tables: AisTables) -> dict[str, Any]:
    """The accounts of the run's input: what this run read, plus what the ingests that read its
    other files counted then (so a re-run reports, and records, what its first run did). An
    earlier ingest counts whole: if it also read files not given now (or an older version of a
    changed file), those are in its counts too."""
    read = [ingest_counts(tables)] if selection.new or not selection.seen else []
    return {**manifest.add_accounts(read + selection.seen_accounts),
            "files_skipped": len(selection.seen)}


@compute_task
def screen_window(out: Path, registry: Registry | None, window: Window,
                  settings: Settings, areas: str | None = None) -> Screening:
    """The window's positions from the store, screened with what the store has learned before
    it (anchorages), the land mask and the user's areas of interest."""
    allocator.reuse_freed_memory()  # a run that ingested nothing new starts here
    allocator.release_freed_memory()  # what storing the day freed, scattered over the heap
    earlier = [d for d in storage.available_days(out, storage.ANCHORAGE_EVIDENCE)
               if d < window.first_day]
    history = storage.read_days(out, storage.ANCHORAGE_EVIDENCE, earlier)
    reference = Reference(land=load_land_mask(Path(settings.cache_dir)),
                          anchorage_history=history if len(history) else None,
                          areas=tuple(read_areas(Path(areas))) if areas else ())
    # read straight into the call: screen keeps the window's rows, not this function as well
    return screen(storage.read_days(out, storage.POSITIONS, window.days,
                                    c.SCREENED_POSITION_COLUMNS, with_date=False),
                  storage.read_days(out, storage.STATICS, window.days, c.SCREENED_STATIC_COLUMNS,
                                    with_date=False),
                  registry, window, settings.detection, reference)


@io_task
def score_and_store(result: Screening, model: Model, window: Window, out: Path,
                    settings: Settings) -> pd.DataFrame:
    listed = risk_list(result.features, result.vessels, result.events, model, window.as_of,
                       settings.scoring)
    storage.write_partition(result.events, out, storage.EVENTS, window.as_of)
    storage.write_partition(result.features, out, storage.FEATURES, window.as_of)
    storage.write_partition(result.vessels, out, storage.VESSELS, window.as_of)
    storage.write_partition(listed, out, storage.RISK_LISTS, window.as_of)
    store_context(result, window, out)
    return listed


def store_context(result: Screening, window: Window, out: Path) -> None:
    """What the day taught about places: its anchorage evidence (later runs learn from it), the
    anchorages known as of the day, and the day's coverage."""
    evidence = result.anchorage_evidence
    storage.write_partition(evidence[evidence[c.DATE] == window.as_of], out,
                            storage.ANCHORAGE_EVIDENCE, window.as_of)
    storage.write_partition(result.anchorages, out, storage.ANCHORAGES, window.as_of)
    storage.write_partition(result.coverage, out, storage.COVERAGE, window.as_of)


@io_task
def publish_report(out: Path, window: Window, model: Model, registry: Registry | None,
                   settings: Settings) -> WrittenReport:
    """The day's self-contained HTML report (maps for the top of the list)."""
    return write_report(out, window.as_of, window.lookback_days, model.card,
                        registry.vessels if registry is not None else None, settings.report)


@io_task
def record_run(summary: dict[str, Any], settings: Settings, out: Path, day: date) -> None:
    """The run's summary and every setting it used, kept in the store beside its outputs."""
    # paths differ with --out, and a re-run skips files its first run read; the rest must not
    kept = {k: v for k, v in summary.items() if k not in ("risk_list", "report", "files_skipped")}
    record = pd.DataFrame({
        c.SUMMARY_JSON: [json.dumps(kept, sort_keys=True, default=str)],
        c.SETTINGS_JSON: [json.dumps(settings_record(settings)["values"], sort_keys=True)],
    })
    storage.write_partition(record, out, RUNS, day)


def run_settings(config: str | None, lookback_days: int | None = None,
                 capture_time: datetime | None = None, ais_format: str | None = None) -> Settings:
    """The config file's settings, with the options given on the command line on top."""
    stamp = None
    if capture_time is not None:
        aware = capture_time if capture_time.tzinfo else capture_time.replace(tzinfo=UTC)
        stamp = aware.timestamp()
    return load_settings(config, {"lookback_days": lookback_days, "ingest.format": ais_format,
                                  "ingest.framing.capture_time_s": stamp})


def scheduled_start() -> datetime:
    """The current flow run's scheduled start time (now, for a run nobody scheduled)."""
    from prefect.runtime import flow_run

    start = flow_run.scheduled_start_time
    return start if start.tzinfo else start.replace(tzinfo=UTC)


def choose_day(day: date | None, scheduled_day_tz: str | None, tables: AisTables,
               settings: Settings, seen: dict[date, int] | None = None) -> tuple[date, str]:
    """The day to screen, and how it was chosen. ``seen`` counts the positions per day of input
    files the store already holds (skipped by ingest: they count as input)."""
    if day is not None:
        return day, "the day asked for"
    if scheduled_day_tz is not None:
        start = scheduled_start()
        return day_that_ended(start, scheduled_day_tz), (
            f"the day that ended before the scheduled start {start.isoformat()} "
            f"({scheduled_day_tz})")
    counts = positions_per_day(tables.positions[c.TIMESTAMP])
    counts = counts.add(pd.Series(seen or {}, dtype="int64"), fill_value=0)
    return day_of_counts(counts, settings.screening_day), "from the data"


def stored_positions(out: Path, day: date) -> int:
    if day not in storage.available_days(out, storage.POSITIONS):
        return 0
    try:
        return len(storage.read_partition(out, storage.POSITIONS, day))
    except StorageError:
        return 0


def require_data(tables: AisTables, out: Path, day: date, how: str) -> None:
    """Fail before anything is written when ``day`` has no position in the input or the store."""
    stamps = tables.positions[c.TIMESTAMP].dropna()
    if on_day(stamps, day).any() or stored_positions(out, day):
        return
    span = (f"the input's positions run from {stamps.min().date()} to {stamps.max().date()}"
            if len(stamps) else "the input has no position with a receive time (lines that "
            "carry none need --capture-time)")
    raise InputError(f"no AIS positions for {day.isoformat()} ({how}) in the input or under "
                     f"{layout.store_of(out)}: {span}; nothing was written. A scheduled run with "
                     "no data for its day means the feed has stalled or is late.")


def ingest_counts(tables: AisTables) -> dict[str, Any]:
    """What ingest did, without the tables: small enough to send to every task."""
    return {"ingest": tables.summary.as_dict(), "positions": int(len(tables.positions)),
            "statics": int(len(tables.statics)), "quarantined": int(len(tables.quarantine))}


def run_summary(day: date, counts: dict[str, Any], result: Screening, listed: pd.DataFrame,
                model: Model, settings: Settings, out: Path, config: str | None,
                how: str) -> dict[str, Any]:
    """What the run did, JSON-ready: printed by the CLI, stored, shown as an artifact.
    ``counts`` comes from :func:`ingest_counts`."""
    bands = listed[c.RISK_BAND].value_counts()
    return {
        "date": day.isoformat(),
        "day_chosen": how,
        "vessels": int(len(listed)),
        "bands": {b: int(bands.get(b, 0)) for b in ("high", "medium", "low")},
        "events": {k: int(v) for k, v in result.events[c.EVENT_TYPE].value_counts().sort_index().items()},
        **counts,
        "model_version": model.card.version,
        "model_notice": model.card.notice,
        "warnings": list(result.warnings),
        "config": config,
        "settings_changed": settings_record(settings)["changed"],
        "risk_list": str(storage.partition_dir(layout.store_of(out), storage.RISK_LISTS, day)),
    }


@flow(name="daily-screening", log_prints=False, persist_result=True, result_serializer="json")
def daily_screening(
    ais: list[str],
    registry: str | None,
    out: str,
    model: str,
    day: date | None = None,
    lookback_days: int | None = None,
    capture_time: datetime | None = None,
    ais_format: str | None = None,
    config: str | None = None,
    scheduled_day_tz: str | None = None,
    areas: str | None = None,
) -> dict[str, Any]:
    """Screen one day. Returns the run summary (counts, where the risk list was written).

    ``day`` is the screening day. Without it, a run with ``scheduled_day_tz`` (an IANA time zone;
    deployments set it) screens the day that ended before its scheduled start in that zone, and
    any other run the latest day holding a real share of the input's positions. A day with no
    positions fails the run before anything is written.
    ``config`` is a TOML file of settings; ``lookback_days``, ``capture_time`` (stamps AIS lines
    that carry no receive time) and ``ais_format`` (forces one input format) override it.
    ``areas`` is a GeoJSON file of named areas of interest; entries become ``area_visit`` events.
    """
    settings = run_settings(config, lookback_days, capture_time, ais_format)
    with transaction(Path(out), settings.store) as staged:  # the lock, then one commit
        summary, listed, markdown = screen_into(staged, ais, registry, model, day, config,
                                                scheduled_day_tz, areas, settings)
    artifacts.publish(summary, listed, markdown)
    return summary


def screen_into(staged: Path, ais: list[str], registry: str | None, model: str,
                day: date | None, config: str | None, scheduled_day_tz: str | None,
                areas: str | None, settings: Settings) -> tuple[dict[str, Any], pd.DataFrame, str]:
    """The daily flow's work, written to the run's staged store: (summary, list, markdown)."""
    log = get_run_logger()
    report = progress.current()
    out_dir = staged
    loaded_model = load_model_from(model)
    reg = load_registry(registry)
    report.start(progress.INGEST, "Ingest: reading AIS")
    selection = select_inputs(ais, out_dir, settings)
    tables = ingest(selection.new, settings)
    ingested = tables.summary
    report.finish(progress.INGEST, f"Ingest: {ingested.lines_read:,} lines read, "
                  f"{len(tables.positions):,} positions, {len(tables.quarantine):,} quarantined"
                  + (f", {len(selection.seen)} files already in the store" if selection.seen else ""))
    log.info("ingest: %s files, %s lines read, %s positions, %s static reports, quarantined %s; "
             "%s files already in the store", ingested.files, ingested.lines_read,
             len(tables.positions), len(tables.statics),
             dict(sorted(ingested.quarantined.items())) or 0, len(selection.seen))
    screening_day, how = choose_day(day, scheduled_day_tz, tables, settings,
                                    selection.seen_positions_by_day)
    require_data(tables, out_dir, screening_day, how)
    window = Window(screening_day, settings.lookback_days)
    store_ingested(tables, out_dir, screening_day)
    record_inputs(selection, tables, out_dir, screening_day)
    counts = input_counts(selection, tables)
    del tables  # stored: the screening reads its window back; a large day's tables go now
    report.start(progress.SCREENING, f"Screening {screening_day.isoformat()}")
    result = screen_window(out_dir, reg, window, settings, areas)
    events = result.events[c.EVENT_TYPE].value_counts().sort_index().to_dict()
    report.finish(progress.SCREENING, f"Screening {screening_day.isoformat()}: "
                  f"{len(result.features):,} vessels, {len(result.events):,} events")
    log.info("screening %s (%s): %s vessels, events %s", screening_day, how,
             len(result.features), events or 0)
    report.start(progress.SCORING, "Scoring")
    listed: pd.DataFrame = score_and_store(result, loaded_model, window, out_dir, settings)
    summary = run_summary(screening_day, counts, result, listed, loaded_model,
                          settings, out_dir, config, how)
    bands = ", ".join(f"{k} {v}" for k, v in summary["bands"].items())
    report.finish(progress.SCORING, f"Scoring: {len(listed):,} vessels ({bands})")
    log.info("scoring: model %s, bands %s; risk list %s", summary["model_version"],
             summary["bands"], summary["risk_list"])
    written = publish_report(out_dir, window, loaded_model, reg, settings)
    written = dataclasses.replace(written, path=layout.final_path(written.path, staged))
    summary["report"] = str(written.path)
    record_run(summary, settings, out_dir, screening_day)
    return summary, listed, written.markdown()
