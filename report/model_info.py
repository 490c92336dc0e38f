"""Which model scored the day, and whether it is the synthetic demonstration model.

The risk list records only the model's version. Its card (notes, training window) comes from the
model folder the caller names; it is used only when its version is the one the list records, so
a report never describes a model that did not score the day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vessel_risk.common.errors import VesselRiskError
from vessel_risk.models.card import ModelCard


@dataclass(frozen=True)
class ModelInfo:
    version: str
    demonstration: bool | None  # None: no card for this version, so it cannot be told
    notes: tuple[str, ...] = ()
    training_window: tuple[tuple[str, str], ...] = ()

    def sentence(self) -> str:
        """The model in one sentence, for the summary."""
        if self.demonstration is None:
            return (f"Model {self.version}: its card was not found, so whether it is the "
                    "synthetic demonstration model cannot be told.")
        if self.demonstration:
            return (f"Model {self.version} is the synthetic demonstration model: its scores "
                    "say nothing about real vessels.")
        return f"Model {self.version}, trained on real outcomes (per its card)."


def model_info(version: str, card_version: str | None = None, notes: Sequence[str] = (),
               training_window: dict[str, str] | None = None, demonstration: bool = False
               ) -> ModelInfo:
    """What is known of the model ``version`` given a card (its version, notes, window, and
    whether it is the demonstration model: ``ModelCard.is_demonstration``)."""
    if card_version is None or card_version != version:
        return ModelInfo(version=version, demonstration=None)
    window = tuple(sorted((str(k), str(v)) for k, v in (training_window or {}).items()))
    return ModelInfo(version=version, demonstration=demonstration, notes=tuple(notes),
                     training_window=window)


def card_of_folder(folder: Path | None) -> ModelCard | None:
    """The card of the model in ``folder``, or None where there is no usable model there."""
    if folder is None:
        return None
    from vessel_risk.models.card import load_model

    try:
        return load_model(Path(folder)).card
    except VesselRiskError:
        return None


def describe(version: str, card: ModelCard | None) -> ModelInfo:
    """``version`` described by ``card`` when it is that version's card."""
    if card is None:
        return model_info(version)
    return model_info(version, card.version, card.notes, card.training_window,
                      card.is_demonstration)
