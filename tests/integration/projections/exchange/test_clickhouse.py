from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.archive import ARCHIVE_DDL
from projections.clickhouse import ChdbClickHouse, QueryFailed, QueryRefused
from projections.exchange import PROJECTION as EXCHANGE
from projections.exchange.clickhouse import COLUMNS, rows_of
from projections.log_record import LogRecord
from tests.unit.projections.exchange.records import trading_session

pytestmark = pytest.mark.integration


@pytest.fixture
def clickhouse(tmp_path: Path, namespace: str) -> Iterator[ChdbClickHouse]:
    ch = ChdbClickHouse(tmp_path / "chdb", namespace)
    ch.execute(ARCHIVE_DDL)
    for ddl in EXCHANGE.ddl:
        ch.execute(ddl)
    yield ch
    ch.close()


def _insert_session(ch: ChdbClickHouse) -> None:
    rows: dict[str, list[tuple[object, ...]]] = {}
    for offset, (topic, _, record) in enumerate(trading_session()):
        message = LogRecord(topic, 0, offset, b"", b"", 0)
        for table, row in rows_of(type(record), record.model_dump(), message):
            rows.setdefault(table, []).append(row)
    for table, table_rows in rows.items():
        ch.insert(table, table_rows, COLUMNS[table])


def test_orders_trades_and_candles_stay_correct_under_duplicate_inserts(
    clickhouse: ChdbClickHouse,
) -> None:
    _insert_session(clickhouse)
    _insert_session(clickhouse)  # the projector re-read the same records

    assert clickhouse.query("SELECT count() AS n FROM {db}.trades FINAL") == [{"n": 2}]
    current = clickhouse.query(
        "SELECT order_id, status, filled_quantity FROM {db}.orders_current ORDER BY order_id"
    )
    assert [(r["order_id"], r["status"], r["filled_quantity"]) for r in current] == [
        ("b1", "filled", 12),
        ("b2", "cancelled", 0),
        ("b3", "rejected", 0),
        ("s1", "filled", 10),
        ("s2", "partially_filled", 2),
    ]
    (candle,) = clickhouse.query("SELECT * FROM {db}.candles_1m")
    assert (candle["open"], candle["high"], candle["low"], candle["close"]) == (
        1000,
        1010,
        1000,
        1010,
    )
    assert (candle["volume"], candle["trades"]) == (12, 2)
    assert len(clickhouse.query("SELECT * FROM {db}.candles_1s")) == 1


def test_analysts_read_but_cannot_write(clickhouse: ChdbClickHouse) -> None:
    _insert_session(clickhouse)
    assert clickhouse.query_read_only("SELECT count() AS n FROM trades FINAL") == [{"n": 2}]
    for statement in (
        "INSERT INTO trades (trade_id) VALUES ('x')",
        "DROP TABLE trades",
        "ALTER TABLE trades DELETE WHERE 1",
    ):
        with pytest.raises(QueryRefused):
            clickhouse.query_read_only(statement)
        # The second lock: the analysts' connection itself is read-only.
        with pytest.raises(QueryFailed, match="readonly"):
            clickhouse._run(clickhouse._reader, statement)
    assert clickhouse.query("SELECT count() AS n FROM {db}.trades") == [{"n": 2}]
