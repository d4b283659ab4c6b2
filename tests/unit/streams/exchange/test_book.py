"""One suite, two books: the fast OrderBook and its oracle, ReferenceOrderBook."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.exchange.book import (
    BUDGET,
    EXPIRED,
    FILLED,
    KILLED,
    RESTED,
    SELF_TRADE,
    TRADE,
    Book,
    OrderBook,
    ReferenceOrderBook,
)

BookFactory = Callable[..., Book]
BOOKS: list[BookFactory] = [OrderBook, ReferenceOrderBook]


@pytest.fixture(params=BOOKS, ids=["fast", "reference"])
def new_book(request: pytest.FixtureRequest) -> BookFactory:
    factory: BookFactory = request.param
    return factory


def test_a_limit_order_that_does_not_cross_rests(new_book: BookFactory) -> None:
    book = new_book()
    assert book.place("b1", "A", "buy", 100, 10, "GTC") == (RESTED, 10, [])
    assert book.place("s1", "B", "sell", 101, 5, "GTC") == (RESTED, 5, [])
    assert (book.best_bid(), book.best_ask()) == (100, 101)
    assert book.get("b1") == ("b1", "A", "buy", 100, 10)
    assert len(book) == 2


def test_price_then_time_priority_and_the_maker_price(new_book: BookFactory) -> None:
    book = new_book()
    book.place("s1", "A", "sell", 102, 5, "GTC")
    book.place("s2", "B", "sell", 101, 5, "GTC")
    book.place("s3", "C", "sell", 101, 5, "GTC")
    outcome, left, events = book.place("b1", "D", "buy", 103, 12, "GTC")
    assert (outcome, left) == (FILLED, 0)
    assert events == [
        (TRADE, "s2", "B", 101, 5, 0),
        (TRADE, "s3", "C", 101, 5, 0),
        (TRADE, "s1", "A", 102, 2, 3),
    ]
    assert book.orders("sell") == [("s1", "A", "sell", 102, 3)]


def test_a_partial_fill_rests_the_remainder_at_the_limit(new_book: BookFactory) -> None:
    book = new_book()
    book.place("s1", "A", "sell", 100, 4, "GTC")
    outcome, left, events = book.place("b1", "B", "buy", 100, 10, "GTC")
    assert (outcome, left, events) == (RESTED, 6, [(TRADE, "s1", "A", 100, 4, 0)])
    assert book.orders("buy") == [("b1", "B", "buy", 100, 6)]
    assert book.best_ask() is None


def test_a_market_order_walks_the_book_and_the_rest_expires(new_book: BookFactory) -> None:
    book = new_book()
    book.place("b1", "A", "buy", 99, 3, "GTC")
    book.place("b2", "A", "buy", 98, 3, "GTC")
    outcome, left, events = book.place("s1", "B", "sell", None, 10, "GTC")
    assert (outcome, left) == (EXPIRED, 4)
    assert [e[3] for e in events] == [99, 98]
    assert len(book) == 0


def test_ioc_never_rests(new_book: BookFactory) -> None:
    book = new_book()
    book.place("s1", "A", "sell", 100, 2, "GTC")
    assert book.place("b1", "B", "buy", 100, 5, "IOC") == (
        EXPIRED, 3, [(TRADE, "s1", "A", 100, 2, 0)])
    assert book.place("b2", "B", "buy", 100, 5, "IOC") == (EXPIRED, 5, [])
    assert len(book) == 0


def test_fok_fills_whole_or_does_nothing(new_book: BookFactory) -> None:
    book = new_book()
    book.place("s1", "A", "sell", 100, 3, "GTC")
    book.place("s2", "A", "sell", 101, 3, "GTC")
    assert book.place("b1", "B", "buy", 101, 7, "FOK") == (KILLED, 7, [])
    assert book.place("b2", "B", "buy", 100, 4, "FOK") == (KILLED, 4, [])
    assert len(book) == 2
    outcome, left, events = book.place("b3", "B", "buy", 101, 6, "FOK")
    assert (outcome, left, len(events)) == (FILLED, 0, 2)


def test_fok_does_not_count_the_accounts_own_orders(new_book: BookFactory) -> None:
    book = new_book()
    book.place("s1", "B", "sell", 100, 5, "GTC")
    book.place("s2", "A", "sell", 100, 5, "GTC")
    assert book.place("b1", "B", "buy", 100, 6, "FOK") == (KILLED, 6, [])
    # Killed: nothing cancelled either.
    assert [o[0] for o in book.orders("sell")] == ["s1", "s2"]
    outcome, left, events = book.place("b2", "B", "buy", 100, 5, "FOK")
    assert (outcome, left) == (FILLED, 0)
    assert events == [(SELF_TRADE, "s1", "B", 100, 5, 0), (TRADE, "s2", "A", 100, 5, 0)]


def test_self_trade_prevention_cancels_the_resting_order(new_book: BookFactory) -> None:
    book = new_book()
    book.place("s1", "A", "sell", 100, 5, "GTC")
    book.place("s2", "B", "sell", 100, 5, "GTC")
    outcome, left, events = book.place("b1", "A", "buy", 100, 8, "GTC")
    assert events == [(SELF_TRADE, "s1", "A", 100, 5, 0), (TRADE, "s2", "B", 100, 5, 0)]
    assert (outcome, left) == (RESTED, 3)
    assert book.get("s1") is None
    assert book.orders("buy") == [("b1", "A", "buy", 100, 3)]


def test_cancel_takes_the_order_off_and_keeps_the_others_in_line(new_book: BookFactory) -> None:
    book = new_book()
    for i in range(4):
        book.place(f"b{i}", "A", "buy", 100, 1 + i, "GTC")
    assert book.cancel("b1") == ("b1", "A", "buy", 100, 2)
    assert book.cancel("b1") is None
    assert book.cancel("nope") is None
    assert [o[0] for o in book.orders("buy")] == ["b0", "b2", "b3"]
    assert book.depth("buy", 5) == [(100, 8)]


def test_cancelling_the_best_level_moves_the_best_price(new_book: BookFactory) -> None:
    book = new_book()
    book.place("b1", "A", "buy", 100, 1, "GTC")
    book.place("b2", "A", "buy", 99, 1, "GTC")
    book.place("b3", "A", "buy", 98, 1, "GTC")
    book.cancel("b2")
    book.cancel("b1")
    assert book.best_bid() == 98
    book.place("b4", "A", "buy", 99, 1, "GTC")
    assert book.best_bid() == 99
    assert book.depth("buy", 5) == [(99, 1), (98, 1)]


def test_a_budget_stops_the_walk_at_whole_lots(new_book: BookFactory) -> None:
    book = new_book(10)
    book.place("s1", "A", "sell", 100, 10, "GTC")
    book.place("s2", "A", "sell", 200, 50, "GTC")
    # 1,000 buys s1; 3,500 left affords 17 at 200, 10 in whole lots.
    outcome, left, events = book.place("b1", "B", "buy", None, 100, "IOC", cash_limit=4_500)
    assert (outcome, left) == (BUDGET, 80)
    assert events == [(TRADE, "s1", "A", 100, 10, 0), (TRADE, "s2", "A", 200, 10, 40)]
    assert book.place("b2", "B", "buy", None, 30, "FOK", cash_limit=5_999) == (KILLED, 30, [])
    assert book.place("b3", "B", "buy", None, 30, "FOK", cash_limit=6_000)[0] == FILLED


def test_a_budget_that_affords_nothing_trades_nothing(new_book: BookFactory) -> None:
    book = new_book()
    book.place("s1", "A", "sell", 100, 10, "GTC")
    assert book.place("b1", "B", "buy", None, 5, "IOC", cash_limit=99) == (BUDGET, 5, [])
    assert book.orders("sell") == [("s1", "A", "sell", 100, 10)]


def test_rest_restores_orders_in_the_order_given(new_book: BookFactory) -> None:
    book = new_book()
    book.rest("b2", "A", "buy", 100, 1)
    book.rest("b1", "B", "buy", 100, 2)
    assert book.place("s1", "C", "sell", 100, 3, "IOC")[2] == [
        (TRADE, "b2", "A", 100, 1, 0), (TRADE, "b1", "B", 100, 2, 0)]


# --- properties: random flows against both books ------------------------------------

ACCOUNTS = ("A", "B", "C")

place_ops = st.tuples(
    st.just("place"),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(("buy", "sell")),
    st.one_of(st.none(), st.integers(95, 105)),
    st.integers(1, 20),
    st.sampled_from(("GTC", "GTC", "IOC", "FOK")),
    st.one_of(st.none(), st.integers(0, 3000)),
)
cancel_ops = st.tuples(st.just("cancel"), st.integers(0, 60))
flows = st.lists(st.one_of(place_ops, place_ops, cancel_ops), max_size=60)


def run_flow(book: Book, flow: list[tuple[object, ...]]) -> list[object]:
    """Apply a flow to a book; return every result, checking invariants on the way."""
    results: list[object] = []
    for n, op in enumerate(flow):
        if op[0] == "place":
            _, account, side, price, qty, tif, cash_limit = op
            assert isinstance(side, str) and isinstance(tif, str) and isinstance(qty, int)
            assert isinstance(account, str)
            budget = cash_limit if side == "buy" and price is None else None
            assert price is None or isinstance(price, int)
            assert budget is None or isinstance(budget, int)
            results.append(book.place(f"o{n}", account, side, price, qty, tif, budget))
        else:
            results.append(book.cancel(f"o{op[1]}"))
        check_invariants(book)
    return results


def check_invariants(book: Book) -> None:
    bid, ask = book.best_bid(), book.best_ask()
    assert bid is None or ask is None or bid < ask, "the book is crossed at rest"
    for side, sign in (("buy", -1), ("sell", 1)):
        orders = book.orders(side)
        keys = [sign * price for _, _, _, price, _ in orders]
        assert keys == sorted(keys), "a side is out of price order"
        assert all(qty > 0 for *_, qty in orders)
        best = bid if side == "buy" else ask
        assert best == (orders[0][3] if orders else None)
        levels: dict[int, int] = {}
        for *_, price, qty in orders:
            levels[price] = levels.get(price, 0) + qty
        assert book.depth(side, 100) == list(levels.items())
    assert len(book) == len(book.orders("buy")) + len(book.orders("sell"))


@settings(max_examples=300, deadline=None)
@given(flows)
def test_fast_and_reference_books_agree(flow: list[tuple[object, ...]]) -> None:
    fast, reference = OrderBook(), ReferenceOrderBook()
    assert run_flow(fast, flow) == run_flow(reference, flow)
    assert fast.orders("buy") == reference.orders("buy")
    assert fast.orders("sell") == reference.orders("sell")


@pytest.mark.parametrize("factory", BOOKS, ids=["fast", "reference"])
@settings(max_examples=200, deadline=None)
@given(flow=flows)
def test_quantity_is_conserved_and_makers_fill_in_price_time_order(
    factory: BookFactory, flow: list[tuple[object, ...]]
) -> None:
    book = factory()
    arrival: dict[str, int] = {}
    resting_qty: dict[str, int] = {}
    for n, op in enumerate(flow):
        if op[0] != "place":
            continue
        _, account, side, price, qty, tif, _ = op
        assert isinstance(account, str) and isinstance(side, str) and isinstance(tif, str)
        assert isinstance(qty, int) and (price is None or isinstance(price, int))
        before = {o[0]: o for s in ("buy", "sell") for o in book.orders(s)}
        outcome, left, events = book.place(f"o{n}", account, side, price, qty, tif)
        traded = sum(e[4] for e in events if e[0] == TRADE)
        assert traded + left == qty
        assert (outcome == RESTED) == (book.get(f"o{n}") is not None)
        # Makers come in priority order: better price first, then earlier arrival.
        sign = 1 if side == "buy" else -1
        keys = [(sign * e[3], arrival[e[1]]) for e in events]
        assert keys == sorted(keys)
        for kind, maker, maker_account, maker_price, q, maker_left in events:
            assert before[maker][3] == maker_price
            if kind == TRADE:
                assert maker_account != account
                assert before[maker][4] - q == maker_left
            else:
                assert maker_account == account and before[maker][4] == q
            resting_qty[maker] = maker_left
        if outcome == RESTED:
            arrival[f"o{n}"] = n
            resting_qty[f"o{n}"] = left
        live = {o[0]: o[4] for s in ("buy", "sell") for o in book.orders(s)}
        assert live == {k: v for k, v in resting_qty.items() if v}
    check_invariants(book)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.booleans()), max_size=400))
def test_many_cancels_far_from_the_top_leave_a_consistent_fast_book(
    ops: list[tuple[int, bool]],
) -> None:
    # Exercises the fast book's lazy deletion and compaction paths.
    fast, reference = OrderBook(), ReferenceOrderBook()
    for n, (price, cancel) in enumerate(ops):
        for book in (fast, reference):
            if cancel:
                book.cancel(f"o{n - 1}")
                book.cancel(f"o{price}")
            else:
                book.place(f"o{n}", "A", "buy", 1000 + price, 1, "GTC")
    assert fast.orders("buy") == reference.orders("buy")
    assert fast.depth("buy", 1000) == reference.depth("buy", 1000)
    assert fast.best_bid() == reference.best_bid()


def test_levels_emptied_below_the_top_are_dropped_and_the_book_still_works() -> None:
    fast, reference = OrderBook(), ReferenceOrderBook()
    for book in (fast, reference):
        for i in range(300):
            book.place(f"b{i}", "A", "buy", 1000 + i, 1, "GTC")
        for i in range(299):  # everything but the best bid, from the bottom up
            book.cancel(f"b{i}")
        book.place("b-low", "A", "buy", 1100, 2, "GTC")
        book.place("b-top", "A", "buy", 1299, 3, "GTC")
    # Memory follows live levels, not every price ever used (a private look, on purpose).
    assert len(fast._bids.levels) < 100
    assert len(fast._bids.heap) == len(fast._bids.levels)
    assert fast.orders("buy") == reference.orders("buy")
    assert fast.place("s", "B", "sell", None, 10, "IOC") == reference.place(
        "s", "B", "sell", None, 10, "IOC")
    assert fast.best_bid() is None and len(fast) == 0


def test_cancelled_orders_inside_a_level_do_not_pile_up() -> None:
    fast, reference = OrderBook(), ReferenceOrderBook()
    for book in (fast, reference):
        for i in range(200):
            book.place(f"s{i}", "A", "sell", 100, 1, "GTC")
        for i in range(200):
            if i % 10:
                book.cancel(f"s{i}")
    level = fast._asks.levels[100]  # a private look: dead entries are bounded
    assert len(level.orders) <= 2 * level.live + 32
    assert fast.orders("sell") == reference.orders("sell")
    assert fast.place("b", "B", "buy", 100, 150, "IOC") == reference.place(
        "b", "B", "buy", 100, 150, "IOC")


@pytest.mark.parametrize("factory", BOOKS, ids=["fast", "reference"])
@settings(max_examples=200, deadline=None)
@given(flow=flows, quantity=st.integers(1, 200), cash_limit=st.integers(0, 20_000),
       lot=st.sampled_from((1, 3)))
def test_a_market_buy_spends_no_more_than_its_cash_limit_and_stops_only_when_it_must(
    factory: BookFactory, flow: list[tuple[object, ...]], quantity: int, cash_limit: int,
    lot: int,
) -> None:
    book = factory(lot)
    run_flow(book, flow)
    # "D" has no orders of its own on the book, so no self-trade prevention here.
    outcome, left, events = book.place("m", "D", "buy", None, quantity, "IOC", cash_limit)
    spent = sum(e[3] * e[4] for e in events)
    assert spent <= cash_limit
    assert quantity - left == sum(e[4] for e in events)
    ask = book.best_ask()
    if outcome == BUDGET:
        assert left and ask is not None
        can_take = min(left, next(o[4] for o in book.orders("sell")))
        affordable = (cash_limit - spent) // ask
        assert affordable - affordable % lot < can_take
    elif outcome == EXPIRED:
        assert left and ask is None
    else:
        assert (outcome, left) == (FILLED, 0)
