"""The projector process: `python -m projections.runner`.

Builds the real adapters (Kafka, Redis, ClickHouse, dead-letter producer),
projects every domain's topics into one namespace, and, since it owns that
namespace's chDB, answers analysts on settings.analytics_url (`POST /sql`,
for callers holding the platform's analytics token: the gateway, `onelog sql`).

    --namespace NS          read models to write (default: ONELOG_NAMESPACE)
    --from-beginning        read from offset 0 instead of the committed position
    --until-offset N        point in time: records at offsets <= N per partition
    --until-timestamp T     point in time: records up to T (ISO 8601 or epoch ms)
    --exit-at-end           stop once caught up (replay, tests)
    --no-analytics          do not serve POST /sql
"""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType
from typing import Any
from urllib.parse import urlparse

import redis

from infra.domains import domain_modules
from infra.settings import Settings, load_settings
from projections.analytics_app import create_analytics_app
from projections.analytics_token import analytics_token
from projections.clickhouse import ClickHouse, check_namespace, open_clickhouse
from projections.dead_letters import DeadLetterQueue, ensure_dlq_topics
from projections.log_source import LogSource, Until
from projections.projection import Projection
from projections.projector import Progress, Projector, ProjectorStats, create_tables
from projections.redis_sink import RedisSink
from schemas.registry import registry

log = logging.getLogger("onelog.projector")

# Every domain's projection (projections/<domain>/__init__.py: PROJECTION),
# and every topic they read (all archived).
PROJECTIONS: tuple[Projection, ...] = tuple(
    domain.PROJECTION for domain in domain_modules("projections")
)
TOPICS: tuple[str, ...] = tuple(topic for p in PROJECTIONS for topic in p.topics)


@dataclass(frozen=True)
class ProjectorOptions:
    namespace: str
    topics: tuple[str, ...] = TOPICS
    from_beginning: bool = False
    until: Until | None = None
    exit_at_end: bool = False
    # Replay writes no dead letters (live did), commits no positions and
    # announces nothing on pub/sub (nobody listens to a rebuild).
    dead_letters: bool = True
    commit: bool = True
    announce: bool = True
    group_id: str | None = None
    # Defaults of settings.projector_flush_s, _batch_max, _fetch_wait_ms.
    flush_interval: float = 1.0
    max_poll: int = 5000
    fetch_wait_ms: int = 10
    max_buffered_rows: int = 200_000


def parse_until(text: str | int | None) -> Until | None:
    """An offset (an int, or digits) or a time (ISO 8601; naive means UTC)."""
    if text is None:
        return None
    if isinstance(text, int) or text.isdigit():
        return Until(offset=int(text))
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return Until(timestamp_ms=int(moment.timestamp() * 1000))


def _until_timestamp(text: str) -> Until:
    if text.isdigit():
        return Until(timestamp_ms=int(text))
    until = parse_until(text)
    assert until is not None
    return until


def run_projector(
    settings: Settings,
    options: ProjectorOptions,
    *,
    clickhouse: ClickHouse | None = None,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> ProjectorStats:
    """Project the log into options.namespace until stopped or caught up.

    Pass `clickhouse` when the caller already owns it (the process serving
    analysts); otherwise this opens and closes the namespace's own.
    """
    namespace = check_namespace(options.namespace)
    group_id = options.group_id or f"onelog-projector-{namespace}"
    owned = clickhouse is None
    ch = clickhouse or open_clickhouse(settings, namespace)
    redis_client = redis.Redis.from_url(settings.redis_url)
    dead_letters: DeadLetterQueue | None = None
    source: LogSource | None = None
    try:
        if options.dead_letters:
            ensure_dlq_topics(settings.kafka_bootstrap, options.topics)
            dead_letters = DeadLetterQueue(settings.kafka_bootstrap, group_id)
        source = LogSource(
            settings.kafka_bootstrap,
            group_id,
            options.topics,
            from_beginning=options.from_beginning,
            until=options.until,
            fetch_wait_ms=options.fetch_wait_ms,
        )
        projector = Projector(
            source,
            RedisSink(redis_client, namespace),
            ch,
            PROJECTIONS,
            registry(),
            dead_letters,
            commit=options.commit,
            announce=options.announce,
            flush_interval=options.flush_interval,
            max_poll=options.max_poll,
            max_buffered_rows=options.max_buffered_rows,
            progress=progress,
        )
        create_tables(ch, PROJECTIONS)
        # What is loaded by now (modules, the engine's bindings) lives as long
        # as the process: keep the cyclic collector from rescanning it, a
        # pause of 10 ms or more on the path to Redis every so often.
        gc.freeze()
        return projector.run(exit_at_end=options.exit_at_end, stop=stop)
    finally:
        if source is not None:
            source.close()
        if dead_letters is not None:
            dead_letters.close()
        redis_client.close()
        if owned:
            ch.close()


def _serve_analytics(clickhouse: ClickHouse, url: str, token: str) -> tuple[threading.Thread, Any]:
    import uvicorn

    parsed = urlparse(url)
    config = uvicorn.Config(
        create_analytics_app(clickhouse, token),
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 80,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="analytics", daemon=True)
    thread.start()
    return thread, server


def _options(args: argparse.Namespace, settings: Settings) -> ProjectorOptions:
    until = None
    if args.until_offset is not None:
        until = Until(offset=args.until_offset)
    elif args.until_timestamp is not None:
        until = _until_timestamp(args.until_timestamp)
    return ProjectorOptions(
        namespace=args.namespace or settings.namespace,
        from_beginning=args.from_beginning,
        until=until,
        exit_at_end=args.exit_at_end,
        flush_interval=settings.projector_flush_s,
        max_poll=settings.projector_batch_max,
        fetch_wait_ms=settings.projector_fetch_wait_ms,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m projections.runner", description=__doc__)
    parser.add_argument("--namespace")
    parser.add_argument("--from-beginning", action="store_true")
    point = parser.add_mutually_exclusive_group()
    point.add_argument("--until-offset", type=int)
    point.add_argument("--until-timestamp")
    parser.add_argument("--exit-at-end", action="store_true")
    parser.add_argument("--no-analytics", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = load_settings()
    options = _options(args, settings)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: finishing the current batch", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    clickhouse = open_clickhouse(settings, options.namespace)
    server = thread = None
    try:
        if not (args.no_analytics or args.exit_at_end):
            token = analytics_token(settings.state_dir)
            thread, server = _serve_analytics(clickhouse, settings.analytics_url, token)
            log.info("analytics: POST %s/sql", settings.analytics_url)
        log.info("projecting %s into namespace %r", ", ".join(options.topics), options.namespace)
        stats = run_projector(settings, options, clickhouse=clickhouse, stop=stop)
        log.info("stopped: %s", stats)
    finally:
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(10)
        clickhouse.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
