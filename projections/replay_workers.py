"""A rebuild on several cores: worker processes, each owning whole partitions.

Each worker reads its share of the partitions from offset 0, projects them
(the same pure step as the live projector, projections/batch.py) and applies
the Redis writes itself, partition by partition in log order, as the live
projector does. That is safe because the read models do not depend on how
partitions interleave: a key written from several partitions only gets
writes that commute (set members, counters, a status ranked by
`hset_ranked`), and every order-sensitive key (a book, a balance, a list)
is written from one partition. The live projector already interleaves
partitions however Kafka hands them over.

chDB lets one process own a data path, so workers do not insert: they build
each table's rows as an Arrow stream and send it to the parent, which owns
the rebuilt namespace's ClickHouse and inserts. Rows are order-free there
(ReplacingMergeTree on the records' own identity).

Workers are fresh interpreters (`python -m projections.replay_workers FD`),
not forks: the parent holds chDB's threads, and multiprocessing's spawn
would re-run the caller's main script. They talk over a socket pair.
"""

from __future__ import annotations

import os
import subprocess
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection, wait
from typing import Any

import redis

from infra.settings import Settings
from projections.arrow_rows import arrow_ipc, arrow_table
from projections.clickhouse import ClickHouse
from projections.log_source import LogSource, Stream, Until
from projections.projector import Projector, ProjectorStats, table_columns
from projections.redis_sink import RedisSink
from projections.runner import PROJECTIONS
from schemas.registry import registry

Progress = Callable[[int], None]


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
    max_buffered_rows: int
    flush_interval: float


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
    """Processes rebuilding their shares; `serve` inserts the rows they send.

    Started before the parent has its ClickHouse ready: workers read, project
    and apply Redis writes at once, and only wait for the column types (sent
    by `serve`) when they first ship rows.
    """

    def __init__(self, plans: Sequence[WorkerPlan]) -> None:
        self._pipes: list[Connection] = []
        self._processes: list[subprocess.Popen[bytes]] = []
        try:
            for plan in plans:
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
                parent_end.send(plan)
        except BaseException:
            self.close()
            raise

    def serve(self, clickhouse: ClickHouse, progress: Progress | None = None) -> ProjectorStats:
        """Insert the workers' rows into `clickhouse` (its tables created)
        until every worker is done; their stats summed. A failure raises."""
        types = {table: clickhouse.column_types(table) for table in table_columns(PROJECTIONS)}
        for pipe in self._pipes:
            pipe.send(types)
        total = _serve(self._pipes, clickhouse, progress)
        for process in self._processes:
            if process.wait() != 0:
                raise RuntimeError(f"a replay worker exited with {process.returncode}")
        return total

    def close(self) -> None:
        """Stop any worker still running (after a failure) and close the pipes."""
        for process in self._processes:
            if process.poll() is None:
                process.kill()
            process.wait()
        for pipe in self._pipes:
            pipe.close()


def _worker_environment() -> dict[str, str]:
    """This process's environment, with its import path: a worker imports
    the same code however the parent found it."""
    path = os.pathsep.join(entry or os.getcwd() for entry in sys.path)
    return {**os.environ, "PYTHONPATH": path}


def _serve(
    pipes: list[Connection], clickhouse: ClickHouse, progress: Progress | None
) -> ProjectorStats:
    total = ProjectorStats()
    open_pipes = list(pipes)
    while open_pipes:
        for ready in wait(open_pipes):
            assert isinstance(ready, Connection)
            try:
                kind, *body = ready.recv()
            except (EOFError, OSError):
                raise RuntimeError("a replay worker died without a word") from None
            if kind == "rows":
                table, columns, data = body
                clickhouse.insert_arrow_stream(table, columns, data)
            elif kind == "progress":
                if progress is not None:
                    progress(body[0])
            elif kind == "done":
                stats: ProjectorStats = body[0]
                total.records += stats.records
                total.dead_letters += stats.dead_letters
                total.redis_records_applied += stats.redis_records_applied
                for table, count in stats.rows.items():
                    total.rows[table] = total.rows.get(table, 0) + count
                total.seconds = max(total.seconds, stats.seconds)
                open_pipes.remove(ready)
            else:
                raise RuntimeError(f"a replay worker failed:\n{body[0]}")
    return total


class _ArrowShipper:
    """A worker's RowSink: each insert goes to the parent as an Arrow stream."""

    def __init__(self, pipe: Connection) -> None:
        self._pipe = pipe
        self._types: dict[str, dict[str, str]] | None = None

    def insert(self, table: str, rows: Sequence[Sequence[Any]], columns: Sequence[str]) -> None:
        if not rows:
            return
        if self._types is None:
            self._types = self._pipe.recv()
        assert self._types is not None
        data = arrow_ipc(arrow_table(rows, columns, self._types[table]))
        self._pipe.send(("rows", table, list(columns), data))


def _worker_main(fd: int) -> None:
    pipe = Connection(fd)
    try:
        stats = _rebuild_share(pipe.recv(), pipe)
    except BaseException:
        pipe.send(("error", traceback.format_exc()))
        raise
    pipe.send(("done", stats))
    pipe.close()


def _rebuild_share(plan: WorkerPlan, pipe: Connection) -> ProjectorStats:
    client = redis.Redis.from_url(plan.settings.redis_url)
    source = LogSource(
        plan.settings.kafka_bootstrap,
        plan.group_id,
        plan.topics,
        from_beginning=True,
        until=plan.until,
        only=plan.streams,
    )
    try:
        projector = Projector(
            source,
            RedisSink(client, plan.namespace),
            _ArrowShipper(pipe),
            PROJECTIONS,
            registry(),
            None,
            commit=False,
            announce=False,
            flush_interval=plan.flush_interval,
            max_poll=plan.max_poll,
            max_buffered_rows=plan.max_buffered_rows,
            progress=lambda n: pipe.send(("progress", n)),
        )
        return projector.run(exit_at_end=True)
    finally:
        source.close()
        client.close()


if __name__ == "__main__":
    _worker_main(int(sys.argv[1]))
