"""Minimal valid instances of any record model, for codec and schema tests."""

from __future__ import annotations

import typing
from typing import Any, Literal

from pydantic import BaseModel

from schemas.envelope import Envelope, Record

ENVELOPE = Envelope(
    event_id="01JDQ3Z8M4X7K2N5P9R1T3V6W8",
    type="t",
    schema_version=1,
    occurred_at=1_700_000_000_000_000,
    recorded_at=1_700_000_000_000_100,
    producer="test",
    key="k",
    correlation_id="c",
)


def _value(annotation: Any) -> Any:
    if annotation is int:
        return 7
    if annotation is str:
        return "x"
    if annotation is bool:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        # Defaults stand (a part may check its optional fields against each other).
        fields = annotation.model_fields.items()
        return annotation(**{n: _value(i.annotation) for n, i in fields if i.is_required()})
    if typing.get_origin(annotation) is list:
        return [_value(typing.get_args(annotation)[0])]
    if typing.get_origin(annotation) is Literal:
        return typing.get_args(annotation)[0]
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if args:
        return _value(args[0])
    raise TypeError(annotation)


def sample(model: type[Record]) -> Record:
    if model.schema_name.startswith("onelog.music."):
        # Its countries, release dates and catalog keys refuse "x".
        from tests.unit.schemas.music.music_samples import music_sample

        return music_sample(model)
    fields = {
        name: _value(info.annotation)
        for name, info in model.model_fields.items()
        if name != "envelope"
    }
    envelope = ENVELOPE.model_copy(update={"type": model.schema_name})
    return model(envelope=envelope, **fields)
