"""Matching's state as parts: the symbol's meta and one part per resting order."""

from __future__ import annotations

import random

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.exchange import (
    CancelRequested,
    HaltSymbol,
    ListInstrument,
    OrderAccepted,
    ResumeSymbol,
    TradeExecuted,
)
from streams.exchange.book import OrderBook, ReferenceOrderBook
from streams.exchange.book_log import BookLog
from streams.exchange.matching import BookFactory, SymbolState, decide
from streams.facts import Fact, Message
from streams.state_log import StateLog
from tests.unit.streams.exchange.changelog import Changelog, record

_ids = iter(range(10**9))


@pytest.fixture(params=[OrderBook, ReferenceOrderBook], ids=["fast", "reference"])
def book_factory(request: pytest.FixtureRequest) -> BookFactory:
    factory: BookFactory = request.param
    return factory


def order(
    order_id: str,
    account: str,
    side: str,
    quantity: int,
    price: int | None = None,
    tif: str = "GTC",
) -> Fact:
    return OrderAccepted, {
        "order_id": order_id,
        "account_id": account,
        "client_order_id": "c-" + order_id,
        "symbol": "ACME",
        "side": side,
        "order_type": "limit" if price else "market",
        "time_in_force": tif,
        "quantity": quantity,
        "price": price,
        "cash_limit": 10**9 if price is None and side == "buy" else None,
    }


def cancel(order_id: str, account: str) -> Fact:
    return CancelRequested, {"order_id": order_id, "account_id": account, "symbol": "ACME"}


class Symbol:
    """One symbol's matching stage with its changelog, committed after each input."""

    def __init__(self, book_factory: BookFactory) -> None:
        self.book_log = BookLog(book_factory)
        self.changelog = Changelog(self.book_log)
        self.state = SymbolState("ACME", book_factory)
        self.touched: list[str] = []

    def send(self, message: Message) -> list[Fact]:
        cause = record(message, f"cmd-{next(_ids)}", "ACME")
        facts = decide(self.state, cause)
        self.touched = list(self.book_log.touched(self.state, cause, facts))
        self.changelog.decided("ACME", self.state, cause, facts)
        self.changelog.commit({"ACME": self.state})
        return facts

    def restored(self, seed: int = 0) -> SymbolState:
        parts = list(self.changelog.parts["ACME"].items())
        random.Random(seed).shuffle(parts)
        return self.book_log.restore("ACME", dict(parts))


def listed(book_factory: BookFactory, tick: int = 5, lot: int = 10) -> Symbol:
    symbol = Symbol(book_factory)
    symbol.send((ListInstrument, {"symbol": "ACME", "tick_size": tick, "lot_size": lot}))
    return symbol


def test_a_book_log_is_a_state_log() -> None:
    log: StateLog = BookLog()
    assert log.touched(
        SymbolState("ACME"), record(order("o", "A", "buy", 1, 1), "e", "ACME"), []
    ) == ["meta"]


def test_the_meta_part_holds_listing_halt_and_seq(book_factory: BookFactory) -> None:
    symbol = listed(book_factory)
    symbol.send((HaltSymbol, {"symbol": "ACME", "reason": "news"}))
    assert symbol.touched == ["meta"]
    assert symbol.book_log.entry(symbol.state, "meta") == b'[true,5,10,true,"news",2]'
    symbol.send((ResumeSymbol, {"symbol": "ACME"}))
    assert orjson.loads(symbol.changelog.parts["ACME"]["meta"]) == [True, 5, 10, False, "", 3]


def test_a_resting_order_is_one_part_with_its_arrival(book_factory: BookFactory) -> None:
    symbol = listed(book_factory)
    symbol.send(order("b1", "A", "buy", 30, 100))
    assert symbol.touched == ["meta", "o:b1"]
    assert symbol.book_log.entry(symbol.state, "o:b1") == b'["A","buy",100,30,2]'


def test_a_trade_rewrites_its_maker_and_a_filled_maker_is_a_tombstone(
    book_factory: BookFactory,
) -> None:
    symbol = listed(book_factory)
    symbol.send(order("s1", "S", "sell", 30, 100))
    symbol.send(order("s2", "S", "sell", 10, 105))
    facts = symbol.send(order("b1", "B", "buy", 40, 105, tif="IOC"))
    assert [k for k, _ in facts].count(TradeExecuted) == 2
    assert symbol.touched == ["meta", "o:s1", "o:s2"]  # the taker never rested: no part
    assert symbol.book_log.entry(symbol.state, "o:s1") is None
    assert symbol.book_log.entry(symbol.state, "o:s2") is None
    symbol.send(order("s3", "S", "sell", 30, 100))
    symbol.send(order("b2", "B", "buy", 10, None, tif="IOC"))
    assert symbol.touched == ["meta", "o:s3"]
    assert orjson.loads(symbol.changelog.parts["ACME"]["o:s3"]) == ["S", "sell", 100, 20, 6]
    assert sorted(symbol.changelog.parts["ACME"]) == ["meta", "o:s3"]


def test_cancels_and_self_trade_prevention_leave_tombstones(book_factory: BookFactory) -> None:
    symbol = listed(book_factory)
    symbol.send(order("s1", "A", "sell", 10, 100))
    symbol.send(order("s2", "B", "sell", 10, 100))
    symbol.send(order("b1", "A", "buy", 20, 100))  # cancels s1, takes s2, rests 10
    assert symbol.touched == ["meta", "o:s1", "o:s2", "o:b1"]
    symbol.send(cancel("b1", "A"))
    assert symbol.touched == ["meta", "o:b1"]
    assert sorted(symbol.changelog.parts["ACME"]) == ["meta"]
    symbol.send(cancel("b1", "A"))  # refused: nothing but the seq changes
    assert symbol.touched == ["meta"]


