"""The projector loop: read a batch, project it (pure), send dead letters,
apply Redis writes (atomic with their offsets), buffer ClickHouse rows, and
about once a second insert the rows and commit the log positions.

At-least-once underneath, idempotent on top: a crash after Redis applied but
before the commit re-reads records that Redis then skips by offset and that
ClickHouse collapses (ReplacingMergeTree), so nothing counts twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from projections.archive import ARCHIVE_COLUMNS, ARCHIVE_DDL, ARCHIVE_TABLE
from projections.batch import project_batch
from projections.clickhouse import ClickHouse
from projections.dead_letters import DeadLetterQueue
from projections.log_source import LogSource, Stream
from projections.projection import Projection
from projections.redis_sink import RedisSink
from schemas.codec import SchemaRegistry

Progress = Callable[[int], None]


class RowSink(Protocol):
    """Where the projector's ClickHouse rows go: a ClickHouse, or (in a
    replay worker) a pipe to the process that owns the ClickHouse."""

    def insert(self, table: str, rows: Sequence[Sequence[Any]], columns: Sequence[str]) -> None:
        """Insert rows (tuples in `columns` order) into `table`."""


def create_tables(clickhouse: ClickHouse, projections: Sequence[Projection]) -> None:
    """The archive and every projection's tables and views (idempotent)."""
    clickhouse.execute(ARCHIVE_DDL)
    for projection in projections:
        for ddl in projection.ddl:
            clickhouse.execute(ddl)


def table_columns(projections: Sequence[Projection]) -> dict[str, Sequence[str]]:
    """The columns rows are given in, per table (archive included)."""
    columns: dict[str, Sequence[str]] = {ARCHIVE_TABLE: ARCHIVE_COLUMNS}
    for projection in projections:
        columns.update(projection.columns)
    return columns


@dataclass
class ProjectorStats:
    records: int = 0
    dead_letters: int = 0
    redis_records_applied: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class Projector:
    def __init__(
        self,
        source: LogSource,
        redis_sink: RedisSink,
        clickhouse: RowSink,
        projections: Sequence[Projection],
        registry: SchemaRegistry,
        dead_letters: DeadLetterQueue | None,
        *,
        commit: bool = True,
        archive: bool = True,
        announce: bool = True,
        flush_interval: float = 1.0,
        max_poll: int = 5000,
        max_buffered_rows: int = 200_000,
        progress: Progress | None = None,
    ) -> None:
        self._source = source
        self._redis = redis_sink
        self._clickhouse = clickhouse
        self._projections = list(projections)
        self._registry = registry
        self._dead_letters = dead_letters
        self._commit = commit
        self._archive = archive
        self._announce = announce
        self._flush_interval = flush_interval
        self._max_poll = max_poll
        self._max_buffered_rows = max_buffered_rows
        self._progress = progress
        self._columns = table_columns(self._projections)
        self._rows: dict[str, list[tuple[object, ...]]] = {}
        self._buffered = 0
        self._next_offsets: dict[Stream, int] = {}
        self._last_flush = time.monotonic()
        self.stats = ProjectorStats()

    def step(self, timeout: float = 0.2) -> int:
        """One batch from the log through both sinks (ClickHouse buffered)."""
        messages = self._source.poll(self._max_poll, timeout)
        if messages:
            batch = project_batch(
                messages,
                self._projections,
                self._registry,
                archive=self._archive,
                announce=self._announce,
            )
            if batch.dead and self._dead_letters is not None:
                self._dead_letters.send(batch.dead)
            for (topic, partition), entries in batch.redis.items():
                applied = self._redis.apply(topic, partition, entries)
                self.stats.redis_records_applied += applied.records
                self._next_offsets[(topic, partition)] = entries[-1][0] + 1
            for table, rows in batch.rows.items():
                self._rows.setdefault(table, []).extend(rows)
                self._buffered += len(rows)
            self.stats.records += len(messages)
            self.stats.dead_letters += len(batch.dead)
            if self._progress is not None:
                self._progress(len(messages))
        if self._buffered >= self._max_buffered_rows or (
            time.monotonic() - self._last_flush >= self._flush_interval
        ):
            self.flush()
        return len(messages)

    def flush(self) -> None:
        """Insert buffered rows, make dead letters durable, then commit positions."""
        for table, rows in self._rows.items():
            if rows:
                self._clickhouse.insert(table, rows, self._columns[table])
                self.stats.rows[table] = self.stats.rows.get(table, 0) + len(rows)
        self._rows = {}
        self._buffered = 0
        if self._dead_letters is not None:
            self._dead_letters.flush()
        if self._commit:
            self._source.commit(self._next_offsets)
        self._next_offsets = {}
        self._last_flush = time.monotonic()

    def run(
        self, *, exit_at_end: bool = False, stop: threading.Event | None = None
    ) -> ProjectorStats:
        """Project until stopped, or (exit_at_end) until the log is caught up."""
        started = time.monotonic()
        stop = stop or threading.Event()
        # No flush on an exception: a half-applied batch must not be
        # committed; the next run re-reads it and the sinks dedupe.
        while not stop.is_set():
            self.step()
            if exit_at_end and self._source.caught_up:
                break
        self.flush()
        self.stats.seconds = time.monotonic() - started
        return self.stats
