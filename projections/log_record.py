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
    """A record decoded by the registry: its model (type), its plain dict
    (the envelope a dict too) and the writer schema's fingerprint. `error`
    says why the dict fails the model's validation; None when it is valid."""

    model: type[Record]
    value: dict[str, Any]
    fingerprint: bytes
    error: str | None = None
