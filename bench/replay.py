"""Replay speed: rebuilding every exchange read model from offset 0.

Times `projections.replay.replay(namespace, None)`: the projector reading
every exchange topic from the start into a fresh namespace (Redis key prefix
and its own chDB), exactly what `onelog replay` does. The figure is replay's
own count of records over its own clock, i.e. events/s of the whole rebuild.

Needs a log: if the exchange topics hold fewer than `--min-records`, it first
writes a synthetic session decided offline by the pure cores
(bench/exchange_session.py: commands as the gateway writes them, facts in
transactions as the stages do, about eight records per order) until they
do. That takes seconds, whatever the stages' speed, and no worker runs.

Starts Kafka and Redis if they are not running, on the read-side benchmarks'
own ports and state folder (bench/read_side.py: the log stays there for the
next run), stops only what it started, and deletes the rebuilt namespace
afterwards.

    python -m bench.replay [--min-records N] [--repeat R]
"""

from __future__ import annotations

import argparse
import shutil
import time

import redis
from confluent_kafka import Consumer, TopicPartition

from bench import support
from bench.exchange_session import SessionShape, write_session
from bench.read_side import read_side_settings
from infra.settings import Settings
from projections.clickhouse import chdb_path_for
from projections.exchange import PROJECTION as EXCHANGE
from projections.redis_sink import delete_namespace
from projections.replay import replay


def records_on_log(settings: Settings) -> int:
    """Offsets spanned by the exchange topics (transaction markers included,
    so slightly more than the records replay will count)."""
    consumer = Consumer({"bootstrap.servers": settings.kafka_bootstrap, "group.id": "bench-count"})
    try:
        metadata = consumer.list_topics(timeout=30)
        total = 0
        for topic in EXCHANGE.topics:
            for partition in metadata.topics[topic].partitions:
                low, high = consumer.get_watermark_offsets(
                    TopicPartition(topic, partition), timeout=10
                )
                total += high - low
        return total
    finally:
        consumer.close()


def grow_log(settings: Settings, missing: int) -> None:
    print(f"the log lacks ~{missing:,} records: writing a synthetic session")
    started = time.monotonic()
    written = write_session(settings.kafka_bootstrap, SessionShape(support.run_tag()), missing)
    print(f"  wrote {written:,} records in {time.monotonic() - started:.1f} s")


def forget_namespace(settings: Settings, namespace: str) -> None:
    client = redis.Redis.from_url(settings.redis_url)
    try:
        delete_namespace(client, namespace)
    finally:
        client.close()
    if not settings.clickhouse_url:
        shutil.rmtree(chdb_path_for(settings, namespace), ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-records", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    settings = read_side_settings()
    print(support.machine_line())
    support.stop_on_sigterm()
    with support.platform_running(
        settings, worker=False, projector=False, gateway=False
    ) as running:
        print(running.describe())
        on_log = records_on_log(settings)
        if on_log < args.min_records:
            # Offsets count transaction markers too: a little more, so that
            # at least --min-records records are there to replay.
            missing = args.min_records - on_log
            grow_log(settings, missing + missing // 50)
            on_log = records_on_log(settings)
        print(f"exchange topics span {on_log:,} offsets")
        for attempt in range(1, args.repeat + 1):
            namespace = f"benchreplay_{support.run_tag().lower()}"
            try:
                result = replay(namespace, None, settings=settings)
            finally:
                forget_namespace(settings, namespace)
            print(f"run {attempt}: {result.records:,} records in {result.seconds:.2f} s = "
                  f"{result.events_per_second:,.0f} events/s "
                  f"({result.dead_letters} undecodable)")  # fmt: skip


if __name__ == "__main__":
    main()
