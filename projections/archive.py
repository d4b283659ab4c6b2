"""The archive: every record of every projected topic, decoded to JSON, kept
for regulatory review. Undecodable records are archived too, with their raw
bytes (base64) and the reason they did not decode.

Ordered by (topic, partition, offset) in a ReplacingMergeTree, so a record
read twice is one row after a merge; query it with FINAL.
"""

from __future__ import annotations

import base64
from typing import Any

from projections.json_text import compact_json
from projections.log_record import Decoded, LogRecord
from schemas.codec import HEADER_SIZE, MAGIC

ARCHIVE_TABLE = "archive"

ARCHIVE_DDL = """
CREATE TABLE IF NOT EXISTS {db}.archive (
    topic LowCardinality(String),
    partition UInt32,
    offset UInt64,
    key String,
    kafka_timestamp DateTime64(3, 'UTC'),
    fingerprint String,
    record_type LowCardinality(String),
    schema_version UInt32,
    event_id String,
    occurred_at Nullable(DateTime64(6, 'UTC')),
    recorded_at Nullable(DateTime64(6, 'UTC')),
    record String,
    raw_base64 String,
    decode_error String
) ENGINE = ReplacingMergeTree
ORDER BY (topic, partition, offset)
"""

ARCHIVE_COLUMNS = (
    "topic",
    "partition",
    "offset",
    "key",
    "kafka_timestamp",
    "fingerprint",
    "record_type",
    "schema_version",
    "event_id",
    "occurred_at",
    "recorded_at",
    "record",
    "raw_base64",
    "decode_error",
)


def archive_row(message: LogRecord, decoded: Decoded | None, error: str | None) -> dict[str, Any]:
    """The archive row of one record as a dict by column (see `archive_values`)."""
    return dict(zip(ARCHIVE_COLUMNS, archive_values(message, decoded, error), strict=True))


def archive_values(
    message: LogRecord, decoded: Decoded | None, error: str | None
) -> tuple[Any, ...]:
    """The archive row of one record, in ARCHIVE_COLUMNS order; `decoded` is
    None when it did not decode. Times are integers (ms, µs since the epoch)."""
    value = message.value or b""
    key = (message.key or b"").decode("utf-8", "backslashreplace")
    kafka_timestamp = max(message.timestamp_ms, 0)
    if decoded is None:
        framed = len(value) >= HEADER_SIZE and value[:2] == MAGIC
        return (
            message.topic,
            message.partition,
            message.offset,
            key,
            kafka_timestamp,
            value[2:HEADER_SIZE].hex() if framed else "",
            "",
            0,
            "",
            None,
            None,
            "",
            base64.b64encode(value).decode(),
            error or "",
        )
    envelope = decoded.value.get("envelope") or {}
    occurred_at = envelope.get("occurred_at")
    recorded_at = envelope.get("recorded_at")
    return (
        message.topic,
        message.partition,
        message.offset,
        key,
        kafka_timestamp,
        decoded.fingerprint.hex(),
        decoded.model.schema_name,
        int(envelope.get("schema_version") or 0),
        str(envelope.get("event_id") or ""),
        occurred_at if isinstance(occurred_at, int) else None,
        recorded_at if isinstance(recorded_at, int) else None,
        record_json(decoded.value),
        # Decoded but invalid: keep the bytes too, the JSON alone may not
        # show what the validator objected to.
        base64.b64encode(value).decode() if decoded.error else "",
        error or "",
    )


def record_json(value: dict[str, Any]) -> str:
    """A decoded record as compact JSON, non-ASCII escaped, bytes as base64.
    Field order is the writer schema's: already canonical, no sort needed."""
    return compact_json(value)
