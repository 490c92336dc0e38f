"""A model is a folder: LightGBM's text model plus a JSON model card. Never a pickle.

A folder is verified before any vessel is scored with it (:func:`load_model`): the card's fields
have their types, its calibration is finite and in a sane range, the model text is a sound binary
tree model (:mod:`models.model_text`, checked in Python so that a malformed text cannot crash or
hang the process inside LightGBM), and the card's version matches the digest of the model text
and the card (:func:`model_version`), so a model or card changed after training is refused
instead of reporting its original version.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import lightgbm as lgb

from vessel_risk.common.errors import ModelError
from vessel_risk.models.model_text import check_model_text

MODEL_FILE = "model.txt"
CARD_FILE = "model_card.json"
VERSION_DIGEST_CHARS = 10  # hex digits of the digest in the version (40 bits: tamper evidence)


@dataclass(frozen=True)
class ModelCard:
    version: str  # "<last outcome date>-<digest>": see model_version
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


@dataclass(frozen=True)
class ModelCheckParams:
    """What a model must satisfy to be used. The raw score is log-odds, so are a and b."""

    # Platt slope a: above 0, or the calibration would rank vessels against the model; at most
    # 20, since a calibrated model's slope is near 1 (the default's is 0.59) and a slope of 20
    # turns a raw difference of 0.25 into odds 150 times higher.
    max_calibration_slope: float = 20.0
    # Platt intercept b: beyond +-20 every probability is within 2e-9 of 0 or 1 at raw score 0.
    max_abs_calibration_intercept: float = 20.0
    # The largest raw score the trees can sum to (sum of each tree's largest absolute leaf): the
    # default model's is 8.8; beyond 700 exp() overflows and probabilities are exactly 0 or 1.
    max_abs_raw_score: float = 700.0


def model_text(booster: lgb.Booster) -> str:
    """The text that :func:`save_model` writes and the version's digest is taken over."""
    return booster.model_to_string(num_iteration=-1)


def model_digest(text: str, card: ModelCard) -> str:
    """SHA-256 (hex) over the model text and the card with its version left empty."""
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(json.dumps(asdict(card) | {"version": ""}, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def model_version(text: str, card: ModelCard) -> str:
    """The version a model with this text and card must carry: same data and seed, same version."""
    last = card.training_window["last_outcome_date"]
    return f"{last}-{model_digest(text, card)[:VERSION_DIGEST_CHARS]}"


def with_version(card: ModelCard, text: str) -> ModelCard:
    """The card, versioned for the model ``text`` (training calls this)."""
    return replace(card, version=model_version(text, card))


def save_model(model: Model, folder: Path) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MODEL_FILE).write_bytes(model_text(model.booster).encode("utf-8"))  # '\n' ends
    (folder / CARD_FILE).write_text(
        json.dumps(asdict(model.card), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return folder


def load_model(folder: Path, params: ModelCheckParams = ModelCheckParams()) -> Model:
    """The model of ``folder``, verified (see the module's docstring); :class:`ModelError` naming
    the file and what is wrong otherwise."""
    folder = Path(folder)
    model_path, card_path = folder / MODEL_FILE, folder / CARD_FILE
    for path in (model_path, card_path):
        if not path.is_file():
            raise ModelError(f"model folder {folder} has no {path.name}")
    card = card_from_json(_read(card_path), str(card_path))
    check_calibration(card.calibration, str(card_path), params)
    text = _read(model_path)
    checked = check_model_text(text, str(model_path))
    if checked.features != card.features:
        raise ModelError(f"{folder}: the model's features differ from its card's feature list")
    if checked.max_abs_raw_score > params.max_abs_raw_score:
        raise ModelError(f"{model_path}: its trees can sum to a raw score of "
                         f"{checked.max_abs_raw_score:.3g} (at most {params.max_abs_raw_score})")
    expected = model_version(text, card)
    if card.version != expected:
        raise ModelError(f"{folder}: the card says version {card.version!r} but the model and card "
                         f"make {expected!r}: one of them was changed after training")
    try:
        booster = lgb.Booster(model_str=text)
    except Exception as exc:  # LightGBM's errors and its Python side's: all mean "unusable"
        raise ModelError(f"{model_path}: not a usable LightGBM text model ({exc})") from exc
    if booster.num_trees() != checked.trees or list(booster.feature_name()) != card.features:
        raise ModelError(f"{model_path}: LightGBM read the model differently from its check")
    return Model(booster, card)


def check_calibration(calibration: dict[str, float], where: str,
                      params: ModelCheckParams = ModelCheckParams()) -> None:
    """Raise :class:`ModelError` unless the Platt calibration (a, b) is finite and in range."""
    a, b = calibration["a"], calibration["b"]
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ModelError(f"{where}: calibration a={a}, b={b} is not finite")
    if not 0.0 < a <= params.max_calibration_slope:
        raise ModelError(f"{where}: calibration slope a={a} is outside "
                         f"(0, {params.max_calibration_slope}]")
    if abs(b) > params.max_abs_calibration_intercept:
        raise ModelError(f"{where}: calibration intercept b={b} is outside "
                         f"[-{params.max_abs_calibration_intercept}, "
                         f"{params.max_abs_calibration_intercept}]")


def card_from_json(text: str, where: str) -> ModelCard:
    """A model card from its JSON, every field of its type, or :class:`ModelError`."""
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ModelError(f"{where}: not a valid model card (not JSON: {exc})") from exc
    if not isinstance(raw, dict):
        raise ModelError(f"{where}: not a valid model card (not a JSON object)")
    names = {f.name for f in fields(ModelCard)}
    required = {f.name for f in fields(ModelCard)
                if f.default is MISSING and f.default_factory is MISSING}
    unknown = sorted(set(raw) - names)
    missing = sorted(required - set(raw))
    if unknown or missing:
        raise ModelError(f"{where}: not a valid model card (missing {missing}, unknown {unknown})")
    for name, value in raw.items():
        description, ok = _CARD_FIELDS[name]
        if not ok(value):
            raise ModelError(f"{where}: card field {name!r} must be {description}")
    return ModelCard(**raw)


def _read(path: Path) -> str:
    """A file's text, UTF-8, line ends kept as they are (the digest is over the exact text)."""
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, float) or _is_int(value)


def _dict_of(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, dict) and all(isinstance(k, str) and check(x)
                                                 for k, x in v.items())


def _list_of_str(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


_CARD_FIELDS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "version": ("text", lambda v: isinstance(v, str)),
    "features": ("a non-empty list of distinct names",
                 lambda v: _list_of_str(v) and len(v) > 0 and len(set(v)) == len(v)),
    "training_window": ("an object of dates, with last_outcome_date",
                        lambda v: _dict_of(lambda x: isinstance(x, str))(v)
                        and "last_outcome_date" in v),
    "data_sizes": ("an object of whole numbers", _dict_of(_is_int)),
    "metrics": ("an object of numbers or nulls", _dict_of(lambda x: x is None or _is_number(x))),
    "baseline": ("an object", lambda v: isinstance(v, dict)),
    "calibration": ("an object with exactly the numbers a and b",
                    lambda v: isinstance(v, dict) and set(v) == {"a", "b"}
                    and all(_is_number(x) for x in v.values())),
    "params": ("an object", lambda v: isinstance(v, dict)),
    "seed": ("a whole number", _is_int),
    "versions": ("an object of texts", _dict_of(lambda x: isinstance(x, str))),
    "notes": ("a list of texts", _list_of_str),
    "demonstration": ("true or false", lambda v: isinstance(v, bool)),
    "bands": ("an object", lambda v: isinstance(v, dict)),
}
