"""Valid instances of the music records for codec and schema tests: the
shared samples (tests/unit/schemas/samples.py) write "x" for every string,
which a country, a release date, a week or a catalog key refuses."""

from __future__ import annotations

import typing
from typing import Any, Literal

from pydantic import BaseModel

from schemas.envelope import Record
from schemas.music.ids import catalog_id
from tests.unit.schemas.samples import ENVELOPE

# A string field whose pattern "x" does not match, by name: a value it takes.
_BY_NAME = {"country": "SE", "release_date": "1977-05-25", "week": "2026-W48"}


def _value(name: str, annotation: Any) -> Any:
    if name in _BY_NAME:
        return _BY_NAME[name]
    if annotation is int:
        return 7
    if annotation is str:
        return "x"
    if annotation is bool:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation(**_fields(annotation))
    if typing.get_origin(annotation) is list:
        return [_value(name, typing.get_args(annotation)[0])]
    if typing.get_origin(annotation) is Literal:
        return typing.get_args(annotation)[0]
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if args:
        return _value(name, args[0])
    raise TypeError(annotation)


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    fields = {
        name: _value(name, info.annotation)
        for name, info in model.model_fields.items()
        if name != "envelope"
    }
    if "catalog_id" in fields:
        kind = fields.get("kind") or model.__name__.removesuffix("Published").lower()
        fields["catalog_id"] = catalog_id(kind, fields.get("entry_id") or fields[f"{kind}_id"])
    return fields


def music_sample(model: type[Record]) -> Record:
    envelope = ENVELOPE.model_copy(update={"type": model.schema_name})
    return model(envelope=envelope, **_fields(model))
