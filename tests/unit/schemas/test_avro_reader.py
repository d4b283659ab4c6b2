"""The generated Avro readers against their simple twin, fastavro: every record
type reads to the same dict (field order included, which the archive's JSON
keeps), and any damaged body gets the same value or the same refusal."""

from __future__ import annotations

import random
from functools import cache

import pytest

from schemas.codec import DecodeError, SchemaRegistry
from schemas.envelope import Record
from schemas.registry import ALL_MODELS, build_registry, registry
from tests.unit.projections.exchange.records import trading_session
from tests.unit.projections.judge.records import story
from tests.unit.schemas.samples import sample


@cache
def reference() -> SchemaRegistry:
    return build_registry(fast_readers=False)


def _outcome(schemas: SchemaRegistry, data: bytes) -> object:
    try:
        model, value, fingerprint = schemas.decode_dict(data)
    except DecodeError as refused:
        return ("refused", refused.reason)
    return (model, list(value.items()), fingerprint)


def _records() -> list[Record]:
    records = [sample(model) for model in ALL_MODELS]
    records += [record for _, _, record in trading_session()]
    records += [record for _, _, record in story().steps]
    return records


def test_every_current_schema_has_a_generated_reader() -> None:
    uncovered = [
        known.model.__name__
        for known in registry()._by_fingerprint.values()
        if known.reader is None and known.fast is None
    ]
    assert uncovered == []


@pytest.mark.parametrize("record", _records(), ids=lambda r: type(r).__name__)
def test_a_record_reads_as_fastavro_reads_it(record: Record) -> None:
    data = registry().encode(record)
    assert _outcome(registry(), data) == _outcome(reference(), data)
    model, value, _ = registry().decode_dict(data)
    assert model.model_validate(value) == record


def test_a_damaged_body_reads_or_is_refused_as_fastavro_says() -> None:
    rng = random.Random(8)
    for record in _records():
        data = registry().encode(record)
        for _ in range(60):
            damaged = bytearray(data)
            how = rng.randrange(4)
            if how == 0:  # a byte changed, the header left alone
                damaged[rng.randrange(10, len(damaged))] = rng.randrange(256)
            elif how == 1:
                del damaged[rng.randrange(10, len(damaged)) :]
            elif how == 2:
                damaged += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4)))
            else:  # a length or count made huge or negative
                damaged[rng.randrange(10, len(damaged))] = rng.choice((0x7F, 0x80, 0xFF, 0x01))
            assert _outcome(registry(), bytes(damaged)) == _outcome(reference(), bytes(damaged))
