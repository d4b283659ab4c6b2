"""What every analytics row shares, whatever the domain: it begins with the
record's position in the log and its envelope's id and times, so a row can
always be traced back to the record it came from.

A domain's table DDL starts with POSITION_DDL and its column names with
POSITION; its row functions start each row with `position(value, message)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from projections.log_record import LogRecord
from projections.projection import Row, Value
from schemas.envelope import Record

POSITION_DDL = """
    topic LowCardinality(String),
    partition UInt32,
    offset UInt64,
    event_id String,
    occurred_at DateTime64(6, 'UTC'),
    recorded_at DateTime64(6, 'UTC')"""

POSITION: tuple[str, ...] = (
    "topic",
    "partition",
    "offset",
    "event_id",
    "occurred_at",
    "recorded_at",
)


def position(value: Value, message: LogRecord) -> tuple[Any, ...]:
    """The first values of a row: POSITION for a record as decoded."""
    envelope = value["envelope"]
    return (
        message.topic,
        message.partition,
        message.offset,
        envelope["event_id"],
        envelope["occurred_at"],
        envelope["recorded_at"],
    )


def rows_by_column(
    columns: Mapping[str, Sequence[str]],
    rows_of: Callable[[type[Record], Value, LogRecord], list[Row]],
    record: Record,
    message: LogRecord,
) -> list[tuple[str, dict[str, Any]]]:
    """The (table, row as a dict by column) pairs `rows_of` gives one record."""
    return [
        (table, dict(zip(columns[table], row, strict=True)))
        for table, row in rows_of(type(record), record.model_dump(), message)
    ]
