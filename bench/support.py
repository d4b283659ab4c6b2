"""What the pipeline, HTTP and replay benchmarks share: their own platform on
their own ports, command records as the gateway writes them, a fast producer,
a read_committed follower of fact topics, and percentiles.

Benchmarks run beside other people's tests on a shared machine, so every
setting defaults to a private state folder and private ports (override any of
them with the usual ONELOG_* variables).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, Producer, TopicPartition

from gateway.auth import create_api_key
from infra import kafka_broker, processes, redis_server
from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import REPO_ROOT, Settings, load_settings
from infra.topic_admin import wait_for_group_coordinator
from infra.topics import topic_of
from onelog import platform
from schemas import exchange as ex
from schemas.envelope import Record
from schemas.registry import registry
from streams.sealing import seal_command

BENCH_ENVIRONMENT = {
    "ONELOG_STATE_DIR": "/tmp/onelog-bench",
    "ONELOG_KAFKA_BOOTSTRAP": "127.0.0.1:39092",
    "ONELOG_REDIS_URL": "redis://127.0.0.1:36379/0",
    "ONELOG_ANALYTICS_URL": "http://127.0.0.1:38124",
    "ONELOG_GATEWAY_PORT": "38080",
    # Each worker serves /readyz on its web port (this one and up): away from
    # `onelog up`'s and the test suite's.
    "ONELOG_WORKER_WEB_PORT": "36066",
}

# Benchmarks trade for many made-up accounts: the operator scope acts for all.
ALL_SCOPES = ("exchange:read", "exchange:write", "exchange:admin", "exchange:operator")


def stop_on_sigterm() -> None:
    """Treat SIGTERM (timeout, kill) like Ctrl-C, so `platform_running` still
    stops what it started (asyncio.run unwinds cleanly on KeyboardInterrupt)."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def bench_settings() -> Settings:
    """The benchmark's settings: its own ports and state folder unless overridden."""
    for name, value in BENCH_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    return load_settings()


# --- the platform -------------------------------------------------------------


def _kafka_up(settings: Settings) -> bool:
    host, port = settings.kafka_bootstrap.split(",")[0].rsplit(":", 1)
    return processes.port_open(host, int(port))


def _redis_up(settings: Settings) -> bool:
    port = int(settings.redis_url.rsplit(":", 1)[1].split("/")[0])
    return processes.port_open("127.0.0.1", port)


@dataclass
class RunningPlatform:
    settings: Settings
    started: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return "started here: " + (", ".join(self.started) if self.started else "nothing (reused)")


@contextmanager
def platform_running(
    settings: Settings, *, worker: bool = True, projector: bool = True, gateway: bool = True
) -> Iterator[RunningPlatform]:
    """Start whichever parts are not already running; stop only those on exit."""
    running = RunningPlatform(settings)
    try:
        if not _kafka_up(settings):
            running.started.append("kafka")
        if not _redis_up(settings):
            running.started.append("redis")
        platform.start_infrastructure(settings)
        wait_for_group_coordinator(settings.kafka_bootstrap)
        wanted: list[tuple[bool, str, Callable[[], object]]] = [
            (worker, platform.worker_name(1), lambda: platform.start_worker(settings, 1)),
            (projector, platform.PROJECTOR, lambda: platform.start_projector(settings)),
            (gateway, platform.GATEWAY, lambda: platform.start_gateway(settings)),
        ]
        for wanted_here, name, start in wanted:
            if wanted_here and processes.running_pid(settings.state_dir, name) is None:
                running.started.append(name)
                start()
        yield running
    finally:
        for name in reversed(running.started):
            if name == "kafka":
                kafka_broker.stop(settings)
            elif name == "redis":
                redis_server.stop(settings)
            else:
                processes.stop(settings.state_dir, name)


