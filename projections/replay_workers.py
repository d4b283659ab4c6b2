"""A rebuild on several cores: worker processes, each owning whole partitions.

Each worker reads its share of the partitions from offset 0 and runs the
live projector's pure step on it (projections/batch.py): decode, the Redis
writes, the ClickHouse rows, the archive. It touches neither store:

- the Redis writes go to the parent, batch by batch (compact JSON), which
  folds every partition's writes in memory (projections/redis_fold.py) and
  writes each key once at the end. The parent may interleave the workers'
  partitions however they arrive: the read models do not depend on how
  partitions interleave (the live projector already takes them in whatever
  order Kafka hands them over), only on each partition's own order, which
  one worker's pipe keeps;
- the ClickHouse rows go to the parent as Arrow streams of many thousand
  rows, built column by column and written to a spool file (memory-backed
  where /dev/shm is: a pipe moves tens of megabytes slowly, in small reads
  the receiver pays for); the parent owns the rebuilt namespace's chDB (one
  process per data path) and inserts them on a thread of its own
  (projections/insert_queue.py), then deletes the file. Rows are order-free
  there (ReplacingMergeTree on the records' own identity).

Workers are fresh interpreters (`python -m projections.replay_workers FD`),
not forks: the parent holds chDB's threads, and multiprocessing's spawn
would re-run the caller's main script. They talk over a socket pair.
"""

from __future__ import annotations

import gc
import importlib.abc
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from multiprocessing import Pipe
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from infra.settings import Settings
from projections.arrow_rows import arrow_table
from projections.batch import ProjectedBatch, project_batch
from projections.clickhouse import ClickHouse
from projections.collector import collector_paused
from projections.insert_queue import InsertQueue
from projections.log_source import LogSource, Stream, Until
from projections.projector import ProjectorStats, table_columns
from projections.redis_fold import RedisFold
from projections.runner import PROJECTIONS
from schemas.registry import registry

Progress = Callable[[int], None]
# How long a poll waits for more records; a share's last poll waits this
# once, at the end of its partitions.
POLL_WAIT_S = 0.1
# A worker sends every batch it reads; this long without a word, it is stuck
# (say, on a broker that went away).
SILENCE_S = 300.0


@dataclass(frozen=True)
class WorkerPlan:
    """What one worker rebuilds; picklable, so it crosses into the process."""

    settings: Settings
    namespace: str
    topics: tuple[str, ...]
    streams: tuple[Stream, ...]
    until: Until | None
    group_id: str
    max_poll: int
    rows_per_block: int
    spool: str  # folder for the row blocks on their way to the parent


def share_streams(sizes: Mapping[Stream, int], workers: int) -> list[list[Stream]]:
    """Partitions dealt to `workers` shares of about equal record counts
    (largest first, each to the lightest share); empty shares dropped."""
    shares: list[list[Stream]] = [[] for _ in range(max(workers, 1))]
    loads = [0] * len(shares)
    for stream in sorted(sizes, key=lambda s: (-sizes[s], s)):
        lightest = loads.index(min(loads))
        shares[lightest].append(stream)
        loads[lightest] += sizes[stream]
    return [sorted(share) for share in shares if share]


