"""Replay and verify: a projector is a function of the log.

`replay` rebuilds every read model from offset 0 into a fresh namespace (its
Redis prefix wiped, its ClickHouse database dropped), optionally only up to a
point in time. `verify` compares canonical digests of two namespaces' read
models and lists the differences (empty = equal).

With chDB, the rebuilt namespace lives in its own data path (the projector
process holds the live one); the live ClickHouse is then digested by the
running projector, on its operator path (`POST /digests`, the platform's
token; projections/digests.py), not through the analysts' SQL and its bounds.

A rebuild runs the live projector's pure step in worker processes, one share
of the partitions each (projections/replay_workers.py): the same writes and
rows, on every core. This process folds the Redis writes in memory and
writes each key once at the end (projections/redis_fold.py), and inserts
the rows in large blocks on a thread of its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import redis

from infra.settings import Settings, load_settings
from projections.analytics_token import analytics_token
from projections.clickhouse import check_namespace, open_clickhouse
from projections.digests import DIGESTS_WAIT_S, table_digests
from projections.insert_queue import InsertQueue
from projections.log_source import Stream, Until, log_sizes
from projections.projector import ProjectorStats, create_tables
from projections.redis_fold import RedisFold
from projections.redis_sink import canonical_dump, delete_namespace
from projections.replay_workers import ReplayWorkers, WorkerPlan, share_streams
from projections.runner import PROJECTIONS, TOPICS, parse_until

# The Redis keys of every projection's read model (Projection.redis_keys):
# what verify compares. Other keys a namespace holds (the gateway's, the
# offsets bookkeeping, the judge's live progress) are no read model.
READ_MODEL_KEYS: tuple[str, ...] = tuple(prefix for p in PROJECTIONS for prefix in p.redis_keys)
MAX_LISTED_DIFFERENCES = 50
# Worker processes of a rebuild: one per core (on 2 cores, 2 beat 1 and 3;
# this process's fold and chDB's inserts take about a quarter of one).
DEFAULT_WORKERS = min(os.cpu_count() or 1, 4)
# Records a worker takes from Kafka at a time.
MAX_POLL = 20_000
# Rows per ClickHouse insert (a block per table): about a third of a worker's
# share, within bounds. Few large inserts leave chDB fewer parts to merge;
# inserts spread over the rebuild, rather than all at its end, keep it short.
BLOCKS_PER_SHARE = 3
BLOCK_ROWS = (50_000, 250_000)
# Row blocks waiting for chDB before the workers wait too (memory stays bounded).
PENDING_BLOCKS = 4


@dataclass(frozen=True)
class ReplayResult:
    namespace: str
    records: int
    dead_letters: int
    seconds: float
    events_per_second: float
    until: str | None

    def __str__(self) -> str:
        point = f" up to {self.until}" if self.until else ""
        return (
            f"rebuilt namespace {self.namespace!r}{point}: {self.records} records "
            f"({self.dead_letters} undecodable) in {self.seconds:.1f}s, "
            f"{self.events_per_second:,.0f} events/s"
        )


def replay(
    namespace: str,
    until: int | str | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    settings: Settings | None = None,
    topics: tuple[str, ...] | None = None,
    workers: int | None = None,
    total: Callable[[int], None] | None = None,
) -> ReplayResult:
    """Rebuild every read model from offset 0 into `namespace` (wiped first),
    in `workers` processes (default: one per core, at most 4). `progress`
    hears of each batch's records; `total` of the records there are to read
    (at most: transaction markers take offsets too).

    `until`: an offset (int: records at offsets <= it in each partition) or a
    time (ISO 8601 text, or epoch milliseconds as text with a leading '@').
    """
    settings = settings or load_settings()
    check_namespace(namespace)
    if namespace == settings.namespace:
        raise ValueError(f"refusing to rebuild into the live namespace {namespace!r}")
    started = time.monotonic()
    client = redis.Redis.from_url(settings.redis_url)
    # Wiped while the workers read: nothing writes Redis before the end.
    wiping = _Wiping(client, namespace)
    replay_workers = ReplayWorkers(workers or DEFAULT_WORKERS)
    spool = Path(tempfile.mkdtemp(prefix="onelog-replay-", dir=_spool_parent(settings)))
    try:
        topics = topics or TOPICS
        sizes = log_sizes(settings.kafka_bootstrap, topics)
        if total is not None:
            total(sum(sizes.values()))
        shares = share_streams(sizes, workers or DEFAULT_WORKERS) or [[]]
        point = _until(until)
        plans = [
            _plan(settings, namespace, topics, point, share, spool, _block_rows(sizes, share))
            for share in shares
        ]
        replay_workers.start(plans)
        stats = _rebuild(settings, namespace, replay_workers, wiping, client, progress)
    finally:
        replay_workers.close()
        shutil.rmtree(spool, ignore_errors=True)
        wiping.done()
        client.close()
    seconds = max(time.monotonic() - started, 1e-9)
    return ReplayResult(
        namespace=namespace,
        records=stats.records,
        dead_letters=stats.dead_letters,
        seconds=round(seconds, 3),
        events_per_second=round(stats.records / seconds, 1),
        until=None if until is None else str(until),
    )


class _Wiping:
    """The namespace's old Redis keys deleted on a thread of its own."""

    def __init__(self, client: redis.Redis, namespace: str) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._wipe, args=(client, namespace))
        self._thread.start()

    def _wipe(self, client: redis.Redis, namespace: str) -> None:
        try:
            delete_namespace(client, namespace)
        except BaseException as exc:  # raised in the caller's thread by done()
            self._error = exc

    def done(self, timeout_s: float = 300.0) -> None:
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            raise TimeoutError(f"deleting the old keys took more than {timeout_s:.0f} s")
        if self._error is not None:
            raise self._error


