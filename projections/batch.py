"""The projector's pure step: a batch of raw log records -> Redis entries per
partition, ClickHouse rows per table, archive rows, and dead letters.

No I/O here, so the whole decode/project path is tested without services and
shared by the live projector and replay.

This is the hot loop of a rebuild (millions of records), so records stay
plain dicts: a record's validity is checked without building its pydantic
model (projections/record_check.py) and rows are tuples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from projections.archive import ARCHIVE_TABLE, archive_values
from projections.collector import collector_paused
from projections.log_record import Decoded, LogRecord
from projections.projection import Projection
from projections.record_check import check_for
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
    # Per table, rows as tuples in the order of the table's columns.
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    dead: list[DeadLetter] = field(default_factory=list)
    records: int = 0


def decode(message: LogRecord, registry: SchemaRegistry) -> Decoded:
    """Decode one record; raises DecodeError when its bytes are not a record.

    A record whose bytes decode but whose values fail the model comes back
    with the validation error in `error`.
    """
    if not message.value:
        raise DecodeError("empty record (no value)")
    model, value, fingerprint = registry.decode_dict(message.value)
    check = check_for(model)
    if check is not None and check(value):
        return Decoded(model, value, fingerprint)
    try:
        model.model_validate(value)
    except ValidationError as exc:
        return Decoded(model, value, fingerprint, f"{model.schema_name} fails validation: {exc}")
    return Decoded(model, value, fingerprint)


def project_batch(
    messages: Sequence[LogRecord],
    projections: Sequence[Projection],
    registry: SchemaRegistry,
    *,
    archive: bool = True,
    announce: bool = True,
) -> ProjectedBatch:
    """Everything a batch writes. Every record gets a Redis entry (perhaps
    with no writes) so the applied offset moves past it. `announce=False`
    builds no pub/sub messages (a rebuild has no listeners)."""
    batch = ProjectedBatch(records=len(messages))
    # A batch allocates many small objects that all live until it is applied.
    with collector_paused():
        _project_into(batch, messages, projections, registry, archive, announce)
    return batch


def _project_into(
    batch: ProjectedBatch,
    messages: Sequence[LogRecord],
    projections: Sequence[Projection],
    registry: SchemaRegistry,
    archive: bool,
    announce: bool,
) -> None:
    redis = batch.redis
    rows = batch.rows
    archived = rows.setdefault(ARCHIVE_TABLE, []) if archive else None
    entries: list[Entry] = []
    stream: tuple[str, int] | None = None
    for message in messages:
        writes: list[Write] = []
        decoded: Decoded | None = None
        try:
            decoded = decode(message, registry)
            decode_error = decoded.error
        except DecodeError as exc:
            decode_error = exc.reason
        if decode_error is not None:
            batch.dead.append(DeadLetter(message, DECODE, decode_error))
        elif decoded is not None:
            model, value = decoded.model, decoded.value
            try:
                added = []
                for projection in projections:
                    writes += projection.writes_of(model, value, announce)
                    added += projection.rows_of(model, value, message)
            except Exception as exc:  # a projection bug must not stop the log
                writes = []
                reason = f"{type(exc).__name__}: {exc}"
                batch.dead.append(DeadLetter(message, PROJECT, reason))
            else:
                for table, row in added:
                    table_rows = rows.get(table)
                    if table_rows is None:
                        table_rows = rows[table] = []
                    table_rows.append(row)
        # Records of one partition come in runs: look the list up per run.
        if stream != (message.topic, message.partition):
            stream = (message.topic, message.partition)
            entries = redis.setdefault(stream, [])
        entries.append((message.offset, writes))
        if archived is not None:
            archived.append(archive_values(message, decoded, decode_error))
    if archive and not archived:
        del rows[ARCHIVE_TABLE]