def require_alive(settings: Settings, names: Sequence[str]) -> None:
    """Fail with the log's tail if a service died (a worker that cannot bind, say)."""
    for name in names:
        if processes.running_pid(settings.state_dir, name) is None:
            log = processes.log_file(settings.state_dir, name)
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
            raise SystemExit(f"{name} is not running; end of {log}:\n{tail}")


def bench_api_key(settings: Settings, name: str) -> str:
    """A key with every scope and a rate limit no benchmark reaches."""
    return create_api_key(
        settings.api_keys_file,
        f"bench-{name}-{uuid.uuid4().hex[:6]}",
        ALL_SCOPES,
        rate_per_minute=600_000_000,
        burst=10_000_000,
    )


# --- records ------------------------------------------------------------------


def command(model: type[Record], **payload: Any) -> Record:
    """A record as the gateway would seal it."""
    return seal_command(model, payload, producer="bench")


def fingerprints(*models: type[Record]) -> dict[bytes, type[Record]]:
    """Writer fingerprints (every known version) of these models, so a reader
    can skip records it does not care about without decoding them."""
    wanted = {m.schema_name: m for m in models}
    return {fp: wanted[s["name"]] for fp, s in registry().schemas() if s["name"] in wanted}


def fingerprint_of(value: bytes) -> bytes:
    return bytes(value[2:10])


class CommandProducer:
    """confluent-kafka with the gateway's guarantees (acks=all, idempotent,
    Java's partitioner) and batching tuned for volume."""

    def __init__(self, bootstrap: str) -> None:
        self._producer = Producer({
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": True,
            "partitioner": LIBRDKAFKA_PARTITIONER,
            "linger.ms": 5,
            "batch.size": 1_000_000,
            "queue.buffering.max.messages": 2_000_000,
            "queue.buffering.max.kbytes": 2_000_000,
        })  # fmt: skip
        self.failed = 0

    def _on_delivery(self, err: Any, msg: Any) -> None:
        if err is not None:
            self.failed += 1

    def send_encoded(self, topic: str, key: bytes, value: bytes) -> None:
        while True:
            try:
                self._producer.produce(topic, key=key, value=value, on_delivery=self._on_delivery)
                return
            except BufferError:
                self._producer.poll(0.05)

    def send(self, records: Sequence[Record]) -> None:
        for record in records:
            self.send_encoded(*encoded(record))

    def poll(self) -> None:
        self._producer.poll(0)

    def flush(self, timeout: float = 60.0) -> None:
        if self._producer.flush(timeout) != 0 or self.failed:
            raise RuntimeError(f"Kafka did not acknowledge every record ({self.failed} failed)")


def encoded(record: Record) -> tuple[str, bytes, bytes]:
    """(topic, key, value) as the gateway writes them."""
    topic = topic_of(record.schema_name).name
    return topic, record.envelope.key.encode(), registry().encode(record)


class FactFollower:
    """Reads fact topics from their current ends, committed records only, and
    decodes only the record types asked for."""

    def __init__(self, bootstrap: str, topics: Sequence[str], models: Sequence[type[Record]]):
        self._consumer = Consumer({
            "bootstrap.servers": bootstrap,
            "group.id": f"bench-{uuid.uuid4()}",
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 10,
        })  # fmt: skip
        self._wanted = fingerprints(*models)
        metadata = self._consumer.list_topics(timeout=30)
        assignment = []
        for topic in topics:
            for partition in metadata.topics[topic].partitions:
                _, high = self._consumer.get_watermark_offsets(
                    TopicPartition(topic, partition), timeout=10
                )
                assignment.append(TopicPartition(topic, partition, high))
        self._consumer.assign(assignment)

    def poll(self, timeout: float = 0.2) -> list[tuple[type[Record], dict[str, Any]]]:
        """The wanted facts that arrived, as (model, fields) pairs: as soon as
        one record is there (a consume of many waits its whole timeout)."""
        facts = []
        wanted, decode = self._wanted, registry().decode_dict
        first = self._consumer.consume(num_messages=1, timeout=timeout)
        rest = self._consumer.consume(num_messages=10_000, timeout=0) if first else []
        for msg in first + rest:
            if msg.error():
                continue
            value = msg.value()
            if value is not None and fingerprint_of(value) in wanted:
                model, fields, _ = decode(value)
                facts.append((model, fields))
        return facts

    def close(self) -> None:
        self._consumer.close()


