"""The projector loop: read a batch, project it (pure), send dead letters,
apply Redis writes (atomic with their offsets, every partition of the batch
in one round trip), buffer ClickHouse rows; about once a second hand the
rows to a thread of their own (projections/insert_queue.py), which inserts
them and makes the dead letters durable, and commit the log positions once
that is done.

The path that makes Redis current (and announces on pub/sub, in the same
script) never waits for ClickHouse: an insert of a second or more runs
beside it. Latency against throughput, all settings (infra/settings.py):
a fetch waits at most `projector_fetch_wait_ms` for new records, a batch
holds at most `projector_batch_max`, and inserts and commits come every
`projector_flush_s`.

At-least-once underneath, idempotent on top: a position is committed only
after Redis applied and ClickHouse took everything before it, and a crash
re-reads records that Redis then skips by offset and that ClickHouse
collapses (ReplacingMergeTree), so nothing counts twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from projections.archive import ARCHIVE_COLUMNS, ARCHIVE_DDL, ARCHIVE_TABLE
from projections.batch import project_batch
from projections.clickhouse import ClickHouse
from projections.dead_letters import DeadLetterQueue
from projections.insert_queue import InsertQueue
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
        # Each job's token: the positions it makes safe to commit.
        self._inserts: InsertQueue[dict[Stream, int]] = InsertQueue("clickhouse-inserts")
        self.stats = ProjectorStats()

    def step(self, timeout: float = 0.2) -> int:
        """One batch from the log into Redis; ClickHouse rows buffered."""
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
            self.stats.redis_records_applied += self._redis.apply_all(batch.redis)
            for stream, entries in batch.redis.items():
                self._next_offsets[stream] = entries[-1][0] + 1
            for table, rows in batch.rows.items():
                self._rows.setdefault(table, []).extend(rows)
                self._buffered += len(rows)
            self.stats.records += len(messages)
            self.stats.dead_letters += len(batch.dead)
            if self._progress is not None:
                self._progress(len(messages))
        self._commit_positions(self._inserts.finished())
        if self._buffered >= self._max_buffered_rows or (
            time.monotonic() - self._last_flush >= self._flush_interval
        ):
            self.flush()
        return len(messages)

    def flush(self) -> None:
        """Hand the buffered rows (and the dead letters' delivery) to the
        insert thread; the positions reached are committed once it is done."""
        rows, self._rows = self._rows, {}
        positions, self._next_offsets = self._next_offsets, {}
        self._buffered = 0
        self._last_flush = time.monotonic()
        if rows or positions:
            self._inserts.put(lambda: self._write_rows(rows), positions)

    def _write_rows(self, rows: Mapping[str, list[tuple[object, ...]]]) -> None:
        """On the insert thread: rows into ClickHouse, then dead letters durable."""
        for table, table_rows in rows.items():
            if table_rows:
                self._clickhouse.insert(table, table_rows, self._columns[table])
                self.stats.rows[table] = self.stats.rows.get(table, 0) + len(table_rows)
        if self._dead_letters is not None:
            self._dead_letters.flush()

    def _commit_positions(self, done: list[dict[Stream, int]], wait: bool = False) -> None:
        if not self._commit or not done:
            return
        positions: dict[Stream, int] = {}
        for reached in done:
            positions.update(reached)
        self._source.commit(positions, asynchronous=not wait)

    def run(
        self, *, exit_at_end: bool = False, stop: threading.Event | None = None
    ) -> ProjectorStats:
        """Project until stopped, or (exit_at_end) until the log is caught up."""
        started = time.monotonic()
        stop = stop or threading.Event()
        try:
            while not stop.is_set():
                self.step()
                if exit_at_end and self._source.caught_up:
                    break
            self.flush()
            self._commit_positions(self._inserts.close(), wait=True)
        finally:
            # After a failure: nothing more is committed; a half-applied
            # batch is read again and the sinks dedupe. Rows already handed
            # over still go in (ClickHouse collapses them when read again).
            self._inserts.close_quietly()
        self.stats.seconds = time.monotonic() - started
        return self.stats
