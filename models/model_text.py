"""Check a LightGBM text model in Python before LightGBM reads it.

LightGBM trusts its model text: a child index out of range reads outside its arrays (a segfault),
a child that points back up the tree makes prediction loop forever, an array shorter than its
tree says aborts the process from inside a parallel parser, and wrong ``tree_sizes`` do too. None
of that can be caught once LightGBM has the text, so :func:`check_model_text` reads the whole
text first and raises :class:`ModelError` unless it is a model of the shape this product trains
and uses: a binary objective, one tree per iteration, and every tree a proper binary tree
(every node reachable from the root exactly once) whose arrays have the lengths, value types and
index ranges LightGBM will assume. Linear trees are refused (the product never trains them).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from vessel_risk.common.errors import ModelError

_INT = re.compile(r"-?\d+")
_FLOAT = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_OBJECTIVE = re.compile(r"binary(?: sigmoid:(?P<sigmoid>\S+))?")
_TREES_END = "end of trees"
_PARAMETERS_END = "end of parameters"
_PANDAS_CATEGORICAL = "pandas_categorical:"
# decision_type bits: 1 categorical, 2 default left, 4-8 the missing-value type (0, 1 or 2)
_CATEGORICAL_BIT = 1
_DECISION_BITS = 0b1111
_MISSING_TYPES = 3
# What a v4 text model states for every tree with at least one split: one value per internal
# node, or per leaf for the _LEAF_ARRAYS.
_INT_ARRAYS = ("split_feature", "decision_type", "left_child", "right_child", "internal_count",
               "leaf_count")
_FLOAT_ARRAYS = ("split_gain", "threshold", "internal_value", "internal_weight", "leaf_weight")
_LEAF_ARRAYS = ("leaf_weight", "leaf_count")


@dataclass(frozen=True)
class ModelText:
    """What the check read: the feature names, the number of trees, and the largest raw score
    (log-odds) any input can get, the sum over trees of each tree's largest absolute leaf."""

    features: list[str]
    trees: int
    max_abs_raw_score: float


def check_model_text(text: str, where: str) -> ModelText:
    """Raise :class:`ModelError` (naming ``where`` and what is wrong) unless ``text`` is a sound
    binary LightGBM text model; return what it says."""
    if "\r" in text:
        raise ModelError(f"{where}: has '\\r' line ends (LightGBM's tree_sizes and the version's "
                         "digest are over the text as written, with '\\n' line ends)")
    lines = text.split("\n")
    if not lines or lines[0] != "tree":
        raise ModelError(f"{where}: not a LightGBM text model (the first line is not 'tree')")
    try:
        first_tree = lines.index("Tree=0")
        trees_end = lines.index(_TREES_END)
    except ValueError:
        raise ModelError(f"{where}: no trees ('Tree=0' ... '{_TREES_END}')") from None
    header = _key_values(lines[1:first_tree], where, "header")
    features = _check_header(header, where)
    blocks = _tree_blocks(lines[first_tree:trees_end], where)
    sizes = _ints(header, "tree_sizes", where, "header")
    actual = [len("\n".join(block).encode("utf-8")) + 1 for block in blocks]
    if sizes != actual:
        raise ModelError(f"{where}: tree_sizes do not match the trees' text (LightGBM locates "
                         "each tree by them)")
    largest = 0.0
    for number, block in enumerate(blocks):
        largest += _check_tree(block, number, len(features), where)
    _check_tail(lines[trees_end + 1 :], where)
    return ModelText(features, len(blocks), largest)


