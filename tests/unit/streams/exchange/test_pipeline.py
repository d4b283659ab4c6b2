"""Properties of the three stages together: risk -> matching -> settlement."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.exchange import (
    CASH,
    BalanceChanged,
    CommandRejected,
    DepositCash,
    OrderAccepted,
    OrderClosed,
    OrderFilled,
    PlaceOrder,
    TradeExecuted,
    TransferShares,
    WithdrawCash,
)
from streams.exchange.book import OrderBook, ReferenceOrderBook
from streams.exchange.matching import BookFactory
from tests.unit.streams.exchange.flows import INSTRUMENTS, LISTINGS, Command, commands, steps
from tests.unit.streams.exchange.pipeline import Exchange

SETTINGS = settings(max_examples=150, deadline=None)


def run(
    cmds: list[Command], seed: int, book_factory: BookFactory = OrderBook,
    restart_at: int | None = None,
) -> Exchange:
    """Feed commands one by one, letting the stages run a random while in between."""
    exchange = Exchange(book_factory, seed)
    for cmd in LISTINGS:
        exchange.submit(*cmd)
    exchange.drain()
    for n, (kind, payload, command_id) in enumerate(cmds):
        if n == restart_at:
            exchange.restart()
        exchange.submit(kind, payload, command_id)
        for _ in range(exchange.rng.randint(0, 4)):
            if exchange.busy():
                exchange.step()
    exchange.drain()
    return exchange


def test_the_flows_reach_every_outcome() -> None:
    # A guard on the generator: a flow that never trades or rejects would prove little.
    seen: set[str] = set()

    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(steps, st.integers(0, 2**16))
    def collect(raw: list[dict[str, Any]], seed: int) -> None:
        for _, (kind, payload) in run(commands(raw), seed).log:
            seen.add(kind.__name__ + ":" + str(payload.get("reason_code") or
                                               payload.get("reason") or payload.get("cause")))

    collect()
    for expected in ("TradeExecuted:None", "OrderRested:None", "OrderClosed:filled",
                     "OrderClosed:expired", "OrderClosed:rejected", "OrderClosed:cancelled",
                     "OrderCancelled:self_trade_prevented", "OrderExpired:fill_or_kill",
                     "OrderExpired:cash_limit_reached", "CommandRejected:insufficient_funds",
                     "CommandRejected:insufficient_shares", "OrderRejected:halted",
                     "OrderRejected:price_off_tick", "OrderRejected:unknown_symbol",
                     "BalanceChanged:release", "CancelRejected:order_not_open"):
        assert expected in seen


@SETTINGS
@given(steps, st.integers(0, 2**16))
def test_cash_and_shares_are_conserved_and_reservations_add_up(
    raw: list[dict[str, Any]], seed: int
) -> None:
    cmds = commands(raw)
    exchange = run(cmds, seed)
    rejected = {p["command_id"] for _, (k, p) in exchange.log if k is CommandRejected}
    cash_in = 0
    shares_in: dict[str, int] = defaultdict(int)
    first: dict[str, Command] = {}
    for cmd in cmds:
        first.setdefault(cmd[2], cmd)
    for kind, payload, command_id in first.values():
        if command_id in rejected:
            continue
        if kind is DepositCash:
            cash_in += payload["amount"]
        elif kind is WithdrawCash:
            cash_in -= payload["amount"]
        elif kind is TransferShares:
            sign = 1 if payload["direction"] == "in" else -1
            shares_in[payload["symbol"]] += sign * payload["quantity"]

    states = exchange.accounts.values()
    assert sum(s.cash_available + s.cash_reserved for s in states) == cash_in
    for symbol in set(shares_in) | {sym for s in states for sym in s.shares}:
        assert sum(sum(s.shares.get(symbol, [0, 0])) for s in states) == shares_in[symbol]

    resting = {
        o[0]: o for sym in exchange.symbols.values()
        for side in ("buy", "sell") for o in sym.book.orders(side)
    }
    open_orders = {}
    for state in states:
        assert state.cash_available >= 0 and state.cash_reserved >= 0
        assert all(a >= 0 and r >= 0 for a, r in state.shares.values())
        buys = sum(o.reserved for o in state.open_orders.values() if o.side == "buy")
        assert state.cash_reserved == buys
        for symbol, (_, reserved) in state.shares.items():
            assert reserved == sum(o.reserved for o in state.open_orders.values()
                                   if o.side == "sell" and o.symbol == symbol)
        for order_id, order in state.open_orders.items():
            open_orders[order_id] = (state.account_id, order)
    # Once the queues are empty, an order is open at its account iff it rests on a book.
    assert set(open_orders) == set(resting)
    for order_id, (account_id, order) in open_orders.items():
        _, owner, side, price, quantity = resting[order_id]
        assert owner == account_id and side == order.side
        # A resting buy is a limit buy: its price improvement went back at each fill.
        assert order.reserved == (quantity if side == "sell" else price * quantity)


@SETTINGS
@given(steps, st.integers(0, 2**16))
def test_the_fact_stream_tells_the_whole_story(raw: list[dict[str, Any]], seed: int) -> None:
    exchange = run(commands(raw), seed)
    balances: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    last_seq: dict[str, int] = defaultdict(int)
    market_seqs: dict[str, set[int]] = defaultdict(set)
    trades: dict[str, dict[str, Any]] = {}
    fills: dict[str, list[dict[str, Any]]] = defaultdict(list)
    accepted: dict[str, dict[str, Any]] = {}
    closed: set[str] = set()
    for stage, (kind, p) in exchange.log:
        if kind is BalanceChanged:
            held = balances[(p["account_id"], p["asset"])]
            held[0] += p["available_delta"]
            held[1] += p["reserved_delta"]
            assert held == [p["available"], p["reserved"]]
        elif kind is OrderAccepted:
            accepted[p["order_id"]] = p
        elif stage == "matching" and kind not in (OrderFilled, OrderClosed):
            assert p["seq"] == last_seq[p["symbol"]] + 1, "market seq is not consecutive"
            last_seq[p["symbol"]] = p["seq"]
            market_seqs[p["symbol"]].add(p["seq"])
            if kind is TradeExecuted:
                tick, lot = INSTRUMENTS.get(p["symbol"], (1, 1))
                assert p["price"] % tick == 0 and p["quantity"] % lot == 0
                assert p["buy_account_id"] != p["sell_account_id"]
                trades[p["trade_id"]] = p
        elif kind is OrderFilled:
            assert p["order_id"] not in closed
            assert p["seq"] in market_seqs[p["symbol"]]
            trade = trades[p["trade_id"]]
            assert trade["seq"] == p["seq"]
            assert trade[p["side"] + "_order_id"] == p["order_id"]
            assert (trade["price"], trade["quantity"]) == (p["price"], p["quantity"])
            fills[p["order_id"]].append(p)
        elif kind is OrderClosed:
            assert p["order_id"] not in closed, "an order closed twice"
            assert p["seq"] == last_seq[p["symbol"]]
            closed.add(p["order_id"])
    for (account_id, asset), held in balances.items():
        state = exchange.accounts[account_id]
        if asset == CASH:
            assert held == [state.cash_available, state.cash_reserved]
        else:
            assert held == state.shares[asset]
    for trade in trades.values():
        assert len([f for fs in fills.values() for f in fs
                    if f["trade_id"] == trade["trade_id"]]) == 2
    for order_id, order in accepted.items():
        filled = sum(f["quantity"] for f in fills[order_id])
        assert filled <= order["quantity"]
        if order["order_type"] == "market" and order["side"] == "buy":
            assert sum(f["quantity"] * f["price"] for f in fills[order_id]) <= order["cash_limit"]
        if order["order_type"] == "limit":
            sign = 1 if order["side"] == "buy" else -1  # a buy pays at most, a sell gets at least
            assert all(sign * f["price"] <= sign * order["price"] for f in fills[order_id])
        resting = any(order_id in s.open_orders for s in exchange.accounts.values())
        assert (order_id in closed) != resting, "an order is neither closed nor open, or both"


@SETTINGS
@given(steps, st.integers(0, 2**16))
def test_replay_from_fresh_state_yields_identical_facts_and_hashes(
    raw: list[dict[str, Any]], seed: int
) -> None:
    cmds = commands(raw)
    first, second = run(cmds, seed), run(cmds, seed)
    assert first.log == second.log
    assert first.hashes() == second.hashes()


@SETTINGS
@given(steps, st.integers(0, 2**16), st.integers(0, 80))
def test_a_restart_mid_stream_continues_identically(
    raw: list[dict[str, Any]], seed: int, restart_at: int
) -> None:
    cmds = commands(raw)
    straight = run(cmds, seed)
    restarted = run(cmds, seed, restart_at=restart_at)
    assert straight.log == restarted.log
    assert straight.hashes() == restarted.hashes()


@SETTINGS
@given(steps, st.integers(0, 2**16))
def test_fast_and_reference_books_yield_identical_facts(
    raw: list[dict[str, Any]], seed: int
) -> None:
    cmds = commands(raw)
    fast = run(cmds, seed, OrderBook)
    reference = run(cmds, seed, ReferenceOrderBook)
    assert fast.log == reference.log
    assert fast.hashes() == reference.hashes()


@pytest.mark.parametrize("book_factory", [OrderBook, ReferenceOrderBook], ids=["fast", "ref"])
def test_a_repeated_command_changes_nothing(book_factory: BookFactory) -> None:
    place = (PlaceOrder, {
        "account_id": "alice", "order_id": "o1", "client_order_id": "c1", "symbol": "Y",
        "side": "buy", "order_type": "limit", "time_in_force": "GTC", "quantity": 5,
        "price": 20, "cash_limit": None}, "cmd-2")
    deposit = (DepositCash, {"account_id": "alice", "amount": 1000}, "cmd-1")
    once = run([deposit, place], 0, book_factory)
    twice = run([deposit, place, deposit, place], 0, book_factory)
    assert once.log == twice.log
    assert once.hashes() == twice.hashes()
