"""The projector's share of 202 -> visible: from a fact committed on its topic
to the moment it is visible in Redis (the projector announces each market
fact on the symbol's pub/sub channel in the same script that writes it, so
the announcement is the moment it became visible).

Load: a synthetic exchange session decided offline by the pure cores
(bench/exchange_session.py), replayed onto the log at a fixed rate of orders
(default 1,000 orders/s, which is about ten records per order: the command,
risk's acceptance and reservation, matching's market facts, the fills and
settlement's balance moves). Commands go out as the gateway sends them;
facts in a Kafka transaction every `--transaction-ms` (default 10 ms), as a
stage commits its batches. The clock starts when commit_transaction returns
and stops when a separate process (so the producer's work does not delay the
timestamps) receives the fact's message on pub/sub: every market fact, and
trades on their own ("trade visible").

Runs its own projector (namespace `benchlat<tag>`, no analytics port) that
starts at the end of the log, with the projector settings of this process's
environment (ONELOG_PROJECTOR_FETCH_WAIT_MS, _BATCH_MAX, _FLUSH_S) or the
flags below; starts Kafka and Redis when they are not running (the
read-side benchmarks' own ports and state folder, bench/read_side.py) and
stops what it started.

    python -m bench.projector_latency [--orders-per-second 1000] [--seconds 20]
        [--transaction-ms 10] [--fetch-wait-ms N] [--batch-max N] [--flush-s S]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import orjson
import redis
from confluent_kafka import Consumer, TopicPartition

from bench import support
from bench.exchange_session import Entry, LogWriter, OfflineExchange, SessionShape, commands
from bench.read_side import read_side_settings
from infra import processes
from infra.settings import REPO_ROOT, Settings
from infra.topics import topic_of
from onelog import platform
from projections.runner import TOPICS
from schemas import exchange as ex
from schemas.registry import registry

MARKET_TOPIC = "exchange.market"


@dataclass(frozen=True)
class Order:
    """One command's records, and the market facts among them: (symbol, seq, trade?)."""

    entries: list[Entry]
    market: list[tuple[str, int, bool]]


def decided_orders(shape: SessionShape) -> Iterator[Order]:
    """The session's commands (listings and funding first), each with every
    record it causes, encoded."""
    exchange = OfflineExchange()
    encode = registry().encode
    for command in commands(shape):
        entries, market = [], []
        for record in exchange.decide(command):
            topic = topic_of(record.schema_name).name
            entries.append(Entry(topic, record.envelope.key.encode(), encode(record),
                                 fact=record is not command))  # fmt: skip
            if topic == MARKET_TOPIC:
                trade = isinstance(record, ex.TradeExecuted)
                market.append((record.symbol, record.seq, trade))  # type: ignore[attr-defined]
        yield Order(entries, market)


def listen(
    redis_url: str,
    pattern: str,
    ready: EventType,
    stop: EventType,
    count: Synchronized[int],
    out: Connection,
) -> None:
    """Child process: when each market message arrives (monotonic clock,
    shared by every process on Linux); parsed only once the run is over.
    `count` tells the parent how many have come."""
    client = redis.Redis.from_url(redis_url)
    # redis-py leaves Redis.pubsub unannotated; it returns a PubSub.
    pubsub: redis.client.PubSub = client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
    pubsub.psubscribe(pattern)
    ready.set()
    seen: list[tuple[float, bytes]] = []
    while not stop.is_set():
        message = pubsub.get_message(timeout=0.1)
        if message is not None:
            seen.append((time.monotonic(), message["data"]))
            count.value = len(seen)
    pubsub.close()
    client.close()
    arrivals = {}
    for at, data in seen:
        fact = orjson.loads(data)
        arrivals[(fact["symbol"], fact["seq"])] = at
    out.send(arrivals)
    out.close()


def start_at_log_end(settings: Settings, group: str) -> None:
    """Commit the projector group's positions at the end of every partition
    it reads, so the projector reads only what this run writes."""
    consumer = Consumer({"bootstrap.servers": settings.kafka_bootstrap, "group.id": group,
                         "enable.auto.commit": False})  # fmt: skip
    try:
        metadata = consumer.list_topics(timeout=30)
        ends = []
        for topic in TOPICS:
            if topic not in metadata.topics:
                continue  # not created: nothing to skip
            for partition in metadata.topics[topic].partitions:
                _, high = consumer.get_watermark_offsets(
                    TopicPartition(topic, partition), timeout=10
                )
                ends.append(TopicPartition(topic, partition, high))
        consumer.commit(offsets=ends, asynchronous=False)
    finally:
        consumer.close()


def projector_environment(settings: Settings, args: argparse.Namespace) -> dict[str, str]:
    env = platform.settings_env(settings)
    knobs = {"FETCH_WAIT_MS": args.fetch_wait_ms, "BATCH_MAX": args.batch_max,
             "FLUSH_S": args.flush_s}  # fmt: skip
    for name, value in knobs.items():
        if value is not None:
            env[f"ONELOG_PROJECTOR_{name}"] = str(value)
    return env


