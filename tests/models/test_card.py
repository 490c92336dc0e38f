"""A model folder is verified before use: each malformed model here is one that used to crash,
hang or mis-score the process (#10.6), and must now be a ModelError before LightGBM sees it."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.models.builders import training_rows
from vessel_risk.common.errors import ModelError
from vessel_risk.flows.settings import DEFAULT_MODEL
from vessel_risk.models import card as card_module
from vessel_risk.models.card import (
    CARD_FILE,
    MODEL_FILE,
    ModelCard,
    card_from_json,
    load_model,
    model_version,
    save_model,
)
from vessel_risk.models.score import score_features
from vessel_risk.models.train import TrainParams, train_model

DEFAULT_TEXT = (DEFAULT_MODEL / MODEL_FILE).read_text(encoding="utf-8")
DEFAULT_CARD = json.loads((DEFAULT_MODEL / CARD_FILE).read_text(encoding="utf-8"))


def _first_tree_line(key: str) -> str:
    """The ``key=...`` line of the shipped model's first tree, as LightGBM wrote it."""
    tree = DEFAULT_TEXT[DEFAULT_TEXT.index("\nTree=0"):]
    return re.search(rf"(?m)^{key}=.*$", tree).group(0)  # type: ignore[union-attr]


def _values(line: str) -> list[str]:
    return line.split("=", 1)[1].split()


def _line(key: str, values: list[str]) -> str:
    return f"{key}={' '.join(values)}"


LEFT, RIGHT = _first_tree_line("left_child"), _first_tree_line("right_child")
LEAVES = _first_tree_line("leaf_value")
SPLITS = _first_tree_line("split_feature")
DECISIONS = _first_tree_line("decision_type")
FIRST_LEAF = _values(LEAVES)[0]


def _tree(line: str, replacement: str) -> str:
    """The shipped model text with one line of its first tree replaced."""
    return DEFAULT_TEXT.replace(line, replacement, 1)


def _with_value(line: str, index: int, value: str) -> str:
    key, values = line.split("=", 1)[0], _values(line)
    values[index] = value
    return _line(key, values)


def with_tree_sizes(text: str) -> str:
    """``text`` with its tree_sizes header set to its trees' byte lengths (as LightGBM writes)."""
    if "\nTree=0" not in text or "end of trees" not in text:
        return text
    body = text[text.index("\nTree=0") + 1 : text.index("end of trees")]
    sizes = [len(block.encode()) for block in re.split(r"(?m)^(?=Tree=)", body) if block]
    return re.sub(r"(?m)^tree_sizes=.*$", "tree_sizes=" + " ".join(map(str, sizes)), text, count=1)


