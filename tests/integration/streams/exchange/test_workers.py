"""Many workers, proven: the same commands give the same trades, balances and
seqs with one worker, with two of which one is killed (kill -9) mid-stream and
started again, and with a second worker added mid-stream.

For one run to be comparable with another, each symbol's orders must reach its
book in one order whatever the timing: so all accounts trading a symbol share
one exchange.commands partition (the account stage emits their orders in
offset order), the accounts hold more than they can spend (no refusal
depends on when a fill settles), and no order is cancelled (a cancel racing a
fill would). The symbols and their accounts sit on every partition, so each
worker has a share.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import pytest

from infra import processes
from infra.partitioning import partition_for
from infra.settings import Settings
from onelog import platform
from schemas.envelope import Record
from schemas.exchange import (
    AdminRejected,
    BalanceChanged,
    CancelRejected,
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
from schemas.ulid import new_ulid
from tests.support.log import LogReader, LogWriter, Seen, command, records

pytestmark = [pytest.mark.integration, pytest.mark.crash]

SYMBOLS = 4
ACCOUNTS_PER_SYMBOL = 3
ORDERS = 1_200
CHUNKS = 12
CASH = 10**12
SHARES = 10**6
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
FACT_TOPICS = [
    t.name for t in (EXCHANGE_ACCOUNTS, EXCHANGE_ORDERS, EXCHANGE_MARKET, EXCHANGE_FILLS)
]


@dataclass(frozen=True)
class Market:
    """One run's names: symbol k and its accounts on partition k (mod count)."""

    symbols: list[str]
    accounts: list[list[str]]  # per symbol

    @classmethod
    def fresh(cls, partitions: int) -> Market:
        tag = uuid.uuid4().hex[:6].upper()
        symbols = [_name_on(f"W{tag}S{k}", k % partitions, partitions) for k in range(SYMBOLS)]
        accounts = [
            [
                _name_on(f"w{tag}-{k}-{j}", k % partitions, partitions)
                for j in range(ACCOUNTS_PER_SYMBOL)
            ]
            for k in range(SYMBOLS)
        ]
        return cls(symbols, accounts)

    def canonical(self) -> dict[str, str]:
        """Each name -> its place, the same in every run."""
        names = {s: f"S{k}" for k, s in enumerate(self.symbols)}
        for k, accounts in enumerate(self.accounts):
            names |= {a: f"S{k}/a{j}" for j, a in enumerate(accounts)}
        return names


def _name_on(prefix: str, partition: int, partitions: int) -> str:
    for n in range(10_000):
        name = f"{prefix}x{n}"
        if partition_for(name.encode(), partitions) == partition:
            return name
    raise AssertionError("no name found")


def _flow(market: Market) -> list[PlaceOrder]:
    """The same orders in every run (seeded), on this run's names."""
    rng = random.Random(8)
    orders = []
    for _ in range(ORDERS):
        k = rng.randrange(SYMBOLS)
        side = rng.choice(["buy", "sell"])
        kind = rng.random()
        market_order = kind < 0.05
        order = command(
            PlaceOrder,
            account_id=rng.choice(market.accounts[k]),
            order_id=new_ulid(int(time.time() * 1000)),
            client_order_id=uuid.uuid4().hex,
            symbol=market.symbols[k],
            side=side,
            order_type="market" if market_order else "limit",
            time_in_force="IOC" if market_order or kind < 0.15 else "GTC",
            quantity=rng.randint(1, 10),
            price=None if market_order else rng.randint(95, 105),
            cash_limit=2_000 if market_order and side == "buy" else None,
        )
        assert isinstance(order, PlaceOrder)
        orders.append(order)
    return orders


@dataclass(frozen=True)
class Outcome:
    """What a run decided, in run-independent names."""

    trades: Sequence[tuple[object, ...]]
    market: dict[str, list[tuple[object, ...]]]  # per symbol, by seq: (seq, fact, order)
    balances: dict[tuple[str, str], tuple[int, int]]


