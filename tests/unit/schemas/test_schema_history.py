"""Schemas only evolve compatibly, and pydantic and Avro cannot drift apart."""

from __future__ import annotations

import io

import fastavro
import pytest

from schemas.avro import avro_schema
from schemas.codec import MAGIC, fingerprint
from schemas.envelope import Record
from schemas.history import history_files, history_path, load
from schemas.registry import ALL_MODELS, registry
from tests.unit.schemas.samples import sample


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_current_schema_is_kept_in_history(model: type[Record]) -> None:
    path = history_path(model)
    assert path.exists(), f"run `python -m schemas.history` to record {path.name}"
    assert load(path) == avro_schema(model), (
        f"{model.__name__} changed without a version bump: raise schema_version "
        "and record the new version"
    )


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_records_written_with_every_recorded_version_still_decode(model: type[Record]) -> None:
    for version in range(1, model.schema_version + 1):
        path = history_path(model, version)
        assert path.exists(), f"{path.name} is missing: every version must stay on record"
        old_schema = load(path)
        parsed = fastavro.parse_schema(old_schema)
        body = io.BytesIO()
        # Values the model accepts where the field still exists; the smallest
        # value of its type where a field was since removed.
        current = sample(model).model_dump()
        value = {f["name"]: current.get(f["name"], _zero(f["type"])) for f in old_schema["fields"]}
        fastavro.schemaless_writer(body, parsed, value)
        decoded = registry().decode(MAGIC + fingerprint(old_schema) + body.getvalue())
        assert isinstance(decoded, model)


def _zero(avro_type: object) -> object:
    if isinstance(avro_type, list):
        return None if "null" in avro_type else _zero(avro_type[0])
    if isinstance(avro_type, dict):
        if avro_type["type"] == "record":
            return {f["name"]: _zero(f["type"]) for f in avro_type["fields"]}
        return []
    return {"long": 1, "int": 1, "string": "x", "boolean": False, "bytes": b""}[str(avro_type)]


def test_every_history_file_names_a_known_record() -> None:
    known = {m.schema_name for m in ALL_MODELS}
    for path in history_files():
        assert path.name.rsplit(".v", 1)[0] in known, f"{path.name} names no record type"
