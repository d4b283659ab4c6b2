"""The matching stage: checks, facts and sequence numbers for one symbol."""

from __future__ import annotations

import json
from typing import Any

import pytest

from schemas.envelope import Envelope
from schemas.exchange import (
    AdminRejected,
    CancelRejected,
    CancelRequested,
    DepositCash,
    HaltSymbol,
    InstrumentListed,
    ListInstrument,
    OrderAccepted,
    OrderCancelled,
    OrderClosed,
    OrderExpired,
    OrderFilled,
    OrderRejected,
    OrderRested,
    ResumeSymbol,
    TradeExecuted,
    TradingHalted,
    TradingResumed,
)
from streams.exchange.book import OrderBook, ReferenceOrderBook
from streams.exchange.matching import BookFactory, SymbolState, decide
from streams.facts import Fact


@pytest.fixture(params=[OrderBook, ReferenceOrderBook], ids=["fast", "reference"])
def book_factory(request: pytest.FixtureRequest) -> BookFactory:
    factory: BookFactory = request.param
    return factory


def listed(book_factory: BookFactory, tick: int = 5, lot: int = 10) -> SymbolState:
    state = SymbolState("ACME", book_factory)
    decide(state, (ListInstrument, {"symbol": "ACME", "tick_size": tick, "lot_size": lot}))
    return state


def order(order_id: str, account: str, side: str, quantity: int, price: int | None = None,
          tif: str = "GTC", cash_limit: int | None = None) -> Fact:
    return OrderAccepted, {
        "order_id": order_id, "account_id": account, "client_order_id": "c-" + order_id,
        "symbol": "ACME", "side": side, "order_type": "limit" if price else "market",
        "time_in_force": tif, "quantity": quantity, "price": price, "cash_limit": cash_limit,
    }


def kinds(facts: list[Fact]) -> list[str]:
    return [kind.__name__ for kind, _ in facts]


def test_operators_list_halt_and_resume_with_consecutive_seqs(
    book_factory: BookFactory,
) -> None:
    state = SymbolState("ACME", book_factory)
    facts = [
        *decide(state, (HaltSymbol, {"symbol": "ACME", "reason": "news"})),
        *decide(state, (ListInstrument, {"symbol": "ACME", "tick_size": 5, "lot_size": 10})),
        *decide(state, (ListInstrument, {"symbol": "ACME", "tick_size": 1, "lot_size": 1})),
        *decide(state, (ResumeSymbol, {"symbol": "ACME"})),
        *decide(state, (HaltSymbol, {"symbol": "ACME", "reason": "news"})),
        *decide(state, (HaltSymbol, {"symbol": "ACME", "reason": "again"})),
        *decide(state, (ResumeSymbol, {"symbol": "ACME"})),
    ]
    assert [(k, p.get("reason_code")) for k, p in facts] == [
        (AdminRejected, "unknown_symbol"), (InstrumentListed, None),
        (AdminRejected, "already_listed"), (AdminRejected, "not_halted"),
        (TradingHalted, None), (AdminRejected, "already_halted"), (TradingResumed, None),
    ]
    assert [p["seq"] for _, p in facts] == [1, 2, 3, 4, 5, 6, 7]
    assert (state.tick_size, state.lot_size, state.halted) == (5, 10, False)


@pytest.mark.parametrize(("fact", "code"), [
    (order("o1", "A", "buy", 10, 101), "price_off_tick"),
    (order("o1", "A", "buy", 15, 100), "quantity_off_lot"),
    (order("o1", "A", "buy", 10, None), "missing_cash_limit"),
    ((OrderAccepted, {**order("o1", "A", "buy", 10, 100)[1], "price": None,
                      "order_type": "limit"}), "missing_price"),
])
def test_matching_rejects_what_the_instrument_forbids(
    book_factory: BookFactory, fact: Fact, code: str
) -> None:
    state = listed(book_factory)
    facts = decide(state, fact)
    assert kinds(facts) == ["OrderRejected", "OrderClosed"]
    assert facts[0][1]["reason_code"] == code and facts[0][1]["seq"] == 2
    assert facts[1][1] == {"account_id": "A", "order_id": "o1", "symbol": "ACME", "side": "buy",
                           "reason": "rejected", "seq": 2}
    assert len(state.book) == 0


