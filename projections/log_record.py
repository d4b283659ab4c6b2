"""One record as the projector reads it from Kafka, and its decoded form."""

from __future__ import annotations

from typing import Any, NamedTuple

from schemas.envelope import Record


class LogRecord(NamedTuple):
    """A Kafka record, raw: where it sits on the log and its bytes. A named
    tuple: a rebuild makes millions, and a frozen dataclass's __init__ costs
    several times as much."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int


class Decoded(NamedTuple):
    """A record decoded by the registry: its model (type), its plain dict
    (the envelope a dict too) and the writer schema's fingerprint. `error`
    says why the dict fails the model's validation; None when it is valid.
    A named tuple too: one per record."""

    model: type[Record]
    value: dict[str, Any]
    fingerprint: bytes
    error: str | None = None
