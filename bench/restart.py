"""How soon a worker decides again after a crash, with a long log behind it.

Builds (or reuses) a log of N orders (default 1,000,000: limit orders on 4
symbols by 200 accounts, each cancelling its oldest open order past 20;
produced straight to exchange.commands and decided by the worker as they
come), then kills the worker with SIGKILL, writes a
backlog of B orders while it is down, starts it again and measures, from the
moment the new process is spawned:

- ready: its /readyz answers 200 (every stage's partitions restored, Faust's
  group joined), with what each stage read to restore (states, changelog
  records, seconds);
- first decision: the first new fact committed by a stage;
- caught up: every order of the backlog has its outcome on the log.

The log lives in this benchmark's own state folder and ports (below; ONELOG_*
variables override), and is reused by the next run when it holds enough
orders (`<state>/bench-restart.json` says what was built). It starts Kafka,
Redis and one worker if they are not running, and stops what it started.

    python -m bench.restart [--orders N] [--backlog B] [--accounts A]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, TopicPartition

from bench import support
from bench.pipeline import Market, Outcomes, random_order
from infra import processes, readiness
from infra.settings import Settings
from onelog import platform
from schemas import exchange as ex
from schemas.ulid import new_ulid
from streams.exchange.stages import ACCOUNT_STAGE, MATCHING_STAGE

# Its own platform (not bench.support's nor bench.read_side's): the log it
# builds is kept for the next run, and no other benchmark's worker decides it.
RESTART_ENVIRONMENT = {
    "ONELOG_STATE_DIR": "/tmp/onelog-bench-restart",
    "ONELOG_KAFKA_BOOTSTRAP": "127.0.0.1:39292",
    "ONELOG_REDIS_URL": "redis://127.0.0.1:36579/0",
    "ONELOG_ANALYTICS_URL": "http://127.0.0.1:38324",
    "ONELOG_GATEWAY_PORT": "38280",
    "ONELOG_WORKER_WEB_PORT": "36266",
}
CASH = 10**15
SHARES = 10**12
CHUNK = 20_000  # orders produced at a time while building
OPEN_PER_ACCOUNT = 20


@dataclass
class BuiltLog:
    orders: int
    symbols: list[str]
    accounts: list[str]


def _built_file(settings: Settings) -> Path:
    return settings.state_dir / "bench-restart.json"


def _load_built(settings: Settings) -> BuiltLog | None:
    try:
        return BuiltLog(**json.loads(_built_file(settings).read_text()))
    except (FileNotFoundError, ValueError, TypeError):
        return None


OpenOrders = dict[str, deque[str]]
"""Per account, its GTC orders not cancelled yet, oldest first."""


def _produce_orders(
    settings: Settings, market: Market, count: int, seed: int, open_orders: OpenOrders
) -> list[str]:
    """`count` random orders straight to exchange.commands; their order ids.

    Each account cancels its oldest still-open GTC order once it has more than
    OPEN_PER_ACCOUNT, as a trader working a book does: the books stay a few
    thousand orders deep however long the log grows (a book that only grows
    measures the books, not the restart)."""
    rng = random.Random(seed)
    producer = support.CommandProducer(settings.kafka_bootstrap)
    order_ids = []
    for start in range(0, count, CHUNK):
        for i in range(start, min(start + CHUNK, count)):
            order_id = new_ulid(int(time.time() * 1000))
            fields = random_order(rng, market)
            client_order_id = f"{market.tag}-{seed}-{i}"
            record = support.command(ex.PlaceOrder, order_id=order_id,
                                     client_order_id=client_order_id, **fields)  # fmt: skip
            producer.send_encoded(*support.encoded(record))
            order_ids.append(order_id)
            if fields["time_in_force"] == "GTC":
                mine = open_orders.setdefault(fields["account_id"], deque())
                mine.append(order_id)
                if len(mine) > OPEN_PER_ACCOUNT:
                    cancel = support.command(ex.CancelOrder, account_id=fields["account_id"],
                                             order_id=mine.popleft())  # fmt: skip
                    producer.send_encoded(*support.encoded(cancel))
        producer.poll()
    producer.flush(300)
    return order_ids


def undecided(settings: Settings) -> int:
    """Input records the stages have not committed past. A topic a stage
    writes ends each transaction with a marker, which takes an offset that no
    consumer ever commits past on its own: one is allowed per partition."""
    written_by_stages = {"exchange.orders", "exchange.fills"}
    total = 0
    for stage in (ACCOUNT_STAGE, MATCHING_STAGE):
        probe = Consumer({"bootstrap.servers": settings.kafka_bootstrap,
                          "group.id": stage.group_id, "enable.auto.commit": False})  # fmt: skip
        try:
            partitions = [
                TopicPartition(spec.name, p)
                for spec in stage.inputs
                for p in range(settings.partitions)
            ]
            for tp in probe.committed(partitions, timeout=30):
                low, high = probe.get_watermark_offsets(tp, timeout=30)
                slack = 1 if tp.topic in written_by_stages else 0
                total += max(0, high - max(tp.offset, low) - slack)
        finally:
            probe.close()
    return total


def build_log(settings: Settings, orders: int, accounts: int, symbols: int) -> BuiltLog:
    built = _load_built(settings)
    if built is None:
        tag = support.run_tag()
        market = Market(tag, [f"R{tag}{i}" for i in range(symbols)],
                        [f"restart-{tag}-{i}" for i in range(accounts)])  # fmt: skip
        support.list_symbols(settings, market.symbols)
        support.fund_accounts(settings, market.accounts, market.symbols, CASH, SHARES)
        built = BuiltLog(0, market.symbols, market.accounts)
        _built_file(settings).write_text(json.dumps(asdict(built)))
    missing = orders - built.orders
    if missing <= 0:
        print(f"reusing the log of {built.orders:,} orders in {settings.state_dir}")
        return built
    market = Market(support.run_tag(), built.symbols, built.accounts)
    print(f"building the log: {missing:,} more orders on top of {built.orders:,}")
    start = shown = time.monotonic()
    open_orders: OpenOrders = {}
    # A chunk at a time, each decided before the next: far ahead of matching,
    # the account stage would hold every order of the backlog open at once.
    for done in range(0, missing, CHUNK):
        count = min(CHUNK, missing - done)
        _produce_orders(settings, market, count, built.orders + done, open_orders)
        while undecided(settings) > 0:
            time.sleep(0.5)
        if time.monotonic() - shown > 30:
            shown = time.monotonic()
            rate = (done + CHUNK) / (shown - start)
            print(f"  {shown - start:5.0f} s: {built.orders + done + CHUNK:,} orders decided "
                  f"({rate:,.0f} orders/s)")  # fmt: skip
    elapsed = time.monotonic() - start
    print(f"  decided in {elapsed:.0f} s ({missing / elapsed:,.0f} orders/s with one worker, "
          f"produced straight to the topic {CHUNK:,} at a time)")  # fmt: skip
    built.orders = orders
    _built_file(settings).write_text(json.dumps(asdict(built)))
    return built


def _readyz(settings: Settings) -> tuple[bool, dict[str, Any]]:
    port = platform.worker_web_port(settings, 1)
    url = readiness.http_url(settings.worker_web_host, port, "/readyz")
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return True, json.loads(response.read())
    except urllib.error.HTTPError as not_ready:
        return False, json.loads(not_ready.read())
    except OSError:
        return False, {}


def _changelog_records(settings: Settings) -> dict[str, int]:
    """Records each stage's changelog holds now (what compaction has left)."""
    probe = Consumer({"bootstrap.servers": settings.kafka_bootstrap, "group.id": "bench-probe"})
    try:
        held = {}
        for stage in (ACCOUNT_STAGE, MATCHING_STAGE):
            held[stage.name] = sum(
                high - low
                for low, high in (
                    probe.get_watermark_offsets(TopicPartition(stage.changelog.name, p), 30)
                    for p in range(settings.partitions)
                )
            )
        return held
    finally:
        probe.close()


