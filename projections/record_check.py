"""Is a decoded record valid? Answered without building its pydantic model.

A record's Avro schema is generated from its model (schemas/avro.py), so a
body that decodes already has every field, no other field, and the right
primitive types. What the schema cannot say, pydantic checks: the choices of
a Literal, numeric bounds such as `gt=0`, lengths (`max_length`) and anchored
patterns of strings. `check_for(model)` returns a
function that tests only those, or None when the model has anything it does
not understand (validators, other constraints): then the caller runs
pydantic itself.

The check is only trusted to say "valid". When it objects, the caller still
asks pydantic, so a dead letter's reason is pydantic's own words.
"""

from __future__ import annotations

import operator
import re
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, Union

import annotated_types
from pydantic import BaseModel

Check = Callable[[Any], bool]

_PRIMITIVES = (int, str, bool, bytes)
# Each bound's class: the attribute holding its limit, and the comparison.
_BOUNDS: dict[type, tuple[str, Callable[[Any, Any], bool]]] = {
    annotated_types.Gt: ("gt", operator.gt),
    annotated_types.Ge: ("ge", operator.ge),
    annotated_types.Lt: ("lt", operator.lt),
    annotated_types.Le: ("le", operator.le),
}


class _Unsupported(Exception):
    """The model says something the check does not know how to test."""


@cache
def check_for(model: type[BaseModel]) -> Callable[[dict[str, Any]], bool] | None:
    """A function telling whether a decoded dict satisfies `model`, or None."""
    try:
        return _model_check(model)
    except _Unsupported:
        return None


def _model_check(model: type[BaseModel]) -> Callable[[dict[str, Any]], bool]:
    checks = _field_checks(model)

    def valid(value: dict[str, Any]) -> bool:
        # A loop, not all(<generator>): this runs once per replayed record.
        for name, check in checks:  # noqa: SIM110
            if not check(value[name]):
                return False
        return True

    return valid


def _field_checks(model: type[BaseModel]) -> list[tuple[str, Check]]:
    """The checks a model's fields need beyond their Avro types (often none)."""
    decorators = model.__pydantic_decorators__
    if any(
        (
            decorators.validators,
            decorators.field_validators,
            decorators.root_validators,
            decorators.model_validators,
        )
    ):
        raise _Unsupported(model.__name__)
    if model.model_config.get("strict") or model.model_config.get("extra") != "forbid":
        raise _Unsupported(model.__name__)
    checks: list[tuple[str, Check]] = []
    for name, info in model.model_fields.items():
        check = _type_check(info.annotation)
        constraints = [_constraint_check(meta, info.annotation) for meta in info.metadata]
        if constraints:
            check = _all_of(check, constraints)
        if check is not None:
            checks.append((name, check))
    return checks


def _constraint_check(meta: Any, annotation: Any) -> Check:
    inner = _optional_of(annotation)
    if inner is not None:
        # pydantic applies a constraint on `X | None` to an X only.
        check = _constraint_check(meta, inner)
        return lambda value: value is None or check(value)
    sized = annotation is str or typing.get_origin(annotation) is list
    if type(meta) in _BOUNDS and annotation is int:
        return _bound_check(meta)
    if isinstance(meta, annotated_types.MaxLen) and sized:
        limit = meta.max_length
        return lambda value: len(value) <= limit
    if isinstance(meta, annotated_types.MinLen) and sized:
        least = meta.min_length
        return lambda value: len(value) >= least
    pattern = getattr(meta, "pattern", None)
    if isinstance(pattern, str) and annotation is str and _only_pattern(meta):
        # Anchored at both ends, pydantic's search and fullmatch agree (and
        # fullmatch refuses a trailing newline that Python's `$` would allow).
        if not (pattern.startswith("^") and pattern.endswith("$")):
            raise _Unsupported(f"unanchored pattern {pattern!r}")
        compiled = re.compile(pattern)
        return lambda value: compiled.fullmatch(value) is not None
    raise _Unsupported(f"{meta!r} on {annotation!r}")


def _optional_of(annotation: Any) -> Any:
    """X for `X | None` (int or str), else None."""
    if typing.get_origin(annotation) not in (Union, types.UnionType):
        return None
    args = typing.get_args(annotation)
    inner = [a for a in args if a is not type(None)]
    if len(args) == 2 and len(inner) == 1 and inner[0] in (int, str):
        return inner[0]
    return None


def _only_pattern(meta: Any) -> bool:
    """pydantic's general metadata carries every Field constraint it set."""
    return {k for k, v in vars(meta).items() if v is not None} == {"pattern"}


def _type_check(annotation: Any) -> Check | None:
    """None: the Avro type alone guarantees what pydantic would accept."""
    if annotation in _PRIMITIVES:
        return None
    origin = typing.get_origin(annotation)
    if origin is Literal:
        choices = frozenset(typing.get_args(annotation))
        if not all(isinstance(c, str) for c in choices):
            raise _Unsupported(repr(annotation))
        return choices.__contains__
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1 or len(typing.get_args(annotation)) != 2:
            raise _Unsupported(repr(annotation))
        inner = _type_check(args[0])
        if inner is None:
            return None
        return lambda value: value is None or inner(value)
    if origin is list:
        (item,) = typing.get_args(annotation)
        each = _type_check(item)
        if each is None:
            return None  # Avro already shaped every item
        return lambda value: all(each(v) for v in value)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not _field_checks(annotation):
            return None  # a nested record (the envelope) Avro already shaped
        nested = _model_check(annotation)
        return lambda value: isinstance(value, dict) and nested(value)
    raise _Unsupported(repr(annotation))


def _bound_check(meta: Any) -> Check:
    attribute, compare = _BOUNDS[type(meta)]
    limit = getattr(meta, attribute)
    return lambda value: bool(compare(value, limit))


def _all_of(first: Check | None, rest: list[Check]) -> Check:
    checks = ([first] if first is not None else []) + rest
    return lambda value: all(check(value) for check in checks)