class ReplayWorkers:
    """Processes rebuilding their shares; `serve` folds and inserts what they send.

    Started first (an interpreter takes a while to import everything), then
    given their plans; they read and project at once, and only wait for the
    column types (sent by `serve`, once the parent's ClickHouse is ready)
    when they first ship rows.
    """

    def __init__(self, count: int) -> None:
        self._pipes: list[Connection] = []
        self._processes: list[subprocess.Popen[bytes]] = []
        try:
            for _ in range(count):
                parent_end, child_end = Pipe()
                fd = child_end.fileno()
                process = subprocess.Popen(
                    [sys.executable, "-m", "projections.replay_workers", str(fd)],
                    pass_fds=[fd],
                    env=_worker_environment(),
                )
                child_end.close()
                self._processes.append(process)
                self._pipes.append(parent_end)
        except BaseException:
            self.close()
            raise

    def start(self, plans: Sequence[WorkerPlan]) -> None:
        """One plan per worker (a worker without one has nothing to read)."""
        if len(plans) > len(self._pipes):
            raise ValueError(f"{len(plans)} plans for {len(self._pipes)} workers")
        for n, pipe in enumerate(self._pipes):
            pipe.send(plans[n] if n < len(plans) else replace(plans[0], streams=()))

    def serve(
        self,
        clickhouse: ClickHouse,
        fold: RedisFold,
        inserts: InsertQueue[Any],
        progress: Progress | None = None,
    ) -> ProjectorStats:
        """Until every worker is done: fold their Redis writes into `fold`
        and queue their rows on `inserts` (into `clickhouse`, its tables
        created). Their stats summed; a failure raises."""
        types = {table: clickhouse.column_types(table) for table in table_columns(PROJECTIONS)}
        for pipe in self._pipes:
            pipe.send(types)
        total = _serve(self._pipes, clickhouse, fold, inserts, progress)
        for process in self._processes:
            if process.wait(timeout=60) != 0:
                raise RuntimeError(f"a replay worker exited with {process.returncode}")
        return total

    def close(self) -> None:
        """Stop any worker still running (after a failure) and close the pipes."""
        for process in self._processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=60)
        for pipe in self._pipes:
            pipe.close()


def _worker_environment() -> dict[str, str]:
    """This process's environment, with its import path: a worker imports
    the same code however the parent found it."""
    path = os.pathsep.join(entry or os.getcwd() for entry in sys.path)
    return {**os.environ, "PYTHONPATH": path}


def _serve(
    pipes: list[Connection],
    clickhouse: ClickHouse,
    fold: RedisFold,
    inserts: InsertQueue[Any],
    progress: Progress | None,
) -> ProjectorStats:
    total = ProjectorStats()
    open_pipes = list(pipes)
    # The fold's keys grow to millions of objects, none in a cycle.
    with collector_paused():
        _serve_until_done(open_pipes, clickhouse, fold, inserts, progress, total)
    return total


def _serve_until_done(
    open_pipes: list[Connection],
    clickhouse: ClickHouse,
    fold: RedisFold,
    inserts: InsertQueue[Any],
    progress: Progress | None,
    total: ProjectorStats,
) -> None:
    while open_pipes:
        readable = wait(open_pipes, timeout=SILENCE_S)
        if not readable:
            raise RuntimeError(f"no word from a replay worker for {SILENCE_S:.0f} s")
        for ready in readable:
            assert isinstance(ready, Connection)
            try:
                kind, *body = ready.recv()
            except (EOFError, OSError):
                raise RuntimeError("a replay worker died without a word") from None
            if kind == "batch":
                records, writes, reached = body
                fold.apply_all(orjson.loads(writes))
                for topic, partition, offset in reached:
                    fold.reached(topic, partition, offset)
                if progress is not None:
                    progress(records)
            elif kind == "rows":
                table, columns, path = body
                inserts.put(partial(_insert_block, clickhouse, table, columns, Path(path)))
            elif kind == "done":
                _add(total, body[0])
                open_pipes.remove(ready)
            else:
                raise RuntimeError(f"a replay worker failed:\n{body[0]}")


def _insert_block(clickhouse: ClickHouse, table: str, columns: list[str], path: Path) -> None:
    """One spooled Arrow stream into its table; the file goes once it is in."""
    clickhouse.insert_arrow_stream(table, columns, path.read_bytes())
    path.unlink()


def _add(total: ProjectorStats, stats: ProjectorStats) -> None:
    total.records += stats.records
    total.dead_letters += stats.dead_letters
    for table, count in stats.rows.items():
        total.rows[table] = total.rows.get(table, 0) + count
    total.seconds = max(total.seconds, stats.seconds)