def test_orders_refused_or_expired_write_no_order_part(book_factory: BookFactory) -> None:
    symbol = listed(book_factory)
    symbol.send(order("b1", "A", "buy", 15, 100))  # off the lot
    assert symbol.touched == ["meta"]
    symbol.send(order("b2", "A", "buy", 10, 100, tif="FOK"))
    symbol.send(order("b3", "A", "buy", 10, None))
    assert sorted(symbol.changelog.parts["ACME"]) == ["meta"]


def test_a_restored_book_fills_the_first_arrival_at_a_price_first(
    book_factory: BookFactory,
) -> None:
    # o3 arrives between o1 and o2 at a better price and leaves; o2 shrinks
    # after o4 arrived: neither changes who came first at 100.
    symbol = listed(book_factory, tick=1, lot=1)
    symbol.send(order("o1", "A", "sell", 10, 100))
    symbol.send(order("o3", "B", "sell", 10, 99))
    symbol.send(order("o2", "C", "sell", 10, 100))
    symbol.send(order("o4", "D", "sell", 10, 100))
    symbol.send(order("x", "E", "buy", 15, 99))  # takes o3, rests 5 at 99
    symbol.send(cancel("x", "E"))
    for seed in range(20):
        restored = symbol.restored(seed)
        assert restored.state_hash() == symbol.state.state_hash()
        facts = decide(restored, order("t", "T", "buy", 25, 100))
        makers = [p["sell_order_id"] for k, p in facts if k is TradeExecuted]
        assert makers == ["o1", "o2", "o4"]


def test_a_restored_symbol_decides_as_the_live_one(book_factory: BookFactory) -> None:
    symbol = listed(book_factory)
    for n, (side, price) in enumerate(
        [("buy", 95), ("buy", 100), ("sell", 110), ("buy", 100), ("sell", 105)]
    ):
        symbol.send(order(f"o{n}", f"A{n}", side, 10, price))
    symbol.send((HaltSymbol, {"symbol": "ACME", "reason": "news"}))
    restored = symbol.restored()
    assert restored.state_hash() == symbol.state.state_hash()
    for message in (
        cancel("o3", "A3"),
        (ResumeSymbol, {"symbol": "ACME"}),
        order("t", "T", "sell", 30, None),
    ):
        assert repr(decide(restored, message)) == repr(decide(symbol.state, message))
    assert restored.state_hash() == symbol.state.state_hash()


def test_no_parts_restore_a_fresh_symbol() -> None:
    assert BookLog().restore("ACME", {}).state_hash() == SymbolState("ACME").state_hash()


def test_an_unknown_part_is_refused() -> None:
    with pytest.raises(ValueError, match="'x:1'"):
        BookLog().entry(SymbolState("ACME"), "x:1")
    with pytest.raises(ValueError, match="'x:1'"):
        BookLog().restore("ACME", {"x:1": b"[]"})


_flow = st.lists(
    st.tuples(
        st.integers(0, 9),
        st.integers(0, 3),
        st.integers(0, 1),
        st.integers(95, 105),
        st.integers(1, 5),
        st.sampled_from(("GTC", "GTC", "GTC", "IOC", "FOK", "market", "cancel")),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(_flow, st.integers(0, 2**32))
def test_any_session_restored_at_any_batch_boundary_decides_the_same(
    steps: list[tuple[int, int, int, int, int, str]], seed: int
) -> None:
    rng = random.Random(seed)
    log = BookLog()
    changelog = Changelog(log)
    straight = SymbolState("ACME")
    live = SymbolState("ACME")
    messages: list[Message] = [(ListInstrument, {"symbol": "ACME", "tick_size": 1, "lot_size": 1})]
    for n, (pick, account, side, price, quantity, kind) in enumerate(steps):
        if kind == "cancel":
            messages.append(cancel(f"o{max(0, n - pick)}", f"A{account}"))
        else:
            tif = "IOC" if kind == "market" else kind
            messages.append(
                order(
                    f"o{n}",
                    f"A{account}",
                    ("buy", "sell")[side],
                    quantity,
                    None if kind == "market" else price,
                    tif,
                )
            )
    for n, message in enumerate(messages):
        cause = record(message, f"e{n}", "ACME")
        expected = decide(straight, cause)
        facts = decide(live, cause)
        assert repr(facts) == repr(expected)
        changelog.decided("ACME", live, cause, facts)
        if rng.random() < 0.4:
            changelog.commit({"ACME": live})
            if rng.random() < 0.5:
                live = changelog.restore(rng, SymbolState, {"ACME": live})["ACME"]
    assert live.state_hash() == straight.state_hash()


def test_a_book_saved_whole_before_arrivals_were_kept_loads_in_priority_order(
    book_factory: BookFactory,
) -> None:
    symbol = listed(book_factory, tick=1, lot=1)
    for order_id, account, price in (("o1", "A", 100), ("o2", "B", 100), ("o3", "C", 99)):
        symbol.send(order(order_id, account, "sell", 10, price))
    saved = symbol.state.to_dict()
    saved["asks"] = [resting[:5] for resting in saved["asks"]]
    old = SymbolState.from_dict(saved, book_factory)
    facts = decide(old, order("t", "T", "buy", 30, 100))
    assert [p["sell_order_id"] for k, p in facts if k is TradeExecuted] == ["o3", "o1", "o2"]
