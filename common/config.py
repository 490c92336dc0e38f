"""Settings from a TOML file: generic over nested frozen dataclasses.

A TOML table is a dataclass field whose type is a dataclass; a key is any other field. Nothing is
listed by hand, so a ``...Params`` field added to a detector is settable the day it is added::

    lookback_days = 10

    [detection.gaps]
    min_gap_h = 8.0

Every key is checked against the field it sets: an unknown key, a value of the wrong type, a
number that is not finite or is negative (every threshold in the product is a count, a share, a
duration or a distance), or a value the dataclass itself refuses names the key in a
:class:`ConfigError`. Keys left out keep their defaults.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from vessel_risk.common.errors import ConfigError

T = TypeVar("T")

# A field that may legitimately be negative says so in its metadata:
#     offset_h: float = field(default=0.0, metadata={ALLOW_NEGATIVE: True})
ALLOW_NEGATIVE = "allow_negative"


def read_toml(path: Path) -> dict[str, Any]:
    """The file's TOML as a dict; a missing or malformed file is a :class:`ConfigError`."""
    try:
        with Path(path).open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def apply(base: T, values: Mapping[str, Any], where: str = "") -> T:
    """``base`` (a dataclass instance) with ``values`` set on it, checked field by field.

    ``where`` is the dotted name of the table ``values`` belongs to, for errors.
    """
    cls = type(base)
    if not isinstance(values, Mapping):
        raise ConfigError(f"{where or 'settings'}: expected a table, got {_shown(values)}")
    known = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    hints = typing.get_type_hints(cls)
    changes: dict[str, Any] = {}
    for key, raw in values.items():
        name = _join(where, key)
        if key not in known:
            raise ConfigError(f"unknown setting {name!r}; known here: {', '.join(sorted(known))}")
        current = getattr(base, key)
        changes[key] = _convert(hints[key], raw, name, current, known[key])
    try:
        return dataclasses.replace(base, **changes)  # type: ignore[type-var]
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}" if where else str(exc)) from exc
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where or 'settings'}: invalid value: {exc}") from exc


def as_dict(settings: Any) -> dict[str, Any]:
    """Every field, nested tables as dicts: JSON-ready, to record with a run."""
    return dataclasses.asdict(settings)


def differences(settings: Any, defaults: Any, where: str = "") -> dict[str, Any]:
    """Dotted key -> value for every field of ``settings`` that differs from ``defaults``."""
    found: dict[str, Any] = {}
    for f in dataclasses.fields(settings):
        mine, theirs = getattr(settings, f.name), getattr(defaults, f.name)
        name = _join(where, f.name)
        if dataclasses.is_dataclass(mine) and not isinstance(mine, type):
            found.update(differences(mine, theirs, name))
        elif mine != theirs:
            found[name] = mine
    return found


def unflatten(dotted: Mapping[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1}`` -> ``{"a": {"b": 1}}`` (command-line overrides use dotted keys)."""
    nested: dict[str, Any] = {}
    for key, value in dotted.items():
        *tables, last = key.split(".")
        here = nested
        for table in tables:
            here = here.setdefault(table, {})
        here[last] = value
    return nested


def _convert(hint: Any, raw: Any, name: str, current: Any, fld: dataclasses.Field[Any]) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return apply(current, raw, name)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(options) == 1:
            return _convert(options[0], raw, name, current, fld)
        for option in options:
            try:
                return _convert(option, raw, name, current, fld)
            except ConfigError:
                continue
        raise ConfigError(f"{name}: {_shown(raw)} is none of {hint}")
    if origin is typing.Literal:
        if raw not in typing.get_args(hint):
            allowed = ", ".join(repr(a) for a in typing.get_args(hint))
            raise ConfigError(f"{name}: {_shown(raw)} is not one of {allowed}")
        return raw
    if origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(raw, list):
            raise ConfigError(f"{name}: expected a list, got {_shown(raw)}")
        item = args[0] if len(args) == 2 and args[1] is Ellipsis else None
        if item is None and len(args) != len(raw):
            raise ConfigError(f"{name}: expected {len(args)} items, got {len(raw)}")
        return tuple(
            _convert(item or args[i], v, f"{name}[{i}]", None, fld) for i, v in enumerate(raw)
        )
    if hint is bool:
        if not isinstance(raw, bool):
            raise ConfigError(f"{name}: expected true or false, got {_shown(raw)}")
        return raw
    if hint is int or hint is float:
        return _number(hint, raw, name, fld)
    if hint is str:
        if not isinstance(raw, str):
            raise ConfigError(f"{name}: expected a string, got {_shown(raw)}")
        return raw
    raise ConfigError(f"{name}: cannot be set from a config file (type {hint})")


def _number(kind: type, raw: Any, name: str, fld: dataclasses.Field[Any]) -> int | float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ConfigError(f"{name}: expected a number, got {_shown(raw)}")
    if kind is int and not isinstance(raw, int):
        raise ConfigError(f"{name}: expected a whole number, got {_shown(raw)}")
    if not math.isfinite(raw):
        raise ConfigError(f"{name}: must be a finite number, got {raw}")
    if raw < 0 and not fld.metadata.get(ALLOW_NEGATIVE, False):
        raise ConfigError(f"{name}: must not be negative, got {raw}")
    return kind(raw)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _shown(raw: Any) -> str:
    return f"{raw!r} ({type(raw).__name__})"
