"""Replay speed: rebuilding every exchange read model from offset 0.

Times `projections.replay.replay(namespace, None)`: the projector reading
every exchange topic from the start into a fresh namespace (Redis key prefix
and its own chDB), exactly what `onelog replay` does. The figure is replay's
own count of records over its own clock, i.e. events/s of the whole rebuild.

Needs a log: if the exchange topics hold fewer than `--min-records`, it first
runs orders through the pipeline (as bench/pipeline.py (a) does; about eight
records per order on the six topics) until they do.

Starts Kafka and Redis if they are not running (plus a Faust worker only when
the log must grow), with the benchmark's own ports and state folder
(bench/support.py), stops only what it started, and deletes the rebuilt
namespace afterwards.

    python -m bench.replay [--min-records N] [--repeat R]
"""

from __future__ import annotations

import argparse
import shutil

import redis
from confluent_kafka import Consumer, TopicPartition

from bench import pipeline, support
from infra.settings import Settings
from projections.clickhouse import chdb_path_for
from projections.exchange import TOPICS
from projections.redis_sink import delete_namespace
from projections.replay import replay

RECORDS_PER_ORDER = 8  # PlaceOrder, OrderAccepted, market facts, fills, balance moves


def records_on_log(settings: Settings) -> int:
    """Offsets spanned by the exchange topics (transaction markers included,
    so slightly more than the records replay will count)."""
    consumer = Consumer({"bootstrap.servers": settings.kafka_bootstrap, "group.id": "bench-count"})
    try:
        metadata = consumer.list_topics(timeout=30)
        total = 0
        for topic in TOPICS:
            for partition in metadata.topics[topic].partitions:
                low, high = consumer.get_watermark_offsets(
                    TopicPartition(topic, partition), timeout=10
                )
                total += high - low
        return total
    finally:
        consumer.close()


def grow_log(settings: Settings, missing: int) -> None:
    orders = missing // RECORDS_PER_ORDER + 1
    print(f"the log lacks ~{missing:,} records: running {orders:,} orders through the pipeline")
    with support.platform_running(settings, projector=False, gateway=False):
        market = pipeline.new_market(4, 200)
        pipeline.prepare_market(settings, market)
        result = pipeline.measure_throughput(settings, market, orders, seed=11)
        print(f"  done in {result.total_seconds:.1f} s")


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
    parser.add_argument("--min-records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    settings = support.bench_settings()
    print(support.machine_line())
    support.stop_on_sigterm()
    with support.platform_running(
        settings, worker=False, projector=False, gateway=False
    ) as running:
        print(running.describe())
        on_log = records_on_log(settings)
        if on_log < args.min_records:
            grow_log(settings, args.min_records - on_log)
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
