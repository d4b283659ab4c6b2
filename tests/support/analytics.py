"""A chDB of the exchange's analytics tables holding one small trading
session (two trades), for tests of analysts' SQL."""

from __future__ import annotations

from pathlib import Path

from projections.archive import ARCHIVE_DDL
from projections.clickhouse import AnalystLimits, ChdbClickHouse
from projections.exchange import PROJECTION as EXCHANGE
from projections.exchange.clickhouse import COLUMNS, rows_of
from projections.log_record import LogRecord
from tests.unit.projections.exchange.records import trading_session


def exchange_analytics(
    path: Path, namespace: str, limits: AnalystLimits | None = None
) -> ChdbClickHouse:
    ch = ChdbClickHouse(path, namespace, limits)
    ch.execute(ARCHIVE_DDL)
    for ddl in EXCHANGE.ddl:
        ch.execute(ddl)
    rows: dict[str, list[tuple[object, ...]]] = {}
    for offset, (topic, _, record) in enumerate(trading_session()):
        message = LogRecord(topic, 0, offset, b"", b"", 0)
        for table, row in rows_of(type(record), record.model_dump(), message):
            rows.setdefault(table, []).append(row)
    for table, table_rows in rows.items():
        ch.insert(table, table_rows, COLUMNS[table])
    return ch
