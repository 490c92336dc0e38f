"""The training flow: ingest the labelled period, build the training table, train, save.

With ``per_date_tasks`` the training table is built one outcome date per submitted task (so a
Dask task runner builds the dates in parallel) and the parts are joined in date order: the same
rows as one call over every date.
"""

from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger

from vessel_risk.common import columns as c
from vessel_risk.features.build import Reference
from vessel_risk.features.land import load_land_mask
from vessel_risk.flows.daily import ingest_files, load_registry, run_settings
from vessel_risk.flows.engine import one_at_a_time
from vessel_risk.flows.retry import compute_task, io_task
from vessel_risk.flows.settings import Settings, settings_record
from vessel_risk.ingest.outcomes import read_outcomes
from vessel_risk.ingest.registry import Registry
from vessel_risk.models.card import ModelCard, save_model
from vessel_risk.models.dataset import TrainingTable, training_table
from vessel_risk.models.train import train_model


@io_task
def load_outcomes(outcomes: str) -> pd.DataFrame:
    return read_outcomes(Path(outcomes))


@compute_task
def build_table(positions: pd.DataFrame, statics: pd.DataFrame, registry: Registry | None,
                outcomes: pd.DataFrame, settings: Settings) -> TrainingTable:
    return training_table(positions, statics, registry, outcomes, settings.lookback_days,
                          settings.detection, Reference(land=load_land_mask(Path(settings.cache_dir))))


def join_tables(parts: list[TrainingTable]) -> TrainingTable:
    """Per-date tables, given in date order, as one."""
    rows = [p.rows for p in parts if len(p.rows.columns)]
    return TrainingTable(pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(),
                         sum(p.outcomes_without_ais for p in parts))


@flow(name="train-model", persist_result=True, result_serializer="json",
      task_runner=one_at_a_time())
def train(
    ais: list[str],
    registry: str | None,
    outcomes: str,
    model_out: str,
    lookback_days: int | None = None,
    seed: int | None = None,
    notes: list[str] | None = None,
    config: str | None = None,
    per_date_tasks: bool = False,
    demonstration: bool = False,
) -> dict[str, Any]:
    log = get_run_logger()
    settings = run_settings(config, lookback_days)
    reg = load_registry(registry)
    labelled: pd.DataFrame = load_outcomes(outcomes)
    tables = ingest_files(ais, settings)
    log.info("ingest: %s lines read, %s positions; %s outcomes on %s dates",
             tables.summary.lines_read, len(tables.positions), len(labelled),
             labelled[c.DATE].nunique())
    if per_date_tasks:
        dates = sorted(labelled[c.DATE].unique())
        futures = [build_table.submit(tables.positions, tables.statics, reg,
                                      labelled[labelled[c.DATE] == d], settings) for d in dates]
        table = join_tables([f.result() for f in futures])
    else:
        table = build_table(tables.positions, tables.statics, reg, labelled, settings)
    log.info("training table: %s rows; %s outcomes without AIS", len(table.rows),
             table.outcomes_without_ais)
    params = settings.training if seed is None else replace(settings.training, seed=seed)
    model = train_model(table.rows, params, table.outcomes_without_ais, tuple(notes or ()),
                        demonstration)
    card: ModelCard = model.card
    save_model(model, Path(model_out))
    log.info("model %s saved to %s; metrics %s", card.version, model_out, card.metrics)
    return {"model_out": model_out, "version": card.version, "metrics": card.metrics,
            "baseline": card.baseline, "data_sizes": card.data_sizes,
            "settings_changed": settings_record(settings)["changed"]}
