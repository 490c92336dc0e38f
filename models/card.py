"""A model is a folder: LightGBM's text model plus a JSON model card. Never a pickle."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import lightgbm as lgb

from vessel_risk.errors import ModelError

MODEL_FILE = "model.txt"
CARD_FILE = "model_card.json"


@dataclass(frozen=True)
class ModelCard:
    version: str
    features: list[str]
    training_window: dict[str, str]  # first/last outcome date used
    data_sizes: dict[str, int]
    metrics: dict[str, float | None]
    baseline: dict[str, Any]
    calibration: dict[str, float]  # Platt scaling: p = 1 / (1 + exp(-(a * raw + b)))
    params: dict[str, Any]
    seed: int
    versions: dict[str, str]
    notes: list[str] = field(default_factory=list)
    # True for the shipped model trained on the synthetic sample: every view says so.
    demonstration: bool = False
    # How calibrated probabilities become bands (models.score.band_rule): thresholds and words.
    bands: dict[str, Any] = field(default_factory=dict)

    @property
    def is_demonstration(self) -> bool:
        """Trained on synthetic data: scores say nothing about real vessels."""
        return self.demonstration or any("synthetic" in note.lower() for note in self.notes)

    @property
    def notice(self) -> str | None:
        """One plain line for the CLI summary and the report when this is the demonstration
        model; ``None`` otherwise."""
        if not self.is_demonstration:
            return None
        return (f"Demonstration model {self.version}: trained on synthetic data, it says "
                "nothing about real vessels; train your own before relying on a score.")


@dataclass(frozen=True)
class Model:
    booster: lgb.Booster
    card: ModelCard


def save_model(model: Model, folder: Path) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    text = model.booster.model_to_string(num_iteration=-1)
    (folder / MODEL_FILE).write_text(text, encoding="utf-8")
    (folder / CARD_FILE).write_text(
        json.dumps(asdict(model.card), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return folder


def load_model(folder: Path) -> Model:
    folder = Path(folder)
    model_path, card_path = folder / MODEL_FILE, folder / CARD_FILE
    for path in (model_path, card_path):
        if not path.exists():
            raise ModelError(f"model folder {folder} has no {path.name}")
    try:
        card = ModelCard(**json.loads(card_path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, TypeError) as exc:
        raise ModelError(f"{card_path}: not a valid model card ({exc})") from exc
    try:
        booster = lgb.Booster(model_str=model_path.read_text(encoding="utf-8"))
    except lgb.basic.LightGBMError as exc:
        raise ModelError(f"{model_path}: not a LightGBM text model ({exc})") from exc
    if list(booster.feature_name()) != list(card.features):
        raise ModelError(f"{folder}: the model's features differ from its card's feature list")
    return Model(booster, card)
