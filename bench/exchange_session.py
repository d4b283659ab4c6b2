"""A synthetic exchange session decided offline by the pure cores, and written
to the log as the gateway and the stages would write it.

Benchmarks of the read side (replay, the projector's latency) need a log
that looks like the platform's own, quickly and without depending on how
fast the stages decide. The pure cores decide it here, in one process: each
command goes to the account stage (risk) or matching, each fact to the
stage that reads its topic, first in first out, and every fact gets its
envelope from `streams.records.fact_record`, exactly as a stage gives it.
The records on each partition are therefore in an order the real stages
could have written them in.

Writing: commands go out as the gateway sends them (idempotent producer,
acks=all), facts in Kafka transactions of a few thousand records (commit
markers take offsets, as on the real log), with Java's partitioner.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaException, Producer

from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.topics import topic_of
from schemas import exchange as ex
from schemas.envelope import Record
from schemas.exchange.topics import (
    EXCHANGE_ADMIN,
    EXCHANGE_COMMANDS,
    EXCHANGE_FILLS,
    EXCHANGE_ORDERS,
)
from schemas.registry import registry
from schemas.ulid import new_ulid
from streams.exchange import accounts, matching
from streams.records import fact_record
from streams.sealing import seal_command

# The stages' names, which facts carry as their producer.
ACCOUNT_STAGE = "exchange.account-stage"
MATCHING_STAGE = "exchange.matching-stage"
MID = 10_000  # cents
CASH = 10**13  # cents per account: no order is refused for want of cash
SHARES = 10**9  # per account and symbol: nor for want of shares
CANCEL_SHARE = 0.1  # one order in ten is cancelled a little later


@dataclass(frozen=True)
class Entry:
    """One record as it goes on the log."""

    topic: str
    key: bytes
    value: bytes
    fact: bool


class OfflineExchange:
    """The account stage and matching, as pure cores joined by queues."""

    def __init__(self) -> None:
        self.accounts: dict[str, accounts.AccountState] = {}
        self.symbols: dict[str, matching.SymbolState] = {}

    def decide(self, command: Record) -> list[Record]:
        """The command and every fact it causes, in the order decided."""
        out = [command]
        waiting: deque[Record] = deque([command])
        while waiting:
            record = waiting.popleft()
            topic = topic_of(record.schema_name).name
            if topic in (EXCHANGE_COMMANDS.name, EXCHANGE_FILLS.name):
                facts, producer = self._account(record), ACCOUNT_STAGE
            elif topic in (EXCHANGE_ADMIN.name, EXCHANGE_ORDERS.name):
                facts, producer = self._matching(record), MATCHING_STAGE
            else:
                continue  # market and account facts end the chain
            for index, fact in enumerate(facts):
                caused = fact_record(fact, record, index, producer)
                out.append(caused)
                waiting.append(caused)
        return out

    def _account(self, record: Record) -> list[Any]:
        account_id = record.account_id  # type: ignore[attr-defined]
        state = self.accounts.get(account_id)
        if state is None:
            state = self.accounts[account_id] = accounts.AccountState(account_id)
        return accounts.decide_record(state, record)

    def _matching(self, record: Record) -> list[Any]:
        symbol = record.symbol  # type: ignore[attr-defined]
        state = self.symbols.get(symbol)
        if state is None:
            state = self.symbols[symbol] = matching.SymbolState(symbol)
        return matching.decide(state, record)


@dataclass(frozen=True)
class SessionShape:
    """What the session trades: `tag` keeps each session's names its own."""

    tag: str
    symbols: int = 4
    accounts: int = 200
    seed: int = 11

    @property
    def symbol_names(self) -> list[str]:
        return [f"R{self.tag}{i}" for i in range(self.symbols)]

    @property
    def account_names(self) -> list[str]:
        return [f"replay-{self.tag}-{i}" for i in range(self.accounts)]


