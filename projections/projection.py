"""What a domain gives the projector: its tables and two pure functions.

Both take a record as decoded: its model (the type) and its plain dict (the
envelope a dict too), already known to be valid. `writes_of(model, value,
announce)` returns the live model's writes (see redis_sink.py for the
vocabulary; `announce=False` leaves out pub/sub messages); `rows_of(model,
value, message)` returns (table, row) pairs, a row being a tuple in the order
of `columns[table]`. Neither may do I/O, read a clock or keep state between
calls: the projector, replay and tests all call them, and replay must give
the same read models as the live projector.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from projections.log_record import LogRecord
from projections.redis_sink import Write
from schemas.envelope import Record

Value = dict[str, Any]
Row = tuple[str, tuple[Any, ...]]


@dataclass(frozen=True)
class Projection:
    name: str
    # DDL with `{db}` for the namespace's database; idempotent (IF NOT EXISTS).
    ddl: Sequence[str]
    columns: Mapping[str, Sequence[str]]
    writes_of: Callable[[type[Record], Value, bool], list[Write]]
    rows_of: Callable[[type[Record], Value, LogRecord], list[Row]]
