"""What a domain gives the projector, replay and verify: the topics it reads,
its tables, the Redis keys of its read model, and two pure functions.

Each domain's package exports one (`projections/<domain>/__init__.py`:
PROJECTION); the shared parts find them through infra.domains.

Both functions take a record as decoded: its model (the type) and its plain dict (the
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
    # Every topic the domain's projection reads (all of them archived).
    topics: tuple[str, ...]
    # Key prefixes (relative to the namespace) of the live read model: what
    # its writes touch, so what verify compares. Keys others write beside it
    # (the judge's live progress) are no read model and fall outside.
    redis_keys: tuple[str, ...]
    # DDL with `{db}` for the namespace's database; idempotent (IF NOT EXISTS).
    ddl: Sequence[str]
    columns: Mapping[str, Sequence[str]]
    writes_of: Callable[[type[Record], Value, bool], list[Write]]
    rows_of: Callable[[type[Record], Value, LogRecord], list[Row]]
