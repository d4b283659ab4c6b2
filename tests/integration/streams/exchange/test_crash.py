"""Kill -9 a worker mid-stream: no fact lost, none doubled, replay byte for byte."""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter, defaultdict

import pytest

from infra import processes
from infra.settings import Settings
from onelog import platform
from schemas.exchange import (
    CASH,
    AdminRejected,
    BalanceChanged,
    CancelRejected,
    CancelRequested,
    CommandRejected,
    DepositCash,
    InstrumentListed,
    ListInstrument,
    OrderAccepted,
    OrderCancelled,
    OrderExpired,
    OrderRejected,
    OrderRested,
    PlaceOrder,
    TradeExecuted,
    TradingHalted,
    TradingResumed,
    TransferShares,
)
from schemas.exchange.topics import (
    EXCHANGE_ACCOUNTS,
    EXCHANGE_FILLS,
    EXCHANGE_MARKET,
    EXCHANGE_ORDERS,
)
from schemas.registry import registry
from schemas.ulid import new_ulid
from streams.exchange import matching
from streams.exchange.stages import MATCHING_STAGE
from streams.records import fact_record
from tests.support.log import LogReader, LogWriter, Seen, command, records

# `crash`: select these alone with `infra/onelog test -m crash`.
pytestmark = [pytest.mark.integration, pytest.mark.crash]

ACCOUNTS = 12
ORDERS = 600
CHUNK = 50
KILL_AFTER = 150  # the chunk starting at this order is the last one sent before the kill
DEPOSIT = 5_000_000
SHARES = 2_000

# What matching reads from exchange.orders, and writes to exchange.market (each
# market fact with the symbol's seq), as schemas/exchange/topics.py lists them.
ORDER_INPUTS = (OrderAccepted, CancelRequested)
MARKET_FACTS = (
    InstrumentListed,
    TradingHalted,
    TradingResumed,
    OrderRested,
    TradeExecuted,
    OrderCancelled,
    OrderExpired,
    OrderRejected,
    CancelRejected,
    AdminRejected,
)


def _flow(symbol: str, accounts: list[str]) -> list[PlaceOrder]:
    rng = random.Random(11)
    orders = []
    for _ in range(ORDERS):
        side = rng.choice(["buy", "sell"])
        market = rng.random() < 0.1
        order = command(
            PlaceOrder,
            account_id=rng.choice(accounts),
            order_id=new_ulid(int(time.time() * 1000)),
            client_order_id=uuid.uuid4().hex,
            symbol=symbol,
            side=side,
            order_type="market" if market else "limit",
            time_in_force="IOC" if market else rng.choice(["GTC", "GTC", "IOC", "FOK"]),
            quantity=rng.randint(1, 20),
            price=None if market else rng.randint(95, 105),
            cash_limit=5_000 if market and side == "buy" else None,
        )
        assert isinstance(order, PlaceOrder)
        orders.append(order)
    return orders