# --- setting up a market ------------------------------------------------------


def run_tag() -> str:
    """A short upper-case tag so each run has its own symbols and accounts."""
    return uuid.uuid4().hex[:5].upper()


def list_symbols(settings: Settings, symbols: Sequence[str], timeout: float = 180.0) -> float:
    """List the symbols and wait for matching to announce them: also proves a
    worker is up and has its partitions. Returns the seconds it took."""
    follower = FactFollower(
        settings.kafka_bootstrap, ["exchange.market"], [ex.InstrumentListed, ex.AdminRejected]
    )
    producer = CommandProducer(settings.kafka_bootstrap)
    start = time.monotonic()
    try:
        producer.send([command(ex.ListInstrument, symbol=s, tick_size=1, lot_size=1)
                       for s in symbols])  # fmt: skip
        producer.flush()
        waiting = set(symbols)
        wait_until(lambda: _drain_symbols(follower, waiting), timeout, "symbols listed")
    finally:
        follower.close()
    return time.monotonic() - start


def _drain_symbols(follower: FactFollower, waiting: set[str]) -> bool:
    for _, fields in follower.poll():
        waiting.discard(fields["symbol"])
    return not waiting


def fund_accounts(
    settings: Settings,
    accounts: Sequence[str],
    symbols: Sequence[str],
    cash: int,
    shares: int,
    timeout: float = 300.0,
) -> float:
    """Deposit cash and move shares in for every account; wait until the
    account stage has booked all of it. Returns the seconds it took."""
    follower = FactFollower(settings.kafka_bootstrap, ["exchange.accounts"],
                            [ex.BalanceChanged, ex.CommandRejected])  # fmt: skip
    producer = CommandProducer(settings.kafka_bootstrap)
    start = time.monotonic()
    try:
        records: list[Record] = []
        for account in accounts:
            records.append(command(ex.DepositCash, account_id=account, amount=cash))
            records += [command(ex.TransferShares, account_id=account, symbol=s,
                                quantity=shares, direction="in") for s in symbols]  # fmt: skip
        waiting = {r.envelope.event_id for r in records}
        producer.send(records)
        producer.flush()
        wait_until(lambda: _drain_funding(follower, waiting), timeout, "accounts funded")
    finally:
        follower.close()
    return time.monotonic() - start


def _drain_funding(follower: FactFollower, waiting: set[str]) -> bool:
    for model, fields in follower.poll():
        # A deposit's BalanceChanged names the command in `ref`.
        waiting.discard(fields["command_id"] if model is ex.CommandRejected else fields["ref"])
    return not waiting


def wait_until(done: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout:.0f}s waiting for {what}")


# --- figures ------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of values already sorted."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


def latency_summary(seconds: Sequence[float]) -> str:
    values = sorted(seconds)
    if not values:
        return "no samples"
    ms = 1000.0
    return (
        f"p50 {percentile(values, 0.50) * ms:.1f} ms, p99 {percentile(values, 0.99) * ms:.1f} ms, "
        f"max {values[-1] * ms:.1f} ms, mean {statistics.fmean(values) * ms:.1f} ms "
        f"({len(values):,} samples)"
    )


def machine_line() -> str:
    """One line naming the machine, the commit and the time, for the report."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    load = os.getloadavg()[0]
    return (
        f"machine: {os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.0f} GiB RAM, "
        f"load {load:.1f}; commit {commit or '?'}; "
        f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}"
    )


def env_summary(names: Mapping[str, str] = BENCH_ENVIRONMENT) -> str:
    return ", ".join(f"{n}={os.environ.get(n, '')}" for n in names)