def _run(
    settings: Settings, writer: LogWriter, midway: Callable[[], object] | None = None
) -> Outcome:
    market = Market.fresh(settings.partitions)
    names = market.canonical()
    # Only this run's records: "nothing new arrives" must not mean "still reading
    # what earlier runs left".
    reader = LogReader(settings.kafka_bootstrap, FACT_TOPICS, from_end=True)

    def ours(seen: Seen) -> bool:
        payload = seen.record.__dict__ if seen.record else {}
        return payload.get("symbol") in names or payload.get("account_id") in names

    setup: list[Record] = [
        command(ListInstrument, symbol=s, tick_size=1, lot_size=1) for s in market.symbols
    ]
    for k, accounts in enumerate(market.accounts):
        for account in accounts:
            setup.append(command(DepositCash, account_id=account, amount=CASH))
            setup.append(
                command(
                    TransferShares,
                    account_id=account,
                    symbol=market.symbols[k],
                    quantity=SHARES,
                    direction="in",
                )
            )
    writer.send(*setup)
    reader.wait_for(
        ours,
        lambda seen: (
            len(records(seen, InstrumentListed)) == SYMBOLS
            and len(records(seen, BalanceChanged)) == 2 * SYMBOLS * ACCOUNTS_PER_SYMBOL
        ),
        timeout=180,
    )
    orders = _flow(market)
    chunk = len(orders) // CHUNKS
    for i in range(CHUNKS):
        writer.send(*orders[i * chunk : (i + 1) * chunk])
        if i == CHUNKS // 3 and midway is not None:
            midway()
        time.sleep(0.25)

    order_ids = {o.order_id: f"o{i}" for i, o in enumerate(orders)}

    def decided(seen: list[Seen]) -> bool:
        accepted = {r.order_id for r in records(seen, OrderAccepted)}
        rejected = {r.order_id for r in records(seen, CommandRejected)}
        matched = {_order_of(s.record) for s in seen if isinstance(s.record, MARKET_FACTS)}
        return accepted | rejected >= set(order_ids) and accepted <= matched

    seen = reader.wait_for(ours, decided, timeout=300)
    while True:  # settlement of the last fills: until nothing new arrives
        before = len(seen)
        time.sleep(3)
        seen = reader.wait_for(ours, lambda _s: True)
        if len(seen) == before:
            break
    reader.close()

    event_ids = Counter(s.record.envelope.event_id for s in seen if s.record)
    assert [e for e, n in event_ids.items() if n > 1] == [], "a fact was written twice"
    rename = {**names, **order_ids}
    market_facts: dict[str, list[tuple[object, ...]]] = {}
    for s in seen:
        if isinstance(s.record, MARKET_FACTS) and not isinstance(s.record, InstrumentListed):
            fact = s.record
            market_facts.setdefault(names[fact.symbol], []).append(
                (fact.seq, type(fact).__name__, rename.get(_order_of(fact) or ""))
            )
    for symbol, facts in market_facts.items():
        facts.sort()
        seqs = [f[0] for f in facts]
        assert seqs == list(range(2, len(facts) + 2)), f"{symbol}: seqs {seqs[:10]}..."
    trades = sorted(
        (
            names[t.symbol],
            t.seq,
            t.price,
            t.quantity,
            rename[t.buy_order_id],
            rename[t.sell_order_id],
            t.aggressor_side,
        )
        for t in records(seen, TradeExecuted)
    )
    balances: dict[tuple[str, str], tuple[int, int]] = {}
    for s in sorted(seen, key=lambda s: (s.topic, s.partition, s.offset)):
        if isinstance(s.record, BalanceChanged):
            b = s.record
            balances[(names[b.account_id], names.get(b.asset, b.asset))] = (b.available, b.reserved)
    return Outcome(trades, market_facts, balances)


def _order_of(fact: Record | None) -> str | None:
    if isinstance(fact, TradeExecuted):
        return fact.buy_order_id if fact.aggressor_side == "buy" else fact.sell_order_id
    return getattr(fact, "order_id", None)


def _start(settings: Settings, index: int) -> None:
    worker = platform.start_worker(settings, index)
    platform.wait_for_worker(settings, worker, index)


def _stop(settings: Settings, index: int) -> None:
    processes.stop(settings.state_dir, platform.worker_name(index))


@pytest.fixture(scope="module")
def workers(infrastructure: Settings) -> Iterator[Settings]:
    """Worker 1 runs; each test starts (and stops) worker 2 as it needs."""
    _stop(infrastructure, 2)
    _start(infrastructure, 1)
    yield infrastructure
    _stop(infrastructure, 2)
    _stop(infrastructure, 1)


@pytest.fixture(scope="module")
def writer(infrastructure: Settings) -> LogWriter:
    return LogWriter(infrastructure.kafka_bootstrap)


@pytest.fixture(scope="module")
def one_worker(workers: Settings, writer: LogWriter) -> Outcome:
    """The reference: the commands decided by a single worker."""
    outcome = _run(workers, writer)
    assert outcome.trades, "the flow should trade"
    return outcome


def test_a_worker_killed_and_started_again_beside_another_decides_as_one_worker(
    workers: Settings, writer: LogWriter, one_worker: Outcome
) -> None:
    _start(workers, 2)

    def kill_and_restart() -> None:
        processes.kill(workers.state_dir, platform.worker_name(1))
        platform.start_worker(workers, 1)

    try:
        outcome = _run(workers, writer, midway=kill_and_restart)
    finally:
        _stop(workers, 2)
    _assert_same(outcome, one_worker)


def test_a_worker_added_mid_stream_decides_as_one_worker(
    workers: Settings, writer: LogWriter, one_worker: Outcome
) -> None:
    try:
        outcome = _run(workers, writer, midway=lambda: platform.start_worker(workers, 2))
    finally:
        _stop(workers, 2)
    _assert_same(outcome, one_worker)


def _assert_same(outcome: Outcome, reference: Outcome) -> None:
    assert outcome.market.keys() == reference.market.keys()
    for symbol in reference.market:
        assert outcome.market[symbol] == reference.market[symbol], f"{symbol} decided differently"
    assert outcome.trades == reference.trades
    assert outcome.balances == reference.balances