class _RowBlocks:
    """A worker's rows, per table: made Arrow columns batch by batch (a Python
    tuple per row costs several times the memory), and shipped to the parent
    as one Arrow stream once a table holds `rows_per_block` rows (the rest at
    the end). Few large inserts: fewer parts for chDB to merge afterwards."""

    def __init__(self, pipe: Connection, plan: WorkerPlan, stats: ProjectorStats) -> None:
        self._pipe = pipe
        self._rows_per_block = plan.rows_per_block
        self._spool = Path(plan.spool)
        self._blocks = 0
        self._stats = stats
        self._columns = table_columns(PROJECTIONS)
        self._types: dict[str, dict[str, str]] | None = None
        self._tables: dict[str, list[pa.Table]] = {}
        self._held: dict[str, int] = {}

    def add(self, rows: Mapping[str, list[tuple[Any, ...]]]) -> None:
        if self._types is None and any(rows.values()):
            self._types = self._pipe.recv()
        assert self._types is not None or not any(rows.values())
        for table, table_rows in rows.items():
            if not table_rows:
                continue
            assert self._types is not None
            columns = arrow_table(table_rows, self._columns[table], self._types[table])
            self._tables.setdefault(table, []).append(columns)
            self._held[table] = self._held.get(table, 0) + len(table_rows)
            if self._held[table] >= self._rows_per_block:
                self._ship(table)

    def ship_all(self) -> None:
        for table in list(self._tables):
            self._ship(table)

    def _ship(self, table: str) -> None:
        parts = self._tables.pop(table, [])
        held = self._held.pop(table, 0)
        if not held:
            return
        self._blocks += 1
        path = self._spool / f"{os.getpid()}-{self._blocks}-{table}.arrows"
        # Batch by batch into the file: no copy of the whole block in memory.
        with (
            pa.OSFile(str(path), "wb") as spooled,
            pa.ipc.new_stream(spooled, parts[0].schema) as stream,
        ):
            for part in parts:
                stream.write_table(part)
        self._pipe.send(("rows", table, list(self._columns[table]), str(path)))
        self._stats.rows[table] = self._stats.rows.get(table, 0) + held


def _batch_message(batch: ProjectedBatch) -> tuple[str, int, bytes, list[tuple[str, int, int]]]:
    """What the parent folds: each record's writes (records without any left
    out), partition by partition in log order, and the offsets reached."""
    writes: list[Sequence[list[str]]] = []
    reached = []
    for (topic, partition), entries in batch.redis.items():
        writes.extend(record_writes for _, record_writes in entries if record_writes)
        reached.append((topic, partition, entries[-1][0]))
    return ("batch", batch.records, orjson.dumps(writes), reached)


def _rebuild_share(plan: WorkerPlan, pipe: Connection) -> ProjectorStats:
    # The cyclic collector would rescan the buffered rows and decoded records
    # again and again; a worker makes no cycles worth collecting, and ends.
    gc.disable()
    started = time.monotonic()
    stats = ProjectorStats()
    blocks = _RowBlocks(pipe, plan, stats)
    schemas = registry()
    source = LogSource(
        plan.settings.kafka_bootstrap,
        plan.group_id,
        plan.topics,
        from_beginning=True,
        until=plan.until,
        only=plan.streams,
    )
    try:
        while not source.caught_up:
            messages = source.poll(plan.max_poll, POLL_WAIT_S)
            if not messages:
                continue
            batch = project_batch(messages, PROJECTIONS, schemas, announce=False)
            pipe.send(_batch_message(batch))
            blocks.add(batch.rows)
            stats.records += batch.records
            stats.dead_letters += len(batch.dead)
        blocks.ship_all()
    finally:
        source.close()
    stats.seconds = time.monotonic() - started
    return stats


def _worker_main(fd: int) -> None:
    pipe = Connection(fd)
    try:
        stats = _rebuild_share(pipe.recv(), pipe)
    except BaseException:
        pipe.send(("error", traceback.format_exc()))
        raise
    pipe.send(("done", stats))
    pipe.close()


class _WithoutPandas(importlib.abc.MetaPathFinder):
    """pyarrow imports pandas (some 400 modules, half a second of CPU) the
    first time it builds an array, only to ask whether the input is a pandas
    object; in a worker nothing is, and a worker is an interpreter of its own.
    pyarrow takes the ImportError for "no pandas here"."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("a replay worker does without pandas")


if __name__ == "__main__":
    sys.meta_path.insert(0, _WithoutPandas())
    _worker_main(int(sys.argv[1]))
