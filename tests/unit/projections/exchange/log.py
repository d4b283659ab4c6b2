"""The exchange's log as the stages write it, for projection tests.

The account stage and matching run over real records with envelopes, as the
agents run them: each fact is enveloped by `fact_record` from the record that
caused it (so it copies that record's `recorded_at`, and its event id derives
from that record's id). Each (topic, key) is one queue that keeps its order;
which queue a stage takes from next is up to a seeded random scheduler, so
cancels race fills as they do across Kafka partitions.

`flow` draws trader sessions made for races: three funded accounts on one
symbol, prices that cross, cancels by the owner and by another account,
double cancels, and commands recorded in the same microsecond.
"""

from __future__ import annotations

import random
from collections import deque
from typing import Any

from hypothesis import strategies as st

from infra.topics import topic_of
from schemas import exchange as ex
from schemas.envelope import Envelope, Record
from schemas.exchange import topics
from schemas.ulid import ulid_from
from streams.exchange import accounts, matching
from streams.records import fact_record

SYMBOL = "RACE"
ACCOUNTS = ("alice", "bob", "carol")
T0 = 1_700_000_000_000_000  # µs

Stream = tuple[str, str]  # (topic, key): one partition's worth of order
Log = dict[Stream, list[Record]]

_TO_ACCOUNTS = (topics.EXCHANGE_COMMANDS.name, topics.EXCHANGE_FILLS.name)
_TO_MATCHING = (topics.EXCHANGE_ADMIN.name, topics.EXCHANGE_ORDERS.name)

_place = st.fixed_dictionaries(
    {
        "op": st.just("place"),
        "account": st.integers(0, 2),
        "side": st.sampled_from(("buy", "sell")),
        "reach": st.integers(-1, 1),  # cents past the middle toward the other side
        "quantity": st.integers(1, 5),
        "tif": st.sampled_from(("GTC", "GTC", "GTC", "IOC")),
    }
)
_cancel = st.fixed_dictionaries(
    {
        "op": st.sampled_from(("cancel", "cancel", "double_cancel")),
        "back": st.integers(1, 6),  # the order placed this many places ago
        "by_other": st.sampled_from((False, False, False, True)),
    }
)
# Microseconds between one command's recorded_at and the next: 0 ties them.
_gap = st.sampled_from((0, 1, 1_000))

flow = st.lists(st.tuples(st.one_of(_place, _place, _cancel), _gap), min_size=5, max_size=40)


class ExchangeLog:
    """Runs the stages and keeps every fact they write, per (topic, key)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.queues: dict[Stream, deque[Record]] = {}
        self.log: Log = {}
        self.account_states: dict[str, accounts.AccountState] = {}
        self.symbol_states: dict[str, matching.SymbolState] = {}
        self._commands = 0
        self._clock = T0

    def command(self, model: type[Record], gap: int = 1, **fields: Any) -> Record:
        """A command as the gateway records it, queued for its stage."""
        self._commands += 1
        self._clock += gap
        spec = topic_of(model.schema_name)
        event_id = ulid_from(self._clock // 1000, self._commands.to_bytes(10, "big"))
        envelope = Envelope(
            event_id=event_id,
            type=model.schema_name,
            schema_version=model.schema_version,
            occurred_at=self._clock,
            recorded_at=self._clock,
            producer="trader",
            key=spec.key_of(fields),
            correlation_id=event_id,
        )
        record = model(envelope=envelope, **fields)
        self._queue(spec.name, record)
        return record

    def _queue(self, topic: str, record: Record) -> None:
        self.queues.setdefault((topic, record.envelope.key), deque()).append(record)

    def busy(self) -> bool:
        return any(self.queues.values())

    def step(self) -> None:
        topic, key = self.rng.choice([stream for stream, queued in self.queues.items() if queued])
        record = self.queues[(topic, key)].popleft()
        if topic in _TO_ACCOUNTS:
            state = self.account_states.setdefault(key, accounts.AccountState(key))
            facts = accounts.decide_record(state, record)
            producer = "exchange.account-stage"
        else:
            assert topic in _TO_MATCHING, topic
            symbol = self.symbol_states.setdefault(key, matching.SymbolState(key))
            facts = matching.decide(symbol, record)
            producer = "exchange.matching-stage"
        for index, fact in enumerate(facts):
            written = fact_record(fact, record, index, producer)
            fact_topic = topic_of(written.schema_name).name
            self.log.setdefault((fact_topic, written.envelope.key), []).append(written)
            if fact_topic in _TO_ACCOUNTS or fact_topic in _TO_MATCHING:
                self._queue(fact_topic, written)

    def run_a_while(self) -> None:
        for _ in range(self.rng.randint(0, 4)):
            if self.busy():
                self.step()

    def drain(self) -> None:
        while self.busy():
            self.step()


def exchange_log(steps: list[tuple[dict[str, Any], int]], seed: int) -> Log:
    """The facts a drawn session makes, the stages interleaved by `seed`."""
    exchange = ExchangeLog(seed)
    exchange.command(ex.ListInstrument, symbol=SYMBOL, tick_size=1, lot_size=1)
    for account in ACCOUNTS:
        exchange.command(ex.DepositCash, account_id=account, amount=1_000_000)
        exchange.command(
            ex.TransferShares, account_id=account, symbol=SYMBOL, quantity=1_000, direction="in"
        )
    exchange.drain()
    placed: list[tuple[str, str]] = []  # (order id, account id)
    for n, (step, gap) in enumerate(steps):
        if step["op"] == "place":
            account = ACCOUNTS[step["account"]]
            order_id = f"o{n}"
            placed.append((order_id, account))
            exchange.command(
                ex.PlaceOrder,
                gap,
                account_id=account,
                order_id=order_id,
                client_order_id=f"c{n}",
                symbol=SYMBOL,
                side=step["side"],
                order_type="limit",
                time_in_force=step["tif"],
                quantity=step["quantity"],
                price=100 + step["reach"] * (1 if step["side"] == "buy" else -1),
            )
        elif placed:
            order_id, owner = placed[max(0, len(placed) - step["back"])]
            account = ACCOUNTS[(ACCOUNTS.index(owner) + 1) % 3] if step["by_other"] else owner
            for _ in range(2 if step["op"] == "double_cancel" else 1):
                exchange.command(ex.CancelOrder, gap, account_id=account, order_id=order_id)
        exchange.run_a_while()
    exchange.drain()
    return exchange.log
