from __future__ import annotations

import io

import fastavro
import pytest
from pydantic import Field

from schemas.avro import avro_schema
from schemas.codec import MAGIC, DecodeError, SchemaRegistry, fingerprint
from schemas.envelope import Record
from schemas.registry import ALL_MODELS, registry
from tests.unit.schemas.samples import ENVELOPE, sample


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_every_record_round_trips(model: type[Record]) -> None:
    record = sample(model)
    data = registry().encode(record)
    assert data[:2] == MAGIC
    assert data[2:10] == fingerprint(avro_schema(model))
    assert registry().decode(data) == record


def test_fingerprint_is_crc64_avro_of_the_canonical_form_little_endian() -> None:
    # The Avro specification's reference value for the schema "int".
    assert fingerprint({"type": "int"}) == bytes.fromhex("8f5c393f1ad57572")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "missing C3 01 header"),
        (b'{"json": true}', "missing C3 01 header"),
        (MAGIC + b"\x00" * 8 + b"\x02", "unknown writer schema fingerprint"),
    ],
)
def test_garbage_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        registry().decode(data)


def test_truncated_and_trailing_bodies_are_refused() -> None:
    data = registry().encode(sample(ALL_MODELS[0]))
    with pytest.raises(DecodeError):
        registry().decode(data[:-3])
    with pytest.raises(DecodeError, match="trailing"):
        registry().decode(data + b"\x00\x00")


def test_values_that_break_the_model_rules_are_refused() -> None:
    from schemas.exchange import DepositCash

    parsed = fastavro.parse_schema(avro_schema(DepositCash))
    body = io.BytesIO()
    fastavro.schemaless_writer(
        body, parsed, {"envelope": ENVELOPE.model_dump(), "account_id": "a", "amount": -5}
    )
    data = MAGIC + fingerprint(avro_schema(DepositCash)) + body.getvalue()
    with pytest.raises(DecodeError, match="fails validation"):
        registry().decode(data)


class _PingV1(Record):
    schema_name = "onelog.test.Ping"
    schema_version = 1
    target: str


class _PingV2(Record):
    schema_name = "onelog.test.Ping"
    schema_version = 2
    target: str
    retries: int = Field(default=3)


def test_a_newer_schema_reads_records_of_the_older_one() -> None:
    old = SchemaRegistry()
    old.register(_PingV1)
    written = old.encode(_PingV1(envelope=ENVELOPE, target="db"))

    new = SchemaRegistry()
    new.register(_PingV2)
    new.register_previous(avro_schema(_PingV1))
    decoded = new.decode(written)
    assert isinstance(decoded, _PingV2)
    assert (decoded.target, decoded.retries) == ("db", 3)
