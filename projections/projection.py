"""What a domain gives the projector: its tables and two pure functions.

`redis_writes(record)` returns the live model's writes (see redis_sink.py for
the vocabulary); `clickhouse_rows(record, message)` returns (table, row)
pairs. Neither may do I/O, read a clock or keep state between calls: the
projector, replay and tests all call them, and replay must give the same
read models as the live projector.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from projections.log_record import LogRecord
from projections.redis_sink import Write
from schemas.envelope import Record

Row = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Projection:
    name: str
    # DDL with `{db}` for the namespace's database; idempotent (IF NOT EXISTS).
    ddl: Sequence[str]
    columns: Mapping[str, Sequence[str]]
    redis_writes: Callable[[Record], list[Write]]
    clickhouse_rows: Callable[[Record, LogRecord], list[Row]]
