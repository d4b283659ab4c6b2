"""The archive: every record of every projected topic, decoded to JSON, kept
for regulatory review. Undecodable records are archived too, with their raw
bytes (base64) and the reason they did not decode.

Ordered by (topic, partition, offset) in a ReplacingMergeTree, so a record
read twice is one row after a merge; query it with FINAL.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from projections.log_record import Decoded, LogRecord, micros_text, millis_text
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
    """The archive row of one record; `decoded` is None when it did not decode."""
    value = message.value or b""
    row: dict[str, Any] = {
        "topic": message.topic,
        "partition": message.partition,
        "offset": message.offset,
        "key": (message.key or b"").decode("utf-8", "backslashreplace"),
        "kafka_timestamp": millis_text(max(message.timestamp_ms, 0)),
        "fingerprint": _fingerprint_hex(value, decoded),
        "record_type": "",
        "schema_version": 0,
        "event_id": "",
        "occurred_at": None,
        "recorded_at": None,
        "record": "",
        "raw_base64": "",
        "decode_error": error or "",
    }
    if decoded is None:
        row["raw_base64"] = base64.b64encode(value).decode()
        return row
    envelope = decoded.value.get("envelope") or {}
    row.update(
        record_type=decoded.model.schema_name,
        schema_version=int(envelope.get("schema_version") or 0),
        event_id=str(envelope.get("event_id") or ""),
        occurred_at=_micros(envelope.get("occurred_at")),
        recorded_at=_micros(envelope.get("recorded_at")),
        # Field order is the writer schema's: already canonical, no sort needed.
        record=json.dumps(decoded.value, separators=(",", ":"), default=_bytes),
    )
    if decoded.error:
        # Decoded but invalid: keep the bytes too, the JSON alone may not
        # show what the validator objected to.
        row["raw_base64"] = base64.b64encode(value).decode()
    return row


def _fingerprint_hex(value: bytes, decoded: Decoded | None) -> str:
    if decoded is not None:
        return decoded.fingerprint.hex()
    if len(value) >= HEADER_SIZE and value[:2] == MAGIC:
        return value[2:HEADER_SIZE].hex()
    return ""


def _micros(value: Any) -> str | None:
    return micros_text(value) if isinstance(value, int) else None


def _bytes(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