def measure_restart(settings: Settings, built: BuiltLog, backlog: int) -> None:
    processes.kill(settings.state_dir, platform.worker_name(1))
    print(f"worker killed (SIGKILL); writing a backlog of {backlog:,} orders while it is down")
    market = Market(support.run_tag(), built.symbols, built.accounts)
    backlog_ids = _produce_orders(settings, market, backlog, int(time.time()), {})
    held = _changelog_records(settings)
    print("changelog records held now (offsets, compaction leaves gaps): "
          + ", ".join(f"{k} {v:,}" for k, v in held.items()))  # fmt: skip

    outcomes = Outcomes(settings)
    outcomes.expect(backlog_ids)
    spawned = time.monotonic()
    platform.start_worker(settings, 1)
    first = ready = None
    status: dict[str, Any] = {}
    while outcomes.pending and time.monotonic() - spawned < 600:
        outcomes.collect(0.05, spawned)
        if first is None and outcomes.seen:
            first = time.monotonic() - spawned
        if ready is None:
            is_ready, status = _readyz(settings)
            if is_ready:
                ready = time.monotonic() - spawned
    caught_up = time.monotonic() - spawned
    if outcomes.pending:
        raise SystemExit(f"{len(outcomes.pending):,} backlog orders undecided after 600 s")
    # Readiness also waits for Faust's own group (the judge), which may come later.
    while ready is None and time.monotonic() - spawned < 300:
        is_ready, status = _readyz(settings)
        ready = time.monotonic() - spawned if is_ready else None
        time.sleep(0.1)
    for name, stage in status.get("stages", {}).items():
        print(f"  {name}: restored {stage['restored_states']:,} states from "
              f"{stage['restored_records']:,} changelog records in "
              f"{stage['restore_seconds']:.2f} s")  # fmt: skip
    print(f"restart with {built.orders:,} orders in the log: first order decided after "
          f"{_seconds(first)}, /readyz ready after {_seconds(ready)}, "
          f"the {backlog:,}-order backlog decided after {caught_up:.1f} s "
          f"(from the new process's spawn)")  # fmt: skip


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000, help="orders in the log")
    parser.add_argument("--backlog", type=int, default=10_000, help="orders sent while down")
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--symbols", type=int, default=4)
    args = parser.parse_args()
    for name, value in RESTART_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    settings = support.bench_settings()
    print(support.machine_line())
    support.stop_on_sigterm()
    print(f"{settings.partitions} partitions, 1 worker, state in {settings.state_dir}")
    with support.platform_running(settings, projector=False, gateway=False) as running:
        print(running.describe())
        support.require_alive(settings, [platform.worker_name(1)])
        built = build_log(settings, args.orders, args.accounts, args.symbols)
        measure_restart(settings, built, args.backlog)


if __name__ == "__main__":
    main()