def test_orders_on_an_unlisted_or_halted_symbol_are_rejected(book_factory: BookFactory) -> None:
    state = SymbolState("ACME", book_factory)
    assert decide(state, order("o1", "A", "buy", 10, 100))[0][1]["reason_code"] == (
        "unknown_symbol")
    state = listed(book_factory)
    decide(state, (HaltSymbol, {"symbol": "ACME", "reason": "news"}))
    facts = decide(state, order("o2", "A", "buy", 10, 100))
    assert (facts[0][0], facts[0][1]["reason_code"]) == (OrderRejected, "halted")
    assert "news" in facts[0][1]["reason"]


def test_a_trade_emits_the_trade_both_fills_and_the_closes(book_factory: BookFactory) -> None:
    state = listed(book_factory)
    rested = decide(state, order("s1", "S", "sell", 30, 100))
    assert rested == [(OrderRested, {"order_id": "s1", "account_id": "S", "symbol": "ACME",
                                     "side": "sell", "price": 100, "quantity": 30, "seq": 2})]
    facts = decide(state, order("b1", "B", "buy", 20, 105))
    assert facts == [
        (TradeExecuted, {"trade_id": "ACME-3", "symbol": "ACME", "price": 100, "quantity": 20,
                         "buy_order_id": "b1", "sell_order_id": "s1", "buy_account_id": "B",
                         "sell_account_id": "S", "aggressor_side": "buy", "seq": 3}),
        (OrderFilled, {"account_id": "B", "order_id": "b1", "symbol": "ACME", "side": "buy",
                       "price": 100, "quantity": 20, "trade_id": "ACME-3", "seq": 3}),
        (OrderFilled, {"account_id": "S", "order_id": "s1", "symbol": "ACME", "side": "sell",
                       "price": 100, "quantity": 20, "trade_id": "ACME-3", "seq": 3}),
        (OrderClosed, {"account_id": "B", "order_id": "b1", "symbol": "ACME", "side": "buy",
                       "reason": "filled", "seq": 3}),
    ]
    facts = decide(state, order("b2", "B", "buy", 20, 100, tif="IOC"))
    assert kinds(facts) == ["TradeExecuted", "OrderFilled", "OrderFilled", "OrderClosed",
                            "OrderExpired", "OrderClosed"]
    assert facts[3][1]["order_id"] == "s1" and facts[3][1]["seq"] == 4
    assert facts[4][1] == {"order_id": "b2", "account_id": "B", "symbol": "ACME", "side": "buy",
                           "quantity": 10, "reason": "immediate_or_cancel", "seq": 5}
    assert facts[5][1]["seq"] == 5 and state.seq == 5


def test_self_trade_prevention_cancels_and_closes_the_resting_order(
    book_factory: BookFactory,
) -> None:
    state = listed(book_factory)
    decide(state, order("s1", "A", "sell", 10, 100))
    decide(state, order("s2", "B", "sell", 10, 100))
    facts = decide(state, order("b1", "A", "buy", 20, 100))
    assert kinds(facts) == ["OrderCancelled", "OrderClosed", "TradeExecuted", "OrderFilled",
                            "OrderFilled", "OrderClosed", "OrderRested"]
    assert facts[0][1] == {"order_id": "s1", "account_id": "A", "symbol": "ACME", "side": "sell",
                           "quantity": 10, "reason": "self_trade_prevented", "seq": 4}
    assert facts[1][1]["reason"] == "cancelled"
    assert [p["seq"] for _, p in facts] == [4, 4, 5, 5, 5, 5, 6]


def test_a_market_buy_stops_at_its_cash_limit(book_factory: BookFactory) -> None:
    state = listed(book_factory)
    decide(state, order("s1", "S", "sell", 10, 100))
    decide(state, order("s2", "S", "sell", 50, 200))
    facts = decide(state, order("b1", "B", "buy", 60, None, tif="IOC", cash_limit=4_500))
    assert [p["quantity"] for k, p in facts if k is TradeExecuted] == [10, 10]
    expired = [p for k, p in facts if k is OrderExpired]
    assert expired == [{"order_id": "b1", "account_id": "B", "symbol": "ACME", "side": "buy",
                        "quantity": 40, "reason": "cash_limit_reached", "seq": 6}]


