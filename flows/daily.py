"""The daily screening flow: ingest, detect, feature, score, write. Orchestration only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from features.build import Reference, Screening, Window, screen
from features.coverage import coverage_table
from features.land import load_land_mask
from ingest.ais import AisTables, IngestParams, ingest_ais
from ingest.areas import read_areas
from ingest.framing import FramingParams
from ingest.registry import Registry, read_registry_or_none
from models.card import Model, load_model
from models.score import risk_list
from vessel_risk import columns as c
from vessel_risk import storage
from vessel_risk.errors import InputError
from vessel_risk.report import write_report
from vessel_risk.settings import DEFAULT_LOOKBACK_DAYS, Settings


@task(cache_policy=NO_CACHE)
def ingest(ais: list[str], settings: Settings) -> AisTables:
    return ingest_ais([Path(p) for p in ais], settings.ingest)


@task(cache_policy=NO_CACHE)
def load_registry(registry: str | None) -> Registry | None:
    return read_registry_or_none(Path(registry) if registry else None)


@task(cache_policy=NO_CACHE)
def store_ingested(tables: AisTables, out: Path, screening_day: date) -> None:
    """Positions, statics and quarantine by their own UTC day; timeless quarantine rows go to
    the screening day."""
    days = set(tables.positions[c.TIMESTAMP].dt.date) | set(tables.statics[c.TIMESTAMP].dt.date)
    days.add(screening_day)
    storage.write_by_day(tables.positions, out, storage.POSITIONS, days)
    storage.write_by_day(tables.statics, out, storage.STATICS, days)
    quarantine = tables.quarantine.copy()
    quarantine[c.TIMESTAMP] = quarantine[c.TIMESTAMP].fillna(pd.Timestamp(screening_day, tz="UTC"))
    storage.write_by_day(quarantine, out, storage.QUARANTINE, days)


@task(cache_policy=NO_CACHE)
def screen_window(out: Path, registry: Registry | None, window: Window,
                  settings: Settings, areas: str | None = None) -> Screening:
    positions = storage.read_days(out, storage.POSITIONS, window.days)
    statics = storage.read_days(out, storage.STATICS, window.days)
    earlier = [d for d in storage.available_days(out, storage.ANCHORAGE_EVIDENCE)
               if d < window.first_day]
    history = storage.read_days(out, storage.ANCHORAGE_EVIDENCE, earlier)
    reference = Reference(land=load_land_mask(settings.cache_dir),
                          anchorage_history=history if len(history) else None,
                          areas=tuple(read_areas(Path(areas))) if areas else ())
    return screen(positions.drop(columns=[c.DATE], errors="ignore"),
                  statics.drop(columns=[c.DATE], errors="ignore"),
                  registry, window, settings.detection, reference)


@task(cache_policy=NO_CACHE)
def score_and_store(result: Screening, model: Model, window: Window, out: Path,
                    settings: Settings) -> pd.DataFrame:
    listed = risk_list(result.features, result.vessels, result.events, model, window.as_of,
                       settings.scoring)
    storage.write_partition(result.events, out, storage.EVENTS, window.as_of)
    storage.write_partition(result.features, out, storage.FEATURES, window.as_of)
    storage.write_partition(result.vessels, out, storage.VESSELS, window.as_of)
    storage.write_partition(listed, out, storage.RISK_LISTS, window.as_of)
    context = result.context
    evidence = context.evidence
    storage.write_partition(evidence[evidence[c.DATE] == window.as_of], out,
                            storage.ANCHORAGE_EVIDENCE, window.as_of)
    storage.write_partition(context.anchorages, out, storage.ANCHORAGES, window.as_of)
    day_tracks = context.tracks[context.tracks[c.TIMESTAMP].dt.date == window.as_of]
    storage.write_partition(coverage_table(day_tracks, settings.detection.context.coverage), out,
                            storage.COVERAGE, window.as_of)
    return listed


@task(cache_policy=NO_CACHE)
def publish_report(out: Path, window: Window, model: Model, registry: Registry | None,
                   settings: Settings) -> str:
    """The day's HTML report, and its summary and top list as the run's Markdown artifact."""
    written = write_report(out, window.as_of, window.lookback_days, model.card,
                           registry.vessels if registry is not None else None, settings.report)
    create_markdown_artifact(markdown=written.markdown(), key="risk-report",
                             description=f"Vessel risk list {window.as_of.isoformat()}")
    return str(written.path)


def ingest_params(capture_time: datetime | None, ais_format: str | None) -> IngestParams:
    stamp = None
    if capture_time is not None:
        aware = capture_time if capture_time.tzinfo else capture_time.replace(tzinfo=UTC)
        stamp = aware.timestamp()
    return IngestParams(framing=FramingParams(capture_time_s=stamp), format=ais_format)


def last_day(tables: AisTables) -> date:
    """The last UTC day with any position: the default screening day."""
    stamps = tables.positions[c.TIMESTAMP].dropna()
    if stamps.empty:
        raise InputError("no AIS position with a receive time in the input: give --date")
    return stamps.max().date()


@flow(name="daily-screening", log_prints=False)
def daily_screening(
    ais: list[str],
    registry: str | None,
    out: str,
    model: str,
    day: date | None = None,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    capture_time: datetime | None = None,
    ais_format: str | None = None,
    areas: str | None = None,
) -> dict[str, Any]:
    """Screen one day. Returns the run summary (counts, where the risk list was written).

    ``capture_time`` stamps AIS lines that carry no receive time of their own; ``ais_format``
    forces one input format instead of telling it from each file's header; ``areas`` is a GeoJSON
    file of named areas of interest whose entries become ``area_visit`` events.
    """
    settings = Settings(lookback_days=lookback_days,
                        ingest=ingest_params(capture_time, ais_format))
    out_dir = Path(out)
    loaded_model = load_model(Path(model))
    reg = load_registry(registry)
    tables = ingest(ais, settings)
    screening_day = day or last_day(tables)
    window = Window(screening_day, settings.lookback_days)
    store_ingested(tables, out_dir, screening_day)
    result = screen_window(out_dir, reg, window, settings, areas)
    listed: pd.DataFrame = score_and_store(result, loaded_model, window, out_dir, settings)
    report = publish_report(out_dir, window, loaded_model, reg, settings)
    return {
        "date": screening_day.isoformat(),
        "vessels": int(len(listed)),
        "events": {k: int(v) for k, v in result.events[c.EVENT_TYPE].value_counts().sort_index().items()},
        "ingest": tables.summary.as_dict(),
        "positions": int(len(tables.positions)),
        "statics": int(len(tables.statics)),
        "quarantined": int(len(tables.quarantine)),
        "model_version": loaded_model.card.version,
        "model_notice": loaded_model.card.notice,
        "warnings": list(result.warnings),
        "risk_list": str(storage.partition_dir(out_dir, storage.RISK_LISTS, screening_day)),
        "report": report,
    }
