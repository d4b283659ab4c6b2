from __future__ import annotations

import base64
import json

from projections.archive import ARCHIVE_COLUMNS, ARCHIVE_TABLE, archive_row
from projections.batch import DECODE, decode, project_batch
from projections.exchange import PROJECTION as EXCHANGE
from projections.log_record import LogRecord
from schemas.registry import registry
from tests.unit.projections.exchange.records import trading_session

GARBAGE = b"\xc3\x01\x00\x01\x02\x03\x04\x05\x06\x07 not avro"


def _log() -> list[LogRecord]:
    messages = []
    for offset, (topic, key, record) in enumerate(trading_session()):
        value = registry().encode(record)
        messages.append(LogRecord(topic, 0, offset, key.encode(), value, 1_700_000_000_123))
    return messages


def test_a_decoded_record_is_archived_as_json_with_its_fingerprint() -> None:
    message = _log()[0]
    decoded = decode(message, registry())
    row = archive_row(message, decoded, None)
    assert set(row) == set(ARCHIVE_COLUMNS)
    assert row["record_type"] == "onelog.exchange.InstrumentListed"
    assert row["fingerprint"] == message.value[2:10].hex()  # type: ignore[index]
    assert json.loads(row["record"])["symbol"] == "ACME"
    assert row["event_id"] and row["occurred_at"] and not row["decode_error"]
    assert row["kafka_timestamp"] == 1_700_000_000_123  # ms


def test_an_undecodable_record_is_archived_raw_with_the_reason() -> None:
    message = LogRecord("exchange.market", 0, 3, b"k", GARBAGE, 0)
    batch = project_batch([message], [EXCHANGE], registry())
    ((table, values),) = [(t, r) for t, rows in batch.rows.items() for r in rows]
    assert table == ARCHIVE_TABLE
    row = dict(zip(ARCHIVE_COLUMNS, values, strict=True))
    assert base64.b64decode(row["raw_base64"]) == GARBAGE
    assert "fingerprint" in row["decode_error"]
    assert row["fingerprint"] == GARBAGE[2:10].hex()
    assert row["record"] == ""


def test_a_batch_dead_letters_garbage_and_still_projects_the_rest() -> None:
    messages = _log()
    garbage = LogRecord(messages[0].topic, 0, len(messages), b"k", GARBAGE, 0)
    after = LogRecord(messages[1].topic, 0, len(messages) + 1, b"k", messages[1].value, 0)
    batch = project_batch([*messages, garbage, after], [EXCHANGE], registry())
    assert [(d.stage, d.message.offset) for d in batch.dead] == [(DECODE, garbage.offset)]
    offsets = sorted(o for entries in batch.redis.values() for o, _ in entries)
    assert offsets == list(range(len(messages) + 2))  # every offset moves the position
    assert len(batch.rows[ARCHIVE_TABLE]) == len(messages) + 2
    assert len(batch.rows["trades"]) == 2


def test_an_empty_record_is_a_dead_letter() -> None:
    batch = project_batch([LogRecord("t", 0, 0, None, None, 0)], [EXCHANGE], registry())
    assert [d.reason for d in batch.dead] == ["empty record (no value)"]