def _rebuild(
    settings: Settings,
    namespace: str,
    replay_workers: ReplayWorkers,
    wiping: _Wiping,
    client: redis.Redis,
    progress: Callable[[int], None] | None,
) -> ProjectorStats:
    """Workers read and project; this process folds, inserts, then writes Redis."""
    clickhouse = open_clickhouse(settings, namespace)
    try:
        clickhouse.drop_database()
        create_tables(clickhouse, PROJECTIONS)
        fold = RedisFold()
        inserts: InsertQueue[None] = InsertQueue("replay-inserts", PENDING_BLOCKS)
        try:
            stats = replay_workers.serve(clickhouse, fold, inserts, progress)
            wiping.done()
            fold.write(client, namespace)  # while the last blocks go in
        finally:
            inserts.close()
    finally:
        clickhouse.close()
    return stats


def _plan(
    settings: Settings,
    namespace: str,
    topics: tuple[str, ...],
    until: Until | None,
    share: list[Stream],
    spool: Path,
    rows_per_block: int,
) -> WorkerPlan:
    return WorkerPlan(
        settings=settings,
        namespace=namespace,
        topics=topics,
        streams=tuple(share),
        until=until,
        group_id=f"onelog-replay-{namespace}",
        max_poll=MAX_POLL,
        rows_per_block=rows_per_block,
        spool=str(spool),
    )


def _block_rows(sizes: Mapping[Stream, int], share: list[Stream]) -> int:
    smallest, largest = BLOCK_ROWS
    return min(max(sum(sizes.get(s, 0) for s in share) // BLOCKS_PER_SHARE, smallest), largest)


def _spool_parent(settings: Settings) -> Path:
    """Memory-backed when the machine has /dev/shm; else the state folder."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    return settings.state_dir


def _until(until: int | str | None) -> Until | None:
    if isinstance(until, str) and until.startswith("@"):
        return Until(timestamp_ms=int(until[1:]))
    return parse_until(until)


def verify(live: str, rebuilt: str, *, settings: Settings | None = None) -> list[str]:
    """The differences between two namespaces' read models; [] when equal."""
    settings = settings or load_settings()
    differences = redis_differences(settings, live, rebuilt)
    differences += clickhouse_differences(settings, live, rebuilt)
    if len(differences) > MAX_LISTED_DIFFERENCES:
        hidden = len(differences) - MAX_LISTED_DIFFERENCES
        differences = [*differences[:MAX_LISTED_DIFFERENCES], f"... and {hidden} more"]
    return differences


def redis_dump(settings: Settings, namespace: str) -> dict[str, str]:
    client = redis.Redis.from_url(settings.redis_url)
    try:
        dump = canonical_dump(client, namespace)
    finally:
        client.close()
    return {k: v for k, v in dump.items() if k.startswith(READ_MODEL_KEYS)}


def redis_differences(settings: Settings, live: str, rebuilt: str) -> list[str]:
    left, right = redis_dump(settings, live), redis_dump(settings, rebuilt)
    return _differences("redis", left, right, live, rebuilt, shown=_short)


def _differences(
    store: str,
    left: dict[str, str],
    right: dict[str, str],
    live: str,
    rebuilt: str,
    shown: Callable[[str], str] = str,
) -> list[str]:
    """One line per name present in one side only, or with different values."""
    out = []
    for name in sorted(left.keys() | right.keys()):
        if name not in right:
            out.append(f"{store} {name}: only in {live}")
        elif name not in left:
            out.append(f"{store} {name}: only in {rebuilt}")
        elif left[name] != right[name]:
            out.append(
                f"{store} {name}: {live} {shown(left[name])} != {rebuilt} {shown(right[name])}"
            )
    return out


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def clickhouse_digests(settings: Settings, namespace: str) -> dict[str, str]:
    """Per table: row count and an order-free hash (projections/digests.py).
    From the running projector when it owns the namespace's chDB (its
    operator path, `POST /digests`), else from the namespace's own."""
    answered = _projector_digests(settings, namespace)
    if answered is not None:
        return answered
    clickhouse = open_clickhouse(settings, namespace)
    try:
        return table_digests(clickhouse.operator_read, namespace)
    finally:
        clickhouse.close()


def _projector_digests(settings: Settings, namespace: str) -> dict[str, str] | None:
    """The running projector's digests when it owns this namespace's chDB, else None."""
    if settings.clickhouse_url:
        return None
    try:
        health = httpx.get(f"{settings.analytics_url}/healthz", timeout=2).json()
    except (httpx.HTTPError, ValueError):
        return None
    if health.get("namespace") != namespace:
        return None
    token = {"Authorization": f"Bearer {analytics_token(settings.state_dir)}"}
    response = httpx.post(f"{settings.analytics_url}/digests", headers=token,
                          timeout=DIGESTS_WAIT_S)  # fmt: skip
    response.raise_for_status()
    digests: dict[str, str] = response.json()["digests"]
    return digests


def clickhouse_differences(settings: Settings, live: str, rebuilt: str) -> list[str]:
    left, right = clickhouse_digests(settings, live), clickhouse_digests(settings, rebuilt)
    return _differences("clickhouse", left, right, live, rebuilt)
