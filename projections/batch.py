"""The projector's pure step: a batch of raw log records -> Redis entries per
partition, ClickHouse rows per table, archive rows, and dead letters.

No I/O here, so the whole decode/project path is tested without services and
shared by the live projector and replay.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from projections.archive import ARCHIVE_TABLE, archive_row
from projections.log_record import Decoded, LogRecord
from projections.projection import Projection
from projections.redis_sink import Entry, Write
from schemas.codec import DecodeError, SchemaRegistry

DECODE = "decode"
PROJECT = "project"


@dataclass(frozen=True)
class DeadLetter:
    """A record the projector could not use, and why (`stage`: decode or project)."""

    message: LogRecord
    stage: str
    reason: str


@dataclass
class ProjectedBatch:
    redis: dict[tuple[str, int], list[Entry]] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    dead: list[DeadLetter] = field(default_factory=list)
    records: int = 0


def decode(message: LogRecord, registry: SchemaRegistry) -> Decoded:
    """Decode one record; raises DecodeError when its bytes are not a record.

    A record whose bytes decode but whose values fail the model comes back
    with `record=None` and the validation error.
    """
    if not message.value:
        raise DecodeError("empty record (no value)")
    model, value, fingerprint = registry.decode_dict(message.value)
    try:
        record = model.model_validate(value)
    except ValidationError as exc:
        reason = f"{model.schema_name} fails validation: {exc}"
        return Decoded(model, value, fingerprint, None, reason)
    return Decoded(model, value, fingerprint, record)


def project_batch(
    messages: Sequence[LogRecord],
    projections: Sequence[Projection],
    registry: SchemaRegistry,
    *,
    archive: bool = True,
) -> ProjectedBatch:
    """Everything a batch writes. Every record gets a Redis entry (perhaps
    with no writes) so the applied offset moves past it."""
    batch = ProjectedBatch(records=len(messages))
    # A batch allocates many small dicts that all live until it is applied;
    # the cyclic collector would rescan them again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _project_into(batch, messages, projections, registry, archive)
    finally:
        if collecting:
            gc.enable()
    return batch


def _project_into(
    batch: ProjectedBatch,
    messages: Sequence[LogRecord],
    projections: Sequence[Projection],
    registry: SchemaRegistry,
    archive: bool,
) -> None:
    for message in messages:
        writes: list[Write] = []
        decoded: Decoded | None = None
        decode_error: str | None = None
        try:
            decoded = decode(message, registry)
            decode_error = decoded.error
        except DecodeError as exc:
            decode_error = exc.reason
        if decode_error is not None:
            batch.dead.append(DeadLetter(message, DECODE, decode_error))
        elif decoded is not None and decoded.record is not None:
            try:
                rows = []
                for projection in projections:
                    writes += projection.redis_writes(decoded.record)
                    rows += projection.clickhouse_rows(decoded.record, message)
            except Exception as exc:  # a projection bug must not stop the log
                writes = []
                reason = f"{type(exc).__name__}: {exc}"
                batch.dead.append(DeadLetter(message, PROJECT, reason))
            else:
                for table, row in rows:
                    batch.rows.setdefault(table, []).append(row)
        stream = (message.topic, message.partition)
        batch.redis.setdefault(stream, []).append((message.offset, writes))
        if archive:
            row = archive_row(message, decoded, decode_error)
            batch.rows.setdefault(ARCHIVE_TABLE, []).append(row)
