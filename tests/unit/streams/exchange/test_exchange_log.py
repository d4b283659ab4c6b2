"""The whole exchange restored from its parts at random batch boundaries decides
as if it had never stopped: risk -> matching -> settlement, both StateLogs."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.exchange import accounts, matching
from streams.exchange.account_log import AccountLog
from streams.exchange.book import OrderBook, ReferenceOrderBook
from streams.exchange.book_log import BookLog
from streams.facts import Fact
from tests.unit.streams.exchange.changelog import Changelog, record
from tests.unit.streams.exchange.flows import LISTINGS, Command, commands, steps
from tests.unit.streams.exchange.pipeline import Exchange

Capacities = tuple[int, int, int]  # command ids, client order ids, closed orders


class LoggedExchange(Exchange):
    """The pipeline of tests/unit/exchange, each stage writing its changelog as
    the engine would: parts touched per input, written at the end of batches
    whose boundaries `batches` draws, and every state of a stage restored from
    its parts after some of those boundaries."""

    def __init__(
        self,
        book_factory: matching.BookFactory,
        seed: int,
        capacities: Capacities,
        batches: random.Random | None,
    ) -> None:
        super().__init__(book_factory, seed)
        self.capacities = capacities
        self.batches = batches
        self.account_log = Changelog(AccountLog(*capacities))
        self.book_log = Changelog(BookLog(book_factory))
        self.restores = 0

    def new_account(self, key: str) -> accounts.AccountState:
        return accounts.AccountState(key, *self.capacities)

    def new_symbol(self, key: str) -> matching.SymbolState:
        return matching.SymbolState(key, self.book_factory)

    def step(self) -> None:
        ready = [name for name, items in self.queues.items() if items]
        topic, key = self.rng.choice(ready)
        kind, payload, command_id = self.queues[(topic, key)].popleft()
        cause = record((kind, payload), command_id, key)
        facts: list[Fact]
        if topic in ("commands", "fills"):
            state = self.accounts.get(key) or self.new_account(key)
            self.accounts[key] = state
            facts = accounts.decide_record(state, cause)
            self.account_log.decided(key, state, cause, facts)
            self._emit("accounts", facts)
            self._maybe_end_batch(self.account_log, self.accounts, self.new_account)
        else:
            symbol = self.symbols.get(key) or self.new_symbol(key)
            self.symbols[key] = symbol
            facts = matching.decide(symbol, cause)
            self.book_log.decided(key, symbol, cause, facts)
            self._emit("matching", facts)
            self._maybe_end_batch(self.book_log, self.symbols, self.new_symbol)

    def _maybe_end_batch(
        self, changelog: Changelog, states: dict[str, Any], new_state: Any
    ) -> None:
        if self.batches is None or self.batches.random() < 0.5:
            return
        changelog.commit(states)
        if self.batches.random() < 0.3:
            states.update(changelog.restore(self.batches, new_state, states))
            self.restores += 1


def run(
    cmds: list[Command],
    seed: int,
    capacities: Capacities,
    batches: random.Random | None,
    book_factory: matching.BookFactory = OrderBook,
) -> LoggedExchange:
    """As test_pipeline.run: commands one by one, the stages running a random while between."""
    exchange = LoggedExchange(book_factory, seed, capacities, batches)
    for cmd in LISTINGS:
        exchange.submit(*cmd)
    exchange.drain()
    for kind, payload, command_id in cmds:
        exchange.submit(kind, payload, command_id)
        for _ in range(exchange.rng.randint(0, 4)):
            if exchange.busy():
                exchange.step()
    exchange.drain()
    return exchange


_capacities = st.tuples(st.integers(1, 8), st.integers(1, 8), st.integers(1, 8))


@settings(max_examples=150, deadline=None)
@given(
    steps,
    st.integers(0, 2**16),
    st.integers(0, 2**32),
    _capacities,
    st.sampled_from([OrderBook, ReferenceOrderBook]),
)
def test_restored_at_random_batch_boundaries_the_exchange_decides_byte_for_byte_the_same(
    raw: list[dict[str, Any]],
    seed: int,
    batch_seed: int,
    capacities: Capacities,
    book_factory: matching.BookFactory,
) -> None:
    # Small memories, so that sessions of a few dozen commands make them forget.
    cmds = commands(raw)
    straight = run(cmds, seed, capacities, None, book_factory)
    restarted = run(cmds, seed, capacities, random.Random(batch_seed), book_factory)
    assert repr(restarted.log) == repr(straight.log)
    assert restarted.hashes() == straight.hashes()
    for key, state in straight.accounts.items():  # each memory in the same age order
        again = restarted.accounts[key]
        for memory in ("command_ids", "client_order_ids", "closed_orders"):
            assert list(getattr(again, memory).items()) == list(getattr(state, memory).items())


def test_the_sessions_make_the_memories_forget_and_restore_often() -> None:
    # A guard on the property above: restores happen, and memories overflow.
    cmds = commands(
        [
            {
                "op": "place",
                "account": 0,
                "symbol": "Y",
                "side": 0,
                "order_type": "limit",
                "tif": "GTC",
                "lots": 1,
                "ticks": 20,
                "off_tick": 0,
                "cash_limit": 1,
                "client": 0,
            }
        ]
        * 40
    )
    exchange = run(cmds, 1, (3, 3, 3), random.Random(1))
    assert exchange.restores > 10
    assert all(
        state.command_ids.count > 3 and state.closed_orders.count > 3
        for state in exchange.accounts.values()
    )


def test_without_restores_the_logged_pipeline_is_the_plain_one() -> None:
    # The LoggedExchange drives the stages as tests/unit/exchange's pipeline does.
    cmds = commands(
        [
            {
                "op": "place",
                "account": n % 3,
                "symbol": "X",
                "side": n % 2,
                "order_type": "limit",
                "tif": "GTC",
                "lots": 1 + n % 4,
                "ticks": 18 + n % 5,
                "off_tick": 0,
                "cash_limit": 1,
                "client": 0,
            }
            for n in range(40)
        ]
    )
    logged = run(cmds, 7, (1000, 1000, 1000), random.Random(7))
    plain = Exchange(OrderBook, 7)
    for cmd in LISTINGS:
        plain.submit(*cmd)
    plain.drain()
    for kind, payload, command_id in cmds:
        plain.submit(kind, payload, command_id)
        for _ in range(plain.rng.randint(0, 4)):
            if plain.busy():
                plain.step()
    plain.drain()
    assert repr(logged.log) == repr(plain.log) and logged.hashes() == plain.hashes()
