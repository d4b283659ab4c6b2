"""Turning a processor's decisions into records on the log.

A pure core returns facts as (record type, payload fields). This module gives
each fact its envelope and its topic. Everything here derives from the record
that caused the fact, never from the clock, so replay is byte for byte.
"""

from __future__ import annotations

from infra.topics import topic_of
from schemas.envelope import Envelope, Record
from schemas.ulid import derived_ulid
from streams.facts import Fact


def fact_record(fact: Fact, cause: Record, index: int, producer: str) -> Record:
    """The index-th fact caused by `cause`, enveloped deterministically."""
    record_type, payload = fact
    spec = topic_of(record_type.schema_name)
    cause_env = cause.envelope
    envelope = Envelope(
        event_id=derived_ulid(cause_env.event_id, index, cause_env.recorded_at // 1000),
        type=record_type.schema_name,
        schema_version=record_type.schema_version,
        occurred_at=cause_env.occurred_at,
        recorded_at=cause_env.recorded_at,
        producer=producer,
        key=str(payload[spec.key]),
        correlation_id=cause_env.correlation_id,
        causation_id=cause_env.event_id,
    )
    return record_type(envelope=envelope, **payload)
