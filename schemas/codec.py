"""Avro single-object encoding: C3 01, the writer schema's 8-byte CRC-64-AVRO
fingerprint (little-endian), then the Avro binary body.

A record names its own schema, so a reader that has the `_schemas` topic (or
this registry) decodes any record without anything else. fastavro gives the
canonical form and schemaless read/write; the framing is ours. Reading goes
through a function made for each current schema first (schemas/avro_reader.py,
several times cheaper per field); fastavro reads whatever that does not, and
its answer or error stands.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any

import fastavro
from fastavro.schema import fingerprint as _fastavro_fingerprint
from fastavro.schema import to_parsing_canonical_form
from pydantic import ValidationError

from schemas.avro import AvroSchema, avro_schema
from schemas.avro_reader import Reader, compile_reader
from schemas.envelope import Record

MAGIC = b"\xc3\x01"
HEADER_SIZE = 10

_OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>")


def canonical_form(schema: AvroSchema) -> str:
    return str(to_parsing_canonical_form(schema))


def fingerprint(schema: AvroSchema) -> bytes:
    """The 8 bytes that name a schema in a single-object encoded record."""
    # fastavro prints the fingerprint as hex of its little-endian bytes, the
    # byte order single-object encoding wants.
    return bytes.fromhex(_fastavro_fingerprint(canonical_form(schema), "CRC-64-AVRO"))


class DecodeError(ValueError):
    """A record that cannot be decoded; `reason` says why, for the dead-letter topic."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class _Known:
    writer: Any  # parsed writer schema
    reader: Any | None  # parsed current schema when the writer is an older version
    model: type[Record]
    schema: AvroSchema
    fast: Reader | None = None  # the generated reader, when it covers the schema


class SchemaRegistry:
    """The schemas this process can write and read, by fingerprint.

    `fast_readers=False` reads with fastavro alone: the reference the
    generated readers are tested against."""

    def __init__(self, fast_readers: bool = True) -> None:
        self._fast_readers = fast_readers
        self._by_fingerprint: dict[bytes, _Known] = {}
        self._by_model: dict[type[Record], tuple[bytes, Any]] = {}
        self._by_name: dict[str, type[Record]] = {}

    def register(self, model: type[Record]) -> bytes:
        schema = avro_schema(model)
        parsed = fastavro.parse_schema(schema)
        fp = fingerprint(schema)
        fast = compile_reader(schema) if self._fast_readers else None
        self._by_fingerprint[fp] = _Known(parsed, None, model, schema, fast)
        self._by_model[model] = (fp, parsed)
        self._by_name[model.schema_name] = model
        return fp

    def register_previous(self, schema: AvroSchema) -> bytes:
        """A writer schema of an older version: read it into the current model."""
        model = self._by_name[schema["name"]]
        fp = fingerprint(schema)
        current = self._by_fingerprint[self._by_model[model][0]]
        self._by_fingerprint[fp] = _Known(
            fastavro.parse_schema(schema), current.writer, model, schema
        )
        return fp

    def model(self, schema_name: str) -> type[Record]:
        return self._by_name[schema_name]

    def models(self) -> list[type[Record]]:
        return list(self._by_name.values())

    def schemas(self) -> list[tuple[bytes, AvroSchema]]:
        return [(fp, known.schema) for fp, known in self._by_fingerprint.items()]

    def schema_of(self, fp: bytes) -> AvroSchema:
        return self._by_fingerprint[fp].schema

    def encode(self, record: Record) -> bytes:
        return self.encode_fields(type(record), record.model_dump(mode="python"))

    def encode_fields(self, model: type[Record], fields: dict[str, Any]) -> bytes:
        """`encode` of a record given as its model and plain fields (the
        envelope a dict too), without building the model: for callers whose
        fields are valid by construction (the stages' facts)."""
        fp, parsed = self._by_model[model]
        out = io.BytesIO()
        out.write(MAGIC)
        out.write(fp)
        fastavro.schemaless_writer(out, parsed, fields)
        return out.getvalue()

    def decode_dict(self, data: bytes) -> tuple[type[Record], dict[str, Any], bytes]:
        """Decode to a plain dict (no model validation): the archive's path."""
        if len(data) < HEADER_SIZE or data[:2] != MAGIC:
            raise DecodeError("not Avro single-object encoded (missing C3 01 header)")
        fp = bytes(data[2:HEADER_SIZE])
        known = self._by_fingerprint.get(fp)
        if known is None:
            raise DecodeError(f"unknown writer schema fingerprint {fp.hex()}")
        if known.fast is not None:
            try:
                fast_value, end = known.fast(data, HEADER_SIZE)
            except Exception:  # anything odd: fastavro's value or error stands
                pass
            else:
                if end == len(data):
                    return known.model, fast_value, fp
        body = io.BytesIO(data[HEADER_SIZE:])
        try:
            value = fastavro.schemaless_reader(body, known.writer, known.reader)
        except Exception as exc:  # fastavro raises many kinds on garbage
            # Some name the stream they read ("<_io.BytesIO object at 0x7f..>"):
            # an address tells a person nothing, and would differ run to run.
            why = _OBJECT_REPR.sub("the body", str(exc))
            raise DecodeError(f"Avro body does not match {known.model.schema_name}: {why}") from exc
        if body.tell() != len(data) - HEADER_SIZE:
            raise DecodeError(f"{len(data) - HEADER_SIZE - body.tell()} trailing bytes after body")
        if not isinstance(value, dict):
            raise DecodeError("Avro body is not a record")
        return known.model, value, fp

    def decode(self, data: bytes) -> Record:
        model, value, _ = self.decode_dict(data)
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            raise DecodeError(f"{model.schema_name} fails validation: {exc}") from exc


def schema_json(schema: AvroSchema) -> str:
    return json.dumps(schema, sort_keys=True, separators=(",", ":"))