def produce_at_rate(
    writer: LogWriter, orders: list[Order], rate: float, transaction_s: float
) -> tuple[dict[tuple[str, int], tuple[float, bool]], float, int]:
    """Orders due by now go out each tick, their facts in one transaction.
    Returns each market fact's commit time, the seconds it took and the
    number of ticks that started late (behind by more than a tick)."""
    committed: dict[tuple[str, int], tuple[float, bool]] = {}
    started = time.monotonic()
    sent = late = 0
    while sent < len(orders):
        tick = time.monotonic()
        due = min(len(orders), int((tick - started) * rate) + 1)
        for order in orders[sent:due]:
            for entry in order.entries:
                writer.write(entry)
        writer.commit()
        at = time.monotonic()
        for order in orders[sent:due]:
            for symbol, seq, trade in order.market:
                committed[(symbol, seq)] = (at, trade)
        sent = due
        pause = tick + transaction_s - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        elif pause < -transaction_s:
            late += 1
    return committed, time.monotonic() - started, late


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders-per-second", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--transaction-ms", type=float, default=10.0)
    parser.add_argument("--fetch-wait-ms", type=int)
    parser.add_argument("--batch-max", type=int)
    parser.add_argument("--flush-s", type=float)
    parser.add_argument("--drain-s", type=float, default=120.0,
                        help="how long to wait for the last facts to be visible")  # fmt: skip
    args = parser.parse_args()

    settings = read_side_settings()
    print(support.machine_line())
    support.stop_on_sigterm()
    tag = support.run_tag()
    namespace = f"benchlat{tag.lower()}"
    shape = SessionShape(tag)
    setup_commands = shape.symbols + shape.accounts * (1 + shape.symbols)
    measured = int(args.orders_per_second * args.seconds)
    print(f"deciding {measured:,} orders offline ...")
    decided = decided_orders(shape)
    setup = [next(decided) for _ in range(setup_commands)]
    orders = [next(decided) for _ in range(measured)]
    records = sum(len(o.entries) for o in orders)

    with support.platform_running(
        settings, worker=False, projector=False, gateway=False
    ) as running:
        print(running.describe())
        name = f"projector-{namespace}"
        start_at_log_end(settings, f"onelog-projector-{namespace}")
        command = [sys.executable, "-m", "projections.runner", "--namespace", namespace,
                   "--no-analytics"]  # fmt: skip
        processes.start(settings.state_dir, name, command,
                        env=projector_environment(settings, args), cwd=REPO_ROOT)  # fmt: skip
        context = mp.get_context("spawn")
        ready, stop = context.Event(), context.Event()
        count: Synchronized[int] = context.Value("q", 0)
        receiving, sending = context.Pipe(duplex=False)
        pattern = f"{namespace}:exchange:feed:*"
        listener = context.Process(target=listen, args=(settings.redis_url, pattern, ready,
                                                        stop, count, sending))  # fmt: skip
        listener.start()
        writer = LogWriter(settings.kafka_bootstrap, f"bench-latency-{tag}", 1_000_000)
        try:
            if not ready.wait(30):
                raise SystemExit("the pub/sub listener did not start")
            for order in setup:
                for entry in order.entries:
                    writer.write(entry)
            writer.commit()
            print("setup written; waiting for the projector to show the listings ...")
            listed = sum(len(order.market) for order in setup)
            support.wait_until(lambda: count.value >= listed, 120, "the listings on pub/sub")
            support.require_alive(settings, [name])
            print(f"producing {measured:,} orders ({records:,} records) at "
                  f"{args.orders_per_second:,.0f} orders/s, a transaction every "
                  f"{args.transaction_ms:g} ms")  # fmt: skip
            committed, took, late = produce_at_rate(
                writer, orders, args.orders_per_second, args.transaction_ms / 1000
            )
            # The tail: every market fact seen, or the projector is far behind.
            expected = listed + len(committed)
            deadline = time.monotonic() + args.drain_s
            while count.value < expected and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            stop.set()
            writer.close()
            arrivals = receiving.recv() if receiving.poll(60) else {}
            listener.join(30)
            projector_cpu = _cpu_seconds(processes.running_pid(settings.state_dir, name))
            processes.stop(settings.state_dir, name)
            _forget(settings, namespace)

    report(committed, arrivals, took, late, measured, records, args)
    total = records + sum(len(order.entries) for order in setup)
    print(f"projector CPU: {projector_cpu:.1f} s for {total:,} records "
          f"({projector_cpu / total * 1e6:.0f} µs a record)")  # fmt: skip


def _cpu_seconds(pid: int | None) -> float:
    """User and system CPU a running process has used (Linux /proc)."""
    if pid is None:
        return float("nan")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _forget(settings: Settings, namespace: str) -> None:
    from projections.clickhouse import chdb_path_for
    from projections.redis_sink import delete_namespace

    client = redis.Redis.from_url(settings.redis_url)
    try:
        delete_namespace(client, namespace)
    finally:
        client.close()
    path = chdb_path_for(settings, namespace)
    if path.exists() and not settings.clickhouse_url:
        import shutil

        shutil.rmtree(path, ignore_errors=True)


def report(
    committed: dict[tuple[str, int], tuple[float, bool]],
    arrivals: dict[tuple[str, int], float],
    took: float,
    late: int,
    measured: int,
    records: int,
    args: argparse.Namespace,
) -> None:
    every, trades = [], []
    for key, (at, trade) in committed.items():
        seen = arrivals.get(key)
        if seen is not None:
            every.append(seen - at)
            if trade:
                trades.append(seen - at)
    missing = len(committed) - len(every)
    print(f"offered {measured / took:,.0f} orders/s ({records / took:,.0f} records/s) for "
          f"{took:.1f} s; {late} ticks started more than a tick late")  # fmt: skip
    knobs = {k: os.environ.get(f"ONELOG_PROJECTOR_{k.upper()}", "default")
             for k in ("fetch_wait_ms", "batch_max", "flush_s")}  # fmt: skip
    for name in knobs:
        if getattr(args, name) is not None:
            knobs[name] = str(getattr(args, name))
    print("projector settings: " + ", ".join(f"{k}={v}" for k, v in knobs.items()))
    print(f"commit -> trade visible in Redis: {support.latency_summary(trades)}")
    print(f"commit -> any market fact visible: {support.latency_summary(every)}")
    if missing:
        print(f"{missing:,} market facts never seen on pub/sub (of {len(committed):,})")


if __name__ == "__main__":
    main()