def test_a_killed_worker_loses_nothing_and_doubles_nothing(
    worker: Settings, writer: LogWriter
) -> None:
    symbol = f"K{uuid.uuid4().hex[:6].upper()}"
    accounts = [f"{symbol}-acct{i}" for i in range(ACCOUNTS)]
    topics = [t.name for t in (EXCHANGE_ACCOUNTS, EXCHANGE_ORDERS, EXCHANGE_MARKET, EXCHANGE_FILLS)]
    # Only what this test writes: "nothing new arrives" below must not mean
    # "still reading what earlier tests left".
    reader = LogReader(worker.kafka_bootstrap, topics, from_end=True)
    writer.send(command(ListInstrument, symbol=symbol, tick_size=1, lot_size=1))
    for account in accounts:
        writer.send(
            command(DepositCash, account_id=account, amount=DEPOSIT),
            command(
                TransferShares, account_id=account, symbol=symbol, quantity=SHARES, direction="in"
            ),
        )

    def ours(seen: Seen) -> bool:
        payload = seen.record.__dict__ if seen.record else {}
        return payload.get("symbol") == symbol or payload.get("account_id") in accounts

    reader.wait_for(ours, lambda seen: bool(records(seen, InstrumentListed)))
    orders = _flow(symbol, accounts)
    # Paced, so that the stages are part-way through when the worker dies,
    # and orders keep coming while it is down and while it recovers.
    for chunk in range(0, ORDERS, CHUNK):
        writer.send(*orders[chunk : chunk + CHUNK])
        if chunk == KILL_AFTER:
            reader.wait_for(ours, lambda seen: len(records(seen, OrderAccepted)) >= 50, timeout=90)
            processes.kill(worker.state_dir, platform.worker_name(1))
            platform.start_worker(worker, 1)
        time.sleep(0.2)

    def decided(seen: list[Seen]) -> bool:
        # CommandRejected.order_id is optional: only an order's refusal names one.
        answered: set[str | None] = {r.order_id for r in records(seen, OrderAccepted)}
        answered |= {r.order_id for r in records(seen, CommandRejected)}
        return len(answered) >= ORDERS

    seen = reader.wait_for(ours, decided, timeout=240)
    # Let settlement of the last fills finish: wait until nothing new arrives.
    while True:
        before = len(seen)
        time.sleep(3)
        seen = reader.wait_for(ours, lambda _s: True)
        if len(seen) == before:
            break
    reader.close()

    event_ids = Counter(s.record.envelope.event_id for s in seen if s.record)
    assert [e for e, n in event_ids.items() if n > 1] == [], "a fact was written twice"

    accepted = Counter(r.order_id for r in records(seen, OrderAccepted))
    rejected = Counter(r.order_id for r in records(seen, CommandRejected))
    assert set(accepted) | set(rejected) == {o.order_id for o in orders}
    assert max(accepted.values()) == 1 and not set(accepted) & set(rejected)

    market = sorted((s for s in seen if s.topic == EXCHANGE_MARKET.name), key=_seq)
    assert [_seq(s) for s in market] == list(range(1, len(market) + 1))

    # Conservation: every cent and share is in some account, available or reserved.
    last: dict[tuple[str, str], BalanceChanged] = {}
    for s in sorted(
        (s for s in seen if isinstance(s.record, BalanceChanged)),
        key=lambda s: (s.partition, s.offset),
    ):
        assert isinstance(s.record, BalanceChanged)  # as filtered just above
        last[(s.record.account_id, s.record.asset)] = s.record
    cash = sum(b.available + b.reserved for (a, asset), b in last.items() if asset == CASH)
    shares = sum(b.available + b.reserved for (a, asset), b in last.items() if asset == symbol)
    assert cash == DEPOSIT * ACCOUNTS
    assert shares == SHARES * ACCOUNTS

    _assert_matching_replays_byte_for_byte(symbol, seen, market)


def _seq(s: Seen) -> int:
    """A market fact's seq."""
    assert isinstance(s.record, MARKET_FACTS), s.record
    return s.record.seq


def _order_input(s: Seen) -> OrderAccepted | CancelRequested:
    """What matching reads from exchange.orders."""
    assert isinstance(s.record, ORDER_INPUTS), s.record
    return s.record


def _assert_matching_replays_byte_for_byte(
    symbol: str, seen: list[Seen], market: list[Seen]
) -> None:
    """The symbol's input, decided again by the pure core, gives the same bytes."""
    inputs = sorted(
        (s for s in seen if s.topic == EXCHANGE_ORDERS.name and _order_input(s).symbol == symbol),
        key=lambda s: s.offset,
    )
    state = matching.SymbolState(symbol)
    listing = market[0].record
    assert isinstance(listing, InstrumentListed)  # the symbol's first market fact
    replayed: list[bytes] = []
    first = ListInstrument(
        envelope=listing.envelope.model_copy(update={"type": ListInstrument.schema_name}),
        symbol=symbol,
        tick_size=listing.tick_size,
        lot_size=listing.lot_size,
    )
    matching.decide(state, first)
    by_partition: dict[str, list[bytes]] = defaultdict(list)
    for s in inputs:
        given = _order_input(s)
        for index, fact in enumerate(matching.decide(state, given)):
            out = fact_record(fact, given, index, MATCHING_STAGE.name)
            data = registry().encode(out)
            replayed.append(data)
            by_partition[type(out).__name__].append(data)
    live = [
        s.raw
        for s in seen
        if s.topic in (EXCHANGE_MARKET.name, EXCHANGE_FILLS.name)
        and s.record is not None
        and s.record.envelope.producer == MATCHING_STAGE.name
        and getattr(s.record, "symbol", None) == symbol
        and not isinstance(s.record, InstrumentListed)
    ]
    assert sorted(replayed) == sorted(live)
