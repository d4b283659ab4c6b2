"""A worker restarted on a log holding many orders decides again within
seconds: it reads its stages' changelogs (the live parts of accounts and
books), not the log, and its /readyz says what it read."""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable

import pytest
from confluent_kafka import Consumer, TopicPartition

from infra import processes, readiness
from infra.settings import Settings
from onelog import platform
from schemas.envelope import Record
from schemas.exchange import (
    BalanceChanged,
    CommandRejected,
    DepositCash,
    InstrumentListed,
    ListInstrument,
    OrderExpired,
    OrderRejected,
    OrderRested,
    PlaceOrder,
    TradeExecuted,
    TransferShares,
)
from schemas.exchange.topics import EXCHANGE_ACCOUNTS, EXCHANGE_MARKET
from schemas.registry import registry
from schemas.ulid import new_ulid
from streams.exchange.stages import ACCOUNT_STAGE, MATCHING_STAGE
from tests.support.log import LogReader, LogWriter, Seen, command

pytestmark = [pytest.mark.integration, pytest.mark.crash]

SYMBOLS = 4
ACCOUNTS = 40
ORDERS = 20_000
# "Within seconds" on the shared 2-core test machine, from the process's
# start (Python's and Faust's imports included) to its first decision.
DECIDES_WITHIN_S = 20


def _orders(symbols: list[str], accounts: list[str]) -> list[Record]:
    """Limit orders around 100; about half rest, so the books grow deep."""
    rng = random.Random(3)
    orders = []
    for i in range(ORDERS):
        side = rng.choice(["buy", "sell"])
        offset = rng.randint(-10, 10)
        orders.append(
            command(
                PlaceOrder,
                account_id=rng.choice(accounts),
                order_id=new_ulid(int(time.time() * 1000)),
                client_order_id=f"r{i}",
                symbol=rng.choice(symbols),
                side=side,
                order_type="limit",
                time_in_force="GTC",
                quantity=rng.randint(1, 10),
                price=100 - offset if side == "buy" else 100 + offset,
            )
        )
    return orders


def _outcome_of(record: Record | None) -> str | None:
    """The order a fact answers: its refusal, or matching's first word on it."""
    if isinstance(record, TradeExecuted):
        return record.buy_order_id if record.aggressor_side == "buy" else record.sell_order_id
    if isinstance(record, CommandRejected | OrderRested | OrderExpired | OrderRejected):
        return record.order_id
    return None


class _NewRecords:
    """Records written to `topics` from now on (committed ones), decoded."""

    def __init__(self, bootstrap: str, topics: list[str]) -> None:
        self._consumer = Consumer(
            {
                "bootstrap.servers": bootstrap,
                "group.id": f"test-{uuid.uuid4()}",
                "isolation.level": "read_committed",
                "enable.auto.commit": False,
                "fetch.wait.max.ms": 10,
            }
        )
        metadata = self._consumer.list_topics(timeout=30)
        ends = []
        for topic in topics:
            for partition in metadata.topics[topic].partitions:
                _, high = self._consumer.get_watermark_offsets(TopicPartition(topic, partition), 10)
                ends.append(TopicPartition(topic, partition, high))
        self._consumer.assign(ends)

    def wait_for(self, wanted: Callable[[Record], bool], count: int, timeout: float) -> None:
        found = 0
        deadline = time.monotonic() + timeout
        while found < count:
            assert time.monotonic() < deadline, f"{found} of {count} records after {timeout:.0f}s"
            for message in self._consumer.consume(1, timeout=0.1):
                value = message.value()
                if message.error() is None and value is not None:
                    found += wanted(registry().decode(value))

    def close(self) -> None:
        self._consumer.close()


def _readyz(settings: Settings) -> dict[str, dict[str, dict[str, object]]]:
    port = platform.worker_web_port(settings, 1)
    url = readiness.http_url(settings.worker_web_host, port, "/readyz")
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            body: dict[str, dict[str, dict[str, object]]] = json.loads(response.read())
    except urllib.error.HTTPError as not_ready:
        body = json.loads(not_ready.read())
    return body


def test_a_worker_restarted_on_a_long_log_decides_within_seconds(
    worker: Settings, writer: LogWriter
) -> None:
    tag = uuid.uuid4().hex[:5].upper()
    symbols = [f"R{tag}{k}" for k in range(SYMBOLS)]
    accounts = [f"r{tag}-{i}" for i in range(ACCOUNTS)]
    setup: list[Record] = [
        command(ListInstrument, symbol=s, tick_size=1, lot_size=1) for s in symbols
    ]
    for account in accounts:
        setup.append(command(DepositCash, account_id=account, amount=10**12))
        setup += [
            command(TransferShares, account_id=account, symbol=s, quantity=10**6, direction="in")
            for s in symbols
        ]
    reader = LogReader(
        worker.kafka_bootstrap, [EXCHANGE_MARKET.name, EXCHANGE_ACCOUNTS.name], from_end=True
    )
    writer.send(*setup)
    orders = _orders(symbols, accounts)
    writer.send(*orders)
    wanted = {o.order_id for o in orders if isinstance(o, PlaceOrder)}
    answered: set[str] = set()

    def ours(seen: Seen) -> bool:
        order_id = _outcome_of(seen.record)
        if order_id in wanted:
            answered.add(order_id)
        return False  # keep nothing: only count

    reader.wait_for(ours, lambda _: len(answered) == len(wanted), timeout=600)
    reader.close()

    answers = _NewRecords(worker.kafka_bootstrap, [EXCHANGE_MARKET.name, EXCHANGE_ACCOUNTS.name])
    processes.kill(worker.state_dir, platform.worker_name(1))
    started = time.monotonic()
    platform.start_worker(worker, 1)
    # One new input for each stage: both have to decide again.
    probe = f"R{tag}P"
    deposit = command(DepositCash, account_id=accounts[0], amount=1)
    writer.send(command(ListInstrument, symbol=probe, tick_size=1, lot_size=1), deposit)
    answers.wait_for(
        lambda r: (
            (isinstance(r, InstrumentListed) and r.symbol == probe)
            or (isinstance(r, BalanceChanged) and r.ref == deposit.envelope.event_id)
        ),
        count=2,
        timeout=120,
    )
    decided = time.monotonic() - started
    answers.close()
    stages = _readyz(worker)["stages"]
    print(f"\nboth stages decided {decided:.1f} s after the restart; restored: {stages}")
    assert decided < DECIDES_WITHIN_S
    # Each restored the accounts or books it holds, from their changelog.
    assert int(str(stages[ACCOUNT_STAGE.name]["restored_states"])) >= ACCOUNTS
    assert int(str(stages[MATCHING_STAGE.name]["restored_states"])) >= SYMBOLS
