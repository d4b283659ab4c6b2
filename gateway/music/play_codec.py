"""The play records' single-object encoding, written by hand: the hot half of
POST /v1/music/plays.

fastavro's schemaless writer takes about 13 µs for a PlayEnded; these
writers, compiled once from the same generated Avro schema, take a few. They
cover what the play records use (records, strings, longs, ints, booleans
and unions of null with one of those) and refuse any other schema when
compiled, so a record that grows another type fails at import, in the unit
tests, and never writes wrong bytes. A unit test holds the bytes equal to
SchemaRegistry.encode_fields' for every play record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from schemas.avro import avro_schema
from schemas.codec import MAGIC, fingerprint
from schemas.envelope import Record
from schemas.music.plays import PlayEnded, PlaySkipped, PlayStarted

Write = Callable[[bytearray, Any], None]


def _long(out: bytearray, n: int) -> None:
    n = (n << 1) ^ (n >> 63)  # zigzag
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _string(out: bytearray, text: str) -> None:
    data = text.encode()
    _long(out, len(data))
    out += data


def _boolean(out: bytearray, value: bool) -> None:
    out.append(1 if value else 0)


_PRIMITIVES: dict[str, Write] = {"string": _string, "long": _long, "int": _long,
                                 "boolean": _boolean}  # fmt: skip


def _nullable(write: Write, null_first: bool) -> Write:
    null, other = (0, 1) if null_first else (1, 0)

    def union(out: bytearray, value: Any) -> None:
        if value is None:
            out.append(null << 1)  # the branch index, zigzagged (0 -> 0, 1 -> 2)
        else:
            out.append(other << 1)
            write(out, value)

    return union


def _writer(schema: Any) -> Write:
    if isinstance(schema, str) and schema in _PRIMITIVES:
        return _PRIMITIVES[schema]
    if isinstance(schema, dict) and schema.get("type") == "record":
        return _record(schema)
    if isinstance(schema, dict) and isinstance(schema.get("type"), str | list | dict):
        return _writer(schema["type"])
    if isinstance(schema, list) and len(schema) == 2 and "null" in schema:
        other = schema[1] if schema[0] == "null" else schema[0]
        return _nullable(_writer(other), schema[0] == "null")
    raise TypeError(f"no hand-written writer for Avro type {schema!r}")


def _record(schema: Mapping[str, Any]) -> Write:
    fields = [(f["name"], _writer(f["type"])) for f in schema["fields"]]

    def record(out: bytearray, value: Mapping[str, Any]) -> None:
        for name, write in fields:
            write(out, value[name])

    return record


def _compiled(model: type[Record]) -> tuple[bytes, Write]:
    schema = avro_schema(model)
    return MAGIC + fingerprint(schema), _record(schema)


_WRITERS: dict[type[Record], tuple[bytes, Write]] = {
    model: _compiled(model) for model in (PlayStarted, PlayEnded, PlaySkipped)
}


def encode_play(model: type[Record], fields: Mapping[str, Any]) -> bytes:
    """The record, single-object encoded, from its fields (the envelope a dict)."""
    header, write = _WRITERS[model]
    out = bytearray(header)
    write(out, fields)
    return bytes(out)