def write(folder: Path, text: str = DEFAULT_TEXT, card: Any = None, versioned: bool = True,
          sizes: bool = True) -> Path:
    """A model folder; by default its tree_sizes and version are made consistent with its
    content, as a careful tamperer would, so only the check under test can refuse it."""
    folder.mkdir(parents=True, exist_ok=True)
    text = with_tree_sizes(text) if sizes else text
    card = DEFAULT_CARD if card is None else card
    if versioned and isinstance(card, dict) and "training_window" in card:
        card = dict(card, version=model_version(text, ModelCard(**card)))
    (folder / MODEL_FILE).write_text(text, encoding="utf-8")
    (folder / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    return folder


@pytest.fixture
def no_lightgbm(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the model text reaches LightGBM."""
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the model text was handed to LightGBM")

    monkeypatch.setattr(card_module.lgb, "Booster", refuse)


def test_load_model_accepts_the_shipped_model_whose_version_is_its_digest() -> None:
    model = load_model(DEFAULT_MODEL)
    assert model.card.version == model_version(DEFAULT_TEXT, model.card) == DEFAULT_CARD["version"]
    assert model.booster.num_trees() == model.card.params["train"]["num_boost_round"]


def test_load_model_accepts_what_training_saves(tmp_path: Path) -> None:
    rows = training_rows()
    model = train_model(rows, TrainParams(num_boost_round=20))
    loaded = load_model(save_model(model, tmp_path / "m"))
    assert loaded.card.version == model.card.version
    text = (tmp_path / "m" / MODEL_FILE).read_text()
    assert loaded.card.version == model_version(text, replace(loaded.card, version=""))
    np.testing.assert_array_equal(score_features(rows, loaded)[0], score_features(rows, model)[0])


# --- malformed model text: refused before LightGBM reads it --------------------------------------

MALFORMED_TEXT = {
    # LightGBM 4.7: segfault (exit 139) on predict
    "child index out of range": (_tree(RIGHT, _with_value(RIGHT, 0, "200000000")),
                                 "child 200000000"),
    # LightGBM: predict loops forever
    "child pointing back to the root": (_tree(RIGHT, _with_value(RIGHT, 0, "0")), "child 0"),
    "leaf reached twice": (_tree(RIGHT, _with_value(RIGHT, -1, _values(LEFT)[-1])),
                           f"child {_values(LEFT)[-1]}"),
    "leaf out of range": (_tree(RIGHT, _with_value(RIGHT, -1, "-9")), "child -9"),
    # LightGBM: abort ("terminate called") while parsing
    "leaf array shorter than num_leaves": (_tree(LEAVES, LEAVES.rsplit(" ", 1)[0]),
                                           "leaf values"),
    "split feature out of range": (_tree(SPLITS, _with_value(SPLITS, -1, "2500")),
                                   "split feature"),
    "NaN leaf": (_tree(LEAVES, _with_value(LEAVES, 0, "nan")), "leaf_value"),
    "huge leaf": (_tree(LEAVES, _with_value(LEAVES, 0, "1e300")), "raw score"),
    "number LightGBM reads otherwise": (_tree(LEFT, _with_value(LEFT, -1, _values(LEFT)[-1] + "_0")),
                                        "not a number"),
    "decision type": (_tree(DECISIONS, _with_value(DECISIONS, -1, "77")), "decision_type"),
    "linear tree": (DEFAULT_TEXT.replace("is_linear=0", "is_linear=1", 1), "linear"),
    "not binary": (DEFAULT_TEXT.replace("num_class=1", "num_class=3", 1), "not a binary model"),
    "not a model": ("hello\n", "not a LightGBM text model"),
    "no end of trees": (DEFAULT_TEXT.replace("end of trees", "end of tree"), "no trees"),
    "CRLF line ends": (DEFAULT_TEXT.replace("\n", "\r\n"), "line ends"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_TEXT))
def test_load_model_refuses_malformed_model_text_before_lightgbm_reads_it(
    case: str, tmp_path: Path, no_lightgbm: None
) -> None:
    text, message = MALFORMED_TEXT[case]
    assert text != DEFAULT_TEXT
    with pytest.raises(ModelError, match=re.escape(message)):
        load_model(write(tmp_path / "m", text))


def test_load_model_refuses_wrong_tree_sizes(tmp_path: Path, no_lightgbm: None) -> None:
    # LightGBM locates trees by these sizes: a wrong one aborts the process while parsing.
    sizes = re.search(r"(?m)^tree_sizes=(\d+)", DEFAULT_TEXT).group(1)  # type: ignore[union-attr]
    text = DEFAULT_TEXT.replace(f"tree_sizes={sizes}", f"tree_sizes={int(sizes) + 1}", 1)
    with pytest.raises(ModelError, match="tree_sizes"):
        load_model(write(tmp_path / "m", text, sizes=False))


def test_load_model_refuses_model_file_that_is_not_utf8(tmp_path: Path) -> None:
    folder = write(tmp_path / "m")
    (folder / MODEL_FILE).write_bytes(b"tree\n\xff\xfe")
    with pytest.raises(ModelError, match="UTF-8"):
        load_model(folder)


# --- the card: types, calibration, digest ---------------------------------------------------------

BAD_CALIBRATION = {
    "NaN (every score NaN, banded low)": ({"a": float("nan"), "b": 0.0}, "not finite"),
    "infinite": ({"a": 1.0, "b": float("inf")}, "not finite"),
    "huge (every vessel high)": ({"a": 1e6, "b": 1e6}, "outside"),
    "huge intercept": ({"a": 0.5, "b": 40.0}, "outside"),
    "negative slope (ranking inverted)": ({"a": -0.5, "b": 0.0}, "outside"),
    "zero slope (every vessel the same)": ({"a": 0.0, "b": 0.0}, "outside"),
    "text (raw TypeError)": ({"a": "x", "b": 0.0}, "calibration"),
    "missing b (raw KeyError)": ({"a": 0.5}, "calibration"),
    "true is not a number": ({"a": True, "b": 0.0}, "calibration"),
}


@pytest.mark.parametrize("case", sorted(BAD_CALIBRATION))
def test_load_model_refuses_calibration_that_is_not_finite_or_in_range(
    case: str, tmp_path: Path, no_lightgbm: None
) -> None:
    calibration, message = BAD_CALIBRATION[case]
    with pytest.raises(ModelError, match=message):
        load_model(write(tmp_path / "m", card=dict(DEFAULT_CARD, calibration=calibration)))


BAD_CARD = {
    "not an object": ("[1, 2]", "not a JSON object"),
    "nested too deep (raw RecursionError)": ("[" * 100_000 + "]" * 100_000, "not JSON"),
    "not JSON": ("{", "not JSON"),
    "missing field (raw KeyError)": (json.dumps({k: v for k, v in DEFAULT_CARD.items()
                                                 if k != "seed"}), "missing ['seed']"),
    "unknown field": (json.dumps(dict(DEFAULT_CARD, owner="x")), "unknown ['owner']"),
    "features not a list": (json.dumps(dict(DEFAULT_CARD, features="gap_count")), "'features'"),
    "seed not whole": (json.dumps(dict(DEFAULT_CARD, seed=1.5)), "'seed'"),
    "window without last date": (json.dumps(dict(DEFAULT_CARD, training_window={})),
                                 "'training_window'"),
}


@pytest.mark.parametrize("case", sorted(BAD_CARD))
def test_card_from_json_refuses_wrong_shapes_and_types(case: str) -> None:
    text, message = BAD_CARD[case]
    with pytest.raises(ModelError, match=re.escape(message)):
        card_from_json(text, "model_card.json")


def test_load_model_refuses_model_changed_after_training(tmp_path: Path, no_lightgbm: None) -> None:
    # One leaf changed, the card (and its version) kept: it used to score with the old version.
    text = _tree(LEAVES, _with_value(LEAVES, 0, str(float(FIRST_LEAF) - 0.1)))
    with pytest.raises(ModelError, match="changed after training"):
        load_model(write(tmp_path / "m", text, versioned=False))


def test_load_model_refuses_card_changed_after_training(tmp_path: Path, no_lightgbm: None) -> None:
    card = dict(DEFAULT_CARD, notes=["trained on real boardings"])
    with pytest.raises(ModelError, match="changed after training"):
        load_model(write(tmp_path / "m", card=card, versioned=False))


def test_model_version_depends_on_text_and_card_but_not_on_version_field() -> None:
    card = ModelCard(**DEFAULT_CARD)
    assert model_version(DEFAULT_TEXT, card) == model_version(DEFAULT_TEXT, replace(card, version="x"))
    assert model_version(DEFAULT_TEXT + " ", card) != model_version(DEFAULT_TEXT, card)
    assert model_version(DEFAULT_TEXT, replace(card, seed=1)) != model_version(DEFAULT_TEXT, card)
    assert asdict(card) == DEFAULT_CARD


def test_every_card_field_has_a_type_check() -> None:
    assert set(card_module._CARD_FIELDS) == {f.name for f in fields(ModelCard)}