def _key_values(lines: list[str], where: str, part: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in lines:
        if not line:
            continue
        key, equals, value = line.partition("=")
        if not equals or key in values:
            raise ModelError(f"{where}: {part}: malformed or repeated line {line[:60]!r}")
        values[key] = value
    return values


def _check_header(header: dict[str, str], where: str) -> list[str]:
    for key in ("version", "num_class", "num_tree_per_iteration", "max_feature_idx", "objective",
                "feature_names", "feature_infos", "tree_sizes"):
        if key not in header:
            raise ModelError(f"{where}: header: no {key}")
    if header["num_class"] != "1" or header["num_tree_per_iteration"] != "1":
        raise ModelError(f"{where}: not a binary model (num_class {header['num_class']!r}, "
                         f"num_tree_per_iteration {header['num_tree_per_iteration']!r})")
    objective = _OBJECTIVE.fullmatch(header["objective"])
    if objective is None or (objective["sigmoid"] is not None and not (
            _FLOAT.fullmatch(objective["sigmoid"]) and 0 < float(objective["sigmoid"]) < math.inf)):
        raise ModelError(f"{where}: objective {header['objective'][:60]!r} is not binary")
    (max_index,) = _ints(header, "max_feature_idx", where, "header")
    features = header["feature_names"].split(" ")
    infos = header["feature_infos"].split(" ")
    if max_index < 0 or len(features) != max_index + 1 or len(infos) != max_index + 1:
        raise ModelError(f"{where}: header: {len(features)} feature names and {len(infos)} "
                         f"feature infos for max_feature_idx {max_index}")
    return features


def _tree_blocks(lines: list[str], where: str) -> list[list[str]]:
    """The lines of each tree, from its 'Tree=i' to the blank line after it (inclusive)."""
    starts = [i for i, line in enumerate(lines) if line.startswith("Tree=")]
    blocks = [lines[a:b] for a, b in zip(starts, [*starts[1:], len(lines)])]
    for number, block in enumerate(blocks):
        if block[0] != f"Tree={number}":
            raise ModelError(f"{where}: tree {number} is headed {block[0][:30]!r}")
    return blocks


def _check_tree(block: list[str], number: int, n_features: int, where: str) -> float:
    """Check one tree; return its largest absolute leaf value."""
    part = f"tree {number}"
    tree = _key_values(block[1:], where, part)
    n_leaves = _one(_ints(tree, "num_leaves", where, part), "num_leaves", where, part)
    n_cat = _one(_ints(tree, "num_cat", where, part), "num_cat", where, part)
    if tree.get("is_linear", "0") != "0":
        raise ModelError(f"{where}: {part}: linear trees are not supported")
    if n_leaves < 1 or n_cat < 0:
        raise ModelError(f"{where}: {part}: num_leaves {n_leaves}, num_cat {n_cat}")
    shrinkage = _one(_floats(tree, "shrinkage", where, part), "shrinkage", where, part)
    leaves = _floats(tree, "leaf_value", where, part)
    if len(leaves) != n_leaves or not all(math.isfinite(v) for v in [*leaves, shrinkage]):
        raise ModelError(f"{where}: {part}: leaf values must be {n_leaves} finite numbers")
    if n_leaves == 1:  # a single leaf: LightGBM reads nothing else of it
        return abs(leaves[0])
    ints = {key: _ints(tree, key, where, part) for key in _INT_ARRAYS}
    floats = {key: _floats(tree, key, where, part) for key in _FLOAT_ARRAYS}
    lengths = {key: len(v) for key, v in ints.items()} | {key: len(v) for key, v in floats.items()}
    for key, length in lengths.items():
        expected = n_leaves if key in _LEAF_ARRAYS else n_leaves - 1
        if length != expected:
            raise ModelError(f"{where}: {part}: {key} has {length} values, not {expected}")
    if not all(0 <= f < n_features for f in ints["split_feature"]):
        raise ModelError(f"{where}: {part}: a split feature index is outside 0..{n_features - 1}")
    if any(c < 0 for c in [*ints["leaf_count"], *ints["internal_count"]]):
        raise ModelError(f"{where}: {part}: a negative data count")
    _check_decisions(tree, ints["decision_type"], floats["threshold"], n_cat, where, part)
    _check_structure(ints["left_child"], ints["right_child"], n_leaves, where, part)
    return max(abs(v) for v in leaves)


def _one(values: list[int] | list[float], key: str, where: str, part: str) -> Any:
    if len(values) != 1:
        raise ModelError(f"{where}: {part}: {key} is not one number")
    return values[0]


def _check_decisions(tree: dict[str, str], decisions: list[int], thresholds: list[float],
                     n_cat: int, where: str, part: str) -> None:
    """Decision types are valid bit sets; categorical splits point into the category lists."""
    if n_cat:
        boundaries = _ints(tree, "cat_boundaries", where, part)
        categories = _ints(tree, "cat_threshold", where, part)
        if (len(boundaries) != n_cat + 1 or boundaries[0] != 0
                or any(b > a for b, a in zip(boundaries, boundaries[1:]))
                or boundaries[-1] != len(categories) or any(t < 0 for t in categories)):
            raise ModelError(f"{where}: {part}: malformed categorical split lists")
    for decision, threshold in zip(decisions, thresholds):
        if math.isnan(threshold):
            raise ModelError(f"{where}: {part}: a threshold is not a number")
        if decision & ~_DECISION_BITS or (decision >> 2) & 3 >= _MISSING_TYPES:
            raise ModelError(f"{where}: {part}: decision_type {decision} is not valid")
        if decision & _CATEGORICAL_BIT and not (
                threshold == int(threshold) and 0 <= int(threshold) < n_cat):
            raise ModelError(f"{where}: {part}: a categorical split points outside its lists")


def _check_structure(left: list[int], right: list[int], n_leaves: int, where: str,
                     part: str) -> None:
    """Every node and leaf is reached from the root exactly once: a proper binary tree.

    A child c >= 0 is internal node c; c < 0 is leaf ~c (LightGBM's encoding).
    """
    n_nodes = n_leaves - 1
    seen_nodes, seen_leaves = [False] * n_nodes, [False] * n_leaves
    seen_nodes[0] = True
    stack = [0]
    while stack:
        node = stack.pop()
        for child in (left[node], right[node]):
            if 0 <= child < n_nodes and not seen_nodes[child]:
                seen_nodes[child] = True
                stack.append(child)
            elif -n_leaves <= child < 0 and not seen_leaves[~child]:
                seen_leaves[~child] = True
            else:
                raise ModelError(f"{where}: {part}: node {node} has child {child}, which is out "
                                 "of range or reached twice (LightGBM would crash or loop)")
    if not (all(seen_nodes) and all(seen_leaves)):
        raise ModelError(f"{where}: {part}: some nodes or leaves are not reachable from the root")


def _check_tail(lines: list[str], where: str) -> None:
    """After the trees: LightGBM's parameter block and the Python package's last line."""
    if _PARAMETERS_END not in lines:
        raise ModelError(f"{where}: no '{_PARAMETERS_END}' after the trees")
    last = next((line for line in reversed(lines) if line), "")
    if not last.startswith(_PANDAS_CATEGORICAL):
        raise ModelError(f"{where}: the last line is not '{_PANDAS_CATEGORICAL}...'")
    try:
        categorical = json.loads(last[len(_PANDAS_CATEGORICAL):])
    except (ValueError, RecursionError):
        categorical = ()
    if categorical is not None and not isinstance(categorical, list):
        raise ModelError(f"{where}: unreadable {_PANDAS_CATEGORICAL} line")


def _ints(values: dict[str, str], key: str, where: str, part: str) -> list[int]:
    return [int(token) for token in _tokens(values, key, _INT, where, part)]


def _floats(values: dict[str, str], key: str, where: str, part: str) -> list[float]:
    return [float(token) for token in _tokens(values, key, _FLOAT, where, part)]


def _tokens(values: dict[str, str], key: str, pattern: re.Pattern[str], where: str,
            part: str) -> list[str]:
    """The space-separated numbers of ``key``, written as LightGBM writes them (one space apart,
    no inf or nan), or a :class:`ModelError`."""
    if key not in values:
        raise ModelError(f"{where}: {part}: no {key}")
    text = values[key]
    tokens = text.split(" ") if text else []
    if not all(pattern.fullmatch(token) for token in tokens):
        raise ModelError(f"{where}: {part}: {key} holds something that is not a number")
    return tokens
