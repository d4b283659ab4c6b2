"""The account stage: risk checks, reservations and settlement of one account."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.envelope import Envelope
from schemas.exchange import (
    BalanceChanged,
    CancelOrder,
    CancelRequested,
    CommandRejected,
    DepositCash,
    OrderAccepted,
    OrderClosed,
    OrderFilled,
    PlaceOrder,
    TransferShares,
    WithdrawCash,
)
from streams.exchange.accounts import AccountState, decide, decide_record
from streams.facts import Fact

_ids = iter(range(10**9))


def send(state: AccountState, kind: Any, **payload: Any) -> list[Fact]:
    return decide(state, (kind, {"account_id": state.account_id, **payload}), f"cmd-{next(_ids)}")


def place(state: AccountState, order_id: str, side: str, quantity: int,
          price: int | None = None, cash_limit: int | None = None,
          client: str | None = None) -> list[Fact]:
    return send(state, PlaceOrder, order_id=order_id, client_order_id=client or "c-" + order_id,
                symbol="ACME", side=side, order_type="limit" if price else "market",
                time_in_force="GTC", quantity=quantity, price=price, cash_limit=cash_limit)


def fill(state: AccountState, order_id: str, side: str, price: int, quantity: int) -> list[Fact]:
    return send(state, OrderFilled, order_id=order_id, symbol="ACME", side=side, price=price,
                quantity=quantity, trade_id="t", seq=1)


def close(state: AccountState, order_id: str, side: str, reason: str = "filled") -> list[Fact]:
    return send(state, OrderClosed, order_id=order_id, symbol="ACME", side=side, reason=reason,
                seq=1)


def funded(cash: int = 10_000, shares: int = 0) -> AccountState:
    state = AccountState("alice")
    send(state, DepositCash, amount=cash)
    if shares:
        send(state, TransferShares, symbol="ACME", quantity=shares, direction="in")
    return state


def rejection(facts: list[Fact]) -> tuple[str, str]:
    assert len(facts) == 1 and facts[0][0] is CommandRejected
    return facts[0][1]["reason_code"], facts[0][1]["reason"]


def test_deposit_withdraw_and_transfers_move_available_balances() -> None:
    state = AccountState("alice")
    deposit = decide(state, (DepositCash, {"account_id": "alice", "amount": 2_500}), "d1")
    assert deposit == [(BalanceChanged, {
        "account_id": "alice", "asset": "cash", "available_delta": 2_500, "reserved_delta": 0,
        "available": 2_500, "reserved": 0, "cause": "deposit", "ref": "d1"})]
    assert rejection(send(state, WithdrawCash, amount=10_000)) == (
        "insufficient_funds", "needs 10,000 cents, 2,500 available")
    assert send(state, WithdrawCash, amount=500)[0][1]["available"] == 2_000
    send(state, TransferShares, symbol="ACME", quantity=30, direction="in")
    assert rejection(send(state, TransferShares, symbol="ACME", quantity=31,
                          direction="out"))[0] == "insufficient_shares"
    facts = send(state, TransferShares, symbol="ACME", quantity=10, direction="out")
    assert facts[0][1]["cause"] == "transfer_out" and state.shares["ACME"] == [20, 0]


def test_a_limit_buy_reserves_price_times_quantity() -> None:
    state = funded(10_000)
    facts = place(state, "o1", "buy", 40, price=200)
    assert [k for k, _ in facts] == [OrderAccepted, BalanceChanged]
    assert facts[0][1] == {
        "order_id": "o1", "account_id": "alice", "client_order_id": "c-o1", "symbol": "ACME",
        "side": "buy", "order_type": "limit", "time_in_force": "GTC", "quantity": 40,
        "price": 200, "cash_limit": None}
    assert facts[1][1]["cause"] == "reserve" and facts[1][1]["reserved_delta"] == 8_000
    assert (state.cash_available, state.cash_reserved) == (2_000, 8_000)
    assert rejection(place(state, "o2", "buy", 20, price=200)) == (
        "insufficient_funds", "needs 4,000 cents, 2,000 available")


def test_a_sell_reserves_shares_and_there_is_no_short_selling() -> None:
    state = funded(1, shares=50)
    assert rejection(place(state, "o1", "sell", 60, price=100)) == (
        "insufficient_shares", "needs 60 ACME shares, 50 available")
    place(state, "o2", "sell", 50, price=100)
    assert state.shares["ACME"] == [0, 50]


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"side": "buy", "quantity": 1}, "missing_cash_limit"),
    ({"side": "buy", "quantity": 1, "cash_limit": 0}, "invalid_order"),
    ({"side": "sell", "quantity": 1, "cash_limit": 100}, "invalid_order"),
    ({"side": "buy", "quantity": 0, "price": 100}, "invalid_order"),
    ({"side": "buy", "quantity": 1, "price": 100, "cash_limit": 100}, "invalid_order"),
])
def test_malformed_orders_are_rejected_with_a_code(kwargs: dict[str, Any], code: str) -> None:
    state = funded(10_000, shares=10)
    assert rejection(place(state, "o1", **kwargs))[0] == code
    assert (state.cash_available, state.cash_reserved, state.open_orders) == (10_000, 0, {})


def test_a_limit_order_without_a_price_is_missing_its_price() -> None:
    state = funded()
    facts = send(state, PlaceOrder, order_id="o1", client_order_id="c1", symbol="ACME",
                 side="buy", order_type="limit", time_in_force="GTC", quantity=1, price=None,
                 cash_limit=None)
    assert rejection(facts)[0] == "missing_price"


def test_client_order_ids_and_order_ids_are_unique() -> None:
    state = funded()
    place(state, "o1", "buy", 1, price=100, client="c")
    assert rejection(place(state, "o2", "buy", 1, price=100, client="c"))[0] == (
        "duplicate_client_order_id")
    assert rejection(place(state, "o1", "buy", 1, price=100, client="d"))[0] == (
        "duplicate_order_id")


def moves(facts: list[Fact]) -> list[tuple[str, str, int, int]]:
    return [(p["cause"], p["asset"], p["available_delta"], p["reserved_delta"]) for _, p in facts]


def test_a_buy_filled_below_its_limit_gets_the_difference_back_at_the_fill() -> None:
    state = funded(10_000)
    place(state, "o1", "buy", 40, price=200)
    facts = fill(state, "o1", "buy", 150, 40)
    assert moves(facts) == [
        ("fill", "cash", 0, -6_000), ("fill", "ACME", 40, 0), ("release", "cash", 2_000, -2_000)]
    assert facts[2][1]["ref"] == "o1"
    assert (state.cash_available, state.cash_reserved) == (4_000, 0)
    assert close(state, "o1", "buy") == []  # nothing left in reserve
    assert state.shares["ACME"] == [40, 0] and not state.open_orders


def test_price_improvement_is_released_at_every_step_of_a_partial_fill() -> None:
    # 31 resting at 101 reserve exactly 31 x 101 = 3,131, whatever the earlier fills paid.
    state = funded(10_000)
    place(state, "o1", "buy", 50, price=101)
    assert (state.cash_available, state.cash_reserved) == (4_950, 5_050)
    facts = fill(state, "o1", "buy", 96, 14)  # 5 below the limit
    assert moves(facts) == [
        ("fill", "cash", 0, -1_344), ("fill", "ACME", 14, 0), ("release", "cash", 70, -70)]
    assert (state.cash_available, state.cash_reserved) == (5_020, 36 * 101)
    facts = fill(state, "o1", "buy", 101, 5)  # at the limit: nothing to release
    assert moves(facts) == [("fill", "cash", 0, -505), ("fill", "ACME", 5, 0)]
    assert (state.cash_available, state.cash_reserved) == (5_020, 31 * 101)
    assert state.open_orders["o1"].reserved == 3_131
    facts = fill(state, "o1", "buy", 100, 1)
    assert moves(facts) == [
        ("fill", "cash", 0, -100), ("fill", "ACME", 1, 0), ("release", "cash", 1, -1)]
    assert (state.cash_available, state.cash_reserved) == (5_021, 30 * 101)
    facts = close(state, "o1", "buy", "cancelled")  # the unfilled 30 come back at the close
    assert moves(facts) == [("release", "cash", 3_030, -3_030)]
    assert (state.cash_available, state.cash_reserved) == (10_000 - 1_344 - 505 - 100, 0)
    assert state.shares["ACME"] == [20, 0]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 250), st.integers(1, 40)), min_size=1, max_size=20),
    st.lists(st.tuples(st.integers(0, 2), st.integers(1, 50), st.integers(0, 60)), max_size=40),
    st.sampled_from(("filled", "cancelled", "expired")),
)
def test_an_open_limit_buy_reserves_its_limit_times_what_is_still_open_at_every_step(
    orders: list[tuple[int, int]], fills: list[tuple[int, int, int]], closing: str
) -> None:
    state = funded(10**9)
    open_quantity: dict[str, int] = {}
    for n, (limit, quantity) in enumerate(orders):
        place(state, f"o{n}", "buy", quantity, price=limit)
        open_quantity[f"o{n}"] = quantity
    spent = 0
    for pick, quantity, below in fills:
        order_id = f"o{pick % len(orders)}"
        limit, _ = orders[pick % len(orders)]
        quantity = min(quantity, open_quantity[order_id])
        if not quantity:
            continue
        price = max(limit - below, 1)
        fill(state, order_id, "buy", price, quantity)
        open_quantity[order_id] -= quantity
        spent += price * quantity
        reserved = sum(orders[int(o[1:])][0] * q for o, q in open_quantity.items())
        assert state.cash_reserved == reserved
        assert state.cash_available == 10**9 - reserved - spent
    for order_id in open_quantity:
        close(state, order_id, "buy", closing)
    assert (state.cash_available, state.cash_reserved) == (10**9 - spent, 0)


def test_an_open_order_saved_without_its_limit_releases_the_difference_at_close() -> None:
    # Changelog records written before open orders kept their limit price.
    state = funded(10_000)
    place(state, "o1", "buy", 40, price=200)
    saved = state.to_dict()
    saved["open_orders"] = [entry[:6] for entry in saved["open_orders"]]
    old = AccountState.from_dict(json.loads(json.dumps(saved)))
    assert moves(fill(old, "o1", "buy", 150, 20)) == [
        ("fill", "cash", 0, -3_000), ("fill", "ACME", 20, 0)]
    assert moves(close(old, "o1", "buy")) == [("release", "cash", 5_000, -5_000)]
    assert (old.cash_available, old.cash_reserved) == (7_000, 0)


def test_a_sell_filled_above_its_limit_has_no_cash_reserved_to_release() -> None:
    state = funded(1, shares=10)
    place(state, "o1", "sell", 10, price=100)
    assert moves(fill(state, "o1", "sell", 120, 4)) == [
        ("fill", "ACME", 0, -4), ("fill", "cash", 480, 0)]
    assert state.shares["ACME"] == [0, 6] and state.open_orders["o1"].reserved == 6


def test_a_market_buy_reserves_its_cash_limit_and_releases_what_it_did_not_spend() -> None:
    state = funded(10_000)
    place(state, "o1", "buy", 100, cash_limit=5_000)
    assert (state.cash_available, state.cash_reserved) == (5_000, 5_000)
    fill(state, "o1", "buy", 30, 10)
    fill(state, "o1", "buy", 40, 50)
    close(state, "o1", "buy", "expired")
    assert (state.cash_available, state.cash_reserved) == (10_000 - 2_300, 0)
    assert state.shares["ACME"] == [60, 0]


def test_a_sell_fill_pays_cash_and_a_rejection_releases_the_shares() -> None:
    state = funded(1, shares=50)
    place(state, "o1", "sell", 20, price=300)
    facts = fill(state, "o1", "sell", 310, 20)
    assert [(p["asset"], p["available_delta"], p["reserved_delta"]) for _, p in facts] == [
        ("ACME", 0, -20), ("cash", 6_200, 0)]
    assert close(state, "o1", "sell") == []  # nothing left in reserve
    place(state, "o2", "sell", 30, price=300)
    facts = close(state, "o2", "sell", "rejected")
    assert facts[0][1]["cause"] == "release" and state.shares["ACME"] == [30, 0]


def test_cancel_needs_an_open_order_of_this_account_and_is_asked_once() -> None:
    state = funded()
    assert rejection(send(state, CancelOrder, order_id="o1"))[0] == "unknown_order"
    place(state, "o1", "buy", 1, price=100)
    assert send(state, CancelOrder, order_id="o1") == [
        (CancelRequested, {"order_id": "o1", "account_id": "alice", "symbol": "ACME"})]
    assert rejection(send(state, CancelOrder, order_id="o1"))[0] == "cancel_pending"
    close(state, "o1", "buy", "cancelled")
    assert state.cash_available == 10_000
    assert rejection(send(state, CancelOrder, order_id="o1")) == (
        "order_closed", "order o1 is already cancelled")


def test_a_cancel_after_the_fill_names_the_order_closed_and_its_own_order() -> None:
    state = funded()
    place(state, "o1", "buy", 2, price=100)
    fill(state, "o1", "buy", 100, 2)
    close(state, "o1", "buy", "filled")
    facts = send(state, CancelOrder, order_id="o1")
    assert facts[0][1]["order_id"] == "o1" and facts[0][1]["client_order_id"] == "c-o1"
    assert rejection(facts) == ("order_closed", "order o1 is already filled")
    facts = send(state, CancelOrder, order_id="someone-elses")
    assert facts[0][1]["client_order_id"] is None
    assert rejection(facts) == (
        "unknown_order", "no open or recently closed order someone-elses in account alice")


def test_closed_orders_are_remembered_within_a_bound_and_through_a_restart() -> None:
    state = AccountState("alice", max_closed_orders=2)
    send(state, DepositCash, amount=1_000)
    for order_id in ("o1", "o2", "o3"):
        place(state, order_id, "buy", 1, price=100)
        close(state, order_id, "buy", "expired")
    restored = AccountState.from_dict(json.loads(json.dumps(state.to_dict())),
                                      max_closed_orders=2)
    assert list(restored.closed_orders) == ["o2", "o3"]  # o1, the oldest, is forgotten
    assert rejection(send(restored, CancelOrder, order_id="o3"))[0] == "order_closed"
    assert rejection(send(restored, CancelOrder, order_id="o1"))[0] == "unknown_order"


def test_state_saved_before_closed_orders_were_remembered_still_loads() -> None:
    saved = funded().to_dict()
    del saved["closed_orders"]
    assert AccountState.from_dict(saved).closed_orders == {}


def test_a_repeated_command_id_yields_nothing_within_the_memory() -> None:
    state = AccountState("alice", max_command_ids=2)
    deposit = (DepositCash, {"account_id": "alice", "amount": 100})
    assert decide(state, deposit, "a") != []
    assert decide(state, deposit, "a") == []
    decide(state, deposit, "b")
    decide(state, deposit, "c")  # forgets "a", the oldest
    assert list(state.command_ids) == ["b", "c"]
    assert decide(state, deposit, "a") != []
    assert state.cash_available == 400


def test_decide_record_takes_the_command_id_from_the_envelope() -> None:
    envelope = Envelope(event_id="01J", type="t", schema_version=1, occurred_at=0,
                        recorded_at=0, producer="p", key="alice", correlation_id="c")
    state = AccountState("alice")
    record = DepositCash(envelope=envelope, account_id="alice", amount=5)
    assert decide_record(state, record)[0][1]["ref"] == "01J"
    assert decide_record(state, record) == []


def test_state_round_trips_through_json_and_hashes_canonically() -> None:
    state = funded(10_000, shares=50)
    place(state, "o1", "buy", 10, price=100)
    place(state, "o2", "sell", 10, price=100)
    send(state, CancelOrder, order_id="o2")
    saved = json.loads(json.dumps(state.to_dict()))
    restored = AccountState.from_dict(saved)
    assert restored.to_dict() == state.to_dict()
    assert restored.state_hash() == state.state_hash()
    assert rejection(send(restored, CancelOrder, order_id="o2"))[0] == "cancel_pending"
    fill(state, "o1", "buy", 100, 1)
    assert restored.state_hash() != state.state_hash()
