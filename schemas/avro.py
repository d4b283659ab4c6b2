"""Avro schemas generated from pydantic record models: one source, no drift.

Mapping: int -> long, str -> string, bool -> boolean, bytes -> bytes,
Literal[...] of strings -> string (pydantic validates the choices; a string
lets a later version add a choice without breaking old readers),
X | None -> ["null", X], list[X] -> array, nested models -> named records.
A field with a default carries it into the schema, so adding one is compatible.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from schemas.envelope import Envelope, Record

AvroSchema = dict[str, Any]

_PRIMITIVES: dict[type, str] = {int: "long", str: "string", bool: "boolean", bytes: "bytes"}


def _avro_type(annotation: Any, named: set[str]) -> Any:
    if annotation in _PRIMITIVES:
        return _PRIMITIVES[annotation]
    origin = typing.get_origin(annotation)
    if origin is Literal:
        values = typing.get_args(annotation)
        if not all(isinstance(v, str) for v in values):
            raise TypeError(f"only string literals map to Avro: {annotation}")
        return "string"
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1 or len(typing.get_args(annotation)) != 2:
            raise TypeError(f"only X | None unions map to Avro: {annotation}")
        return ["null", _avro_type(args[0], named)]
    if origin is list:
        (item,) = typing.get_args(annotation)
        return {"type": "array", "items": _avro_type(item, named)}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _record(annotation, _nested_name(annotation), named)
    raise TypeError(f"no Avro mapping for {annotation!r}")


def _nested_name(model: type[BaseModel]) -> str:
    if model is Envelope:
        return "onelog.Envelope"
    return f"onelog.{model.__name__}"


def _record(model: type[BaseModel], name: str, named: set[str]) -> Any:
    if name in named:
        return name
    named.add(name)
    fields = []
    for field_name, info in model.model_fields.items():
        field: dict[str, Any] = {"name": field_name, "type": _avro_type(info.annotation, named)}
        if info.default is not PydanticUndefined:
            default = info.default
            if isinstance(field["type"], list) and default is not None:
                # Avro: a union's default must match its first branch.
                field["type"] = [field["type"][1], "null"]
            field["default"] = default
        if info.description:
            field["doc"] = info.description
        fields.append(field)
    schema: AvroSchema = {"type": "record", "name": name, "fields": fields}
    if model.__doc__ and model is not Record and model.__doc__ != BaseModel.__doc__:
        schema["doc"] = " ".join(model.__doc__.split())
    return schema


def avro_schema(model: type[Record]) -> AvroSchema:
    """The Avro schema of a record model (the writer schema for its version)."""
    schema = _record(model, model.schema_name, set())
    if not isinstance(schema, dict):
        raise TypeError(f"{model.__name__} did not produce a record schema")
    return schema