def commands(shape: SessionShape) -> Iterator[Record]:
    """Listings and funding, then limit orders around the mid (about half
    cross it, one in ten is IOC) with a cancel now and then, endlessly."""
    rng = random.Random(shape.seed)
    symbols, account_ids = shape.symbol_names, shape.account_names
    for symbol in symbols:
        yield seal_command(ex.ListInstrument, {"symbol": symbol, "tick_size": 1, "lot_size": 1},
                           "bench")  # fmt: skip
    for account in account_ids:
        yield seal_command(ex.DepositCash, {"account_id": account, "amount": CASH}, "bench")
        for symbol in symbols:
            transfer = {"account_id": account, "symbol": symbol, "quantity": SHARES,
                        "direction": "in"}  # fmt: skip
            yield seal_command(ex.TransferShares, transfer, "bench")
    placed: list[tuple[str, str]] = []
    serial = 0
    while True:
        serial += 1
        side = "buy" if rng.random() < 0.5 else "sell"
        offset = rng.randint(-10, 10)
        account = rng.choice(account_ids)
        order_id = new_ulid(int(time.time() * 1000))
        yield seal_command(
            ex.PlaceOrder,
            {
                "account_id": account,
                "order_id": order_id,
                "client_order_id": f"{shape.tag}-{serial}",
                "symbol": rng.choice(symbols),
                "side": side,
                "order_type": "limit",
                "time_in_force": "IOC" if rng.random() < 0.1 else "GTC",
                "quantity": rng.randint(1, 100),
                "price": MID - offset if side == "buy" else MID + offset,
            },
            "bench",
        )
        placed.append((account, order_id))
        if len(placed) > 50 and rng.random() < CANCEL_SHARE:
            account, order_id = placed[rng.randrange(len(placed) - 50, len(placed))]
            yield seal_command(ex.CancelOrder, {"account_id": account, "order_id": order_id},
                               "bench")  # fmt: skip


def session_entries(shape: SessionShape) -> Iterator[Entry]:
    """The session's records, encoded, in the order decided (endless)."""
    exchange = OfflineExchange()
    encode = registry().encode
    for command in commands(shape):
        for record in exchange.decide(command):
            spec = topic_of(record.schema_name)
            yield Entry(spec.name, record.envelope.key.encode(), encode(record),
                        fact=record is not command)  # fmt: skip


class LogWriter:
    """Commands as the gateway writes them; facts in transactions as a stage does."""

    def __init__(self, bootstrap: str, transactional_id: str, facts_per_transaction: int) -> None:
        common = {
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": True,
            "partitioner": LIBRDKAFKA_PARTITIONER,
            "linger.ms": 5,
            "batch.size": 1_000_000,
            "queue.buffering.max.messages": 1_000_000,
            "queue.buffering.max.kbytes": 1_000_000,
        }
        self._commands = Producer(common)
        self._facts = Producer({**common, "transactional.id": transactional_id})
        self._facts.init_transactions(30)
        self._per_transaction = facts_per_transaction
        self._in_transaction = 0
        self._written = 0
        self.failed = 0

    def write(self, entry: Entry) -> None:
        self._written += 1
        if self._written % 1000 == 0:  # delivery reports, now and then
            self._commands.poll(0)
            self._facts.poll(0)
        if entry.fact:
            if self._in_transaction == 0:
                self._facts.begin_transaction()
            _produce(self._facts, entry, self._on_delivery)
            self._in_transaction += 1
            if self._in_transaction >= self._per_transaction:
                self.commit()
        else:
            _produce(self._commands, entry, self._on_delivery)

    def commit(self) -> None:
        """End the open transaction, if any (bounded wait)."""
        if self._in_transaction:
            self._facts.commit_transaction(60)
            self._in_transaction = 0

    def _on_delivery(self, error: Any, _message: Any) -> None:
        if error is not None:
            self.failed += 1

    def close(self) -> None:
        self.commit()
        left = self._commands.flush(60) + self._facts.flush(60)
        if left or self.failed:
            raise KafkaException(f"records not acknowledged: {left} pending, {self.failed} failed")


def _produce(producer: Producer, entry: Entry, on_delivery: Callable[[Any, Any], None]) -> None:
    while True:
        try:
            producer.produce(entry.topic, key=entry.key, value=entry.value,
                             on_delivery=on_delivery)  # fmt: skip
            return
        except BufferError:
            producer.poll(0.05)


def write_session(
    bootstrap: str,
    shape: SessionShape,
    records: int,
    progress: Callable[[int], None] | None = None,
    facts_per_transaction: int = 10_000,
) -> int:
    """Decide and write at least `records` records of a session; returns how many."""
    writer = LogWriter(bootstrap, f"bench-session-{shape.tag}", facts_per_transaction)
    written = 0
    try:
        for entry in session_entries(shape):
            writer.write(entry)
            written += 1
            if progress is not None and written % 10_000 == 0:
                progress(10_000)
            if written >= records:
                break
    finally:
        writer.close()
    return written
