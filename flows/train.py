"""The training flow: ingest the labelled period, build the training table, train, save."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from features.build import Reference
from features.land import load_land_mask
from ingest.ais import AisTables, ingest_ais
from ingest.outcomes import read_outcomes
from ingest.registry import read_registry_or_none
from models.card import ModelCard, save_model
from models.dataset import TrainingTable, training_table
from models.train import train_model
from vessel_risk.settings import DEFAULT_LOOKBACK_DAYS, Settings


@task(cache_policy=NO_CACHE)
def ingest(ais: list[str], settings: Settings) -> AisTables:
    return ingest_ais([Path(p) for p in ais], settings.ingest)


@task(cache_policy=NO_CACHE)
def build_table(tables: AisTables, registry: str | None, outcomes: str,
                settings: Settings) -> TrainingTable:
    return training_table(
        tables.positions, tables.statics, read_registry_or_none(Path(registry) if registry else None),
        read_outcomes(Path(outcomes)), settings.lookback_days, settings.detection,
        Reference(land=load_land_mask(settings.cache_dir)),
    )


@flow(name="train-model")
def train(
    ais: list[str],
    registry: str | None,
    outcomes: str,
    model_out: str,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    seed: int | None = None,
    notes: list[str] | None = None,
    demonstration: bool = False,
) -> dict[str, Any]:
    settings = Settings(lookback_days=lookback_days)
    table = build_table(ingest(ais, settings), registry, outcomes, settings)
    params = settings.training if seed is None else type(settings.training)(seed=seed)
    model = train_model(table.rows, params, table.outcomes_without_ais, tuple(notes or ()),
                        demonstration)
    card: ModelCard = model.card
    save_model(model, Path(model_out))
    return {"model_out": model_out, "version": card.version, "metrics": card.metrics,
            "baseline": card.baseline, "data_sizes": card.data_sizes}
