"""One record as the projector reads it from Kafka, and its decoded form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemas.envelope import Record


@dataclass(frozen=True, slots=True)
class LogRecord:
    """A Kafka record, raw: where it sits on the log and its bytes."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int


@dataclass(frozen=True, slots=True)
class Decoded:
    """A record decoded by the registry: the model, its plain dict and the
    writer schema's fingerprint. `record` is None when the dict decoded but
    failed the model's validation (`error` says why)."""

    model: type[Record]
    value: dict[str, Any]
    fingerprint: bytes
    record: Record | None
    error: str | None = None


def micros_text(micros: int) -> str:
    """µs since the epoch as the `seconds.fraction` text DateTime64(6) reads exactly."""
    seconds, fraction = divmod(micros, 1_000_000)
    return f"{seconds}.{fraction:06d}"


def millis_text(millis: int) -> str:
    seconds, fraction = divmod(millis, 1000)
    return f"{seconds}.{fraction:03d}"
