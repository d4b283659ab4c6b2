"""Turning a validated request into a wire record: the envelope the gateway seals."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from infra.topics import topic_of
from schemas.envelope import Envelope, Record
from schemas.ulid import new_ulid


def now_micros() -> int:
    return time.time_ns() // 1000


def new_event_id(now_us: int) -> str:
    return new_ulid(now_us // 1000)


def build_record(
    model: type[Record],
    payload: Mapping[str, Any],
    *,
    event_id: str,
    key: str,
    producer: str,
    correlation_id: str | None,
    occurred_at: int | None,
    recorded_at: int,
) -> Record:
    """The record as it goes on the log. A command starts a causal chain, so it
    has no causation id; its correlation id defaults to its own event id."""
    envelope = Envelope(
        event_id=event_id,
        type=model.schema_name,
        schema_version=model.schema_version,
        occurred_at=recorded_at if occurred_at is None else occurred_at,
        recorded_at=recorded_at,
        producer=producer,
        key=key,
        correlation_id=correlation_id or event_id,
        causation_id=None,
    )
    return model(envelope=envelope, **payload)


def seal_command(model: type[Record], payload: Mapping[str, Any], producer: str) -> Record:
    """A command sealed now, keyed by its topic's key field: what a producer
    outside HTTP (a test, a benchmark) writes in the gateway's place."""
    spec = topic_of(model.schema_name)
    now = now_micros()
    return build_record(
        model,
        payload,
        event_id=new_event_id(now),
        key=str(payload[spec.key]),
        producer=producer,
        correlation_id=None,
        occurred_at=None,
        recorded_at=now,
    )