def test_a_market_order_on_an_empty_book_expires_at_once(book_factory: BookFactory) -> None:
    state = listed(book_factory)
    facts = decide(state, order("s1", "S", "sell", 10))
    assert kinds(facts) == ["OrderExpired", "OrderClosed"]
    assert facts[0][1]["reason"] == "market_unfilled"


def test_cancel_checks_the_order_is_open_and_the_accounts(book_factory: BookFactory) -> None:
    state = listed(book_factory)
    decide(state, order("b1", "A", "buy", 10, 100))

    def cancel(order_id: str, account: str) -> list[Fact]:
        return decide(state, (CancelRequested, {"order_id": order_id, "account_id": account,
                                                "symbol": "ACME"}))

    assert [(k, p["reason_code"]) for k, p in cancel("nope", "A")] == [
        (CancelRejected, "order_not_open")]
    assert cancel("b1", "B")[0][1]["reason_code"] == "not_your_order"
    assert cancel("b1", "A") == [
        (OrderCancelled, {"order_id": "b1", "account_id": "A", "symbol": "ACME", "side": "buy",
                          "quantity": 10, "reason": "cancel_requested", "seq": 5}),
        (OrderClosed, {"account_id": "A", "order_id": "b1", "symbol": "ACME", "side": "buy",
                       "reason": "cancelled", "seq": 5}),
    ]
    assert len(state.book) == 0


def test_cancels_are_allowed_while_halted(book_factory: BookFactory) -> None:
    state = listed(book_factory)
    decide(state, order("b1", "A", "buy", 10, 100))
    decide(state, (HaltSymbol, {"symbol": "ACME", "reason": "news"}))
    facts = decide(state, (CancelRequested, {"order_id": "b1", "account_id": "A",
                                             "symbol": "ACME"}))
    assert kinds(facts) == ["OrderCancelled", "OrderClosed"]


def test_an_order_accepted_twice_is_decided_once(book_factory: BookFactory) -> None:
    state = listed(book_factory)
    assert kinds(decide(state, order("b1", "A", "buy", 10, 100))) == ["OrderRested"]
    assert decide(state, order("b1", "A", "buy", 10, 100)) == []
    assert len(state.book) == 1


def test_decide_takes_a_decoded_record_too(book_factory: BookFactory) -> None:
    envelope = Envelope(event_id="01J", type="t", schema_version=1, occurred_at=0,
                        recorded_at=0, producer="p", key="ACME", correlation_id="c")
    state = SymbolState("ACME", book_factory)
    record = ListInstrument(envelope=envelope, symbol="ACME", tick_size=5, lot_size=10)
    assert kinds(decide(state, record)) == ["InstrumentListed"]
    with pytest.raises(TypeError):
        decide(state, DepositCash(envelope=envelope, account_id="A", amount=1))


def test_state_round_trips_through_json_and_hashes_canonically(
    book_factory: BookFactory,
) -> None:
    state = listed(book_factory)
    for i, (side, price) in enumerate([("buy", 95), ("buy", 100), ("sell", 110), ("buy", 100),
                                       ("sell", 105)]):
        decide(state, order(f"o{i}", f"A{i}", side, 10, price))
    decide(state, (HaltSymbol, {"symbol": "ACME", "reason": "news"}))
    saved: dict[str, Any] = json.loads(json.dumps(state.to_dict()))
    assert saved == state.to_dict()
    restored = SymbolState.from_dict(saved, book_factory)
    assert restored.state_hash() == state.state_hash()
    assert [o[0] for o in restored.book.orders("buy")] == ["o1", "o3", "o0"]
    assert restored.book.best_ask() == 105 and restored.halted and restored.seq == state.seq
    other = listed(book_factory)
    assert other.state_hash() != state.state_hash()
