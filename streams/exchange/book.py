"""The order book of one symbol: price-time priority matching, in pure Python.

Two implementations share one interface (`Book`): `OrderBook`, the fast one
the matching stage runs, and `ReferenceOrderBook`, a sorted list that is
obviously correct and serves as the oracle in tests. They must produce the
same results for the same calls, byte for byte.

Contract of `place` (both books):

- Prices are integer cents, quantities integer shares. `price=None` is a
  market order: it walks the book and whatever is left expires, whatever
  the time in force. A limit order matches at the resting (maker) price
  while the book crosses its limit; a GTC remainder rests, an IOC remainder
  expires, a FOK order fills whole or does nothing at all.
- Self-trade prevention, policy "cancel resting": when the incoming order
  reaches a resting order of the same account, that resting order is taken
  off the book (a SELF_TRADE event) and the walk goes on. A FOK order counts
  only other accounts' quantity when it decides whether it can fill; if it
  cannot, it cancels nothing.
- `cash_limit` caps what a buy may spend in total: at each maker order the
  taker takes at most what the remaining budget affords, rounded down to
  whole lots; when that is less than it wanted, the walk stops and the rest
  expires (outcome BUDGET).
- Normal outcomes are result values, never exceptions. The caller (the
  matching stage) validates tick, lot, listing and halts before calling.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from heapq import heapify, heappop, heappush
from typing import Protocol

# What happened to the incoming order (first item of a PlaceResult).
FILLED = 0  # nothing left
RESTED = 1  # the remainder rests on the book (GTC limit only)
EXPIRED = 2  # no more liquidity at an acceptable price; remainder expires
KILLED = 3  # FOK could not fill whole; nothing happened
BUDGET = 4  # cash_limit reached; remainder expires

# Kinds of BookEvent (first item of the tuple).
TRADE = 0
SELF_TRADE = 1

BookEvent = tuple[int, str, str, int, int, int]
"""(kind, maker order id, maker account id, price, quantity, maker remaining).

TRADE: `quantity` traded at the maker's `price`; maker remaining 0 = maker done.
SELF_TRADE: the maker was cancelled by self-trade prevention; `quantity` is
what it had left; maker remaining is 0.
"""

PlaceResult = tuple[int, int, list[BookEvent]]
"""(outcome, quantity of the incoming order not filled, events in order)."""

Resting = tuple[str, str, str, int, int]
"""A resting order: (order id, account id, side, price, quantity left)."""

_NO_LIMIT = 1 << 62  # a market order's limit key: above any price


class Book(Protocol):
    """What the matching stage needs of an order book for one symbol."""

    def place(
        self,
        order_id: str,
        account_id: str,
        side: str,
        price: int | None,
        quantity: int,
        time_in_force: str,
        cash_limit: int | None = None,
    ) -> PlaceResult:
        """Match an incoming order; rest a GTC limit remainder. See module docs."""
        ...

    def cancel(self, order_id: str) -> Resting | None:
        """Take a resting order off the book; None if it does not rest here."""
        ...

    def get(self, order_id: str) -> Resting | None: ...

    def rest(self, order_id: str, account_id: str, side: str, price: int, quantity: int) -> None:
        """Append an order at the back of its price level without matching.

        For restoring a book from its saved orders (in priority order); the
        caller guarantees it does not cross the book.
        """
        ...

    def best_bid(self) -> int | None: ...

    def best_ask(self) -> int | None: ...

    def orders(self, side: str) -> list[Resting]:
        """The resting orders of one side, best first, in time priority within a price."""
        ...

    def depth(self, side: str, levels: int) -> list[tuple[int, int]]:
        """Up to `levels` (price, total quantity) pairs of one side, best first."""
        ...

    def __len__(self) -> int: ...


# --- the fast book -------------------------------------------------------------


class _Order:
    # `level` is None once the order has left the book: price levels drop
    # such dead entries lazily, which keeps cancel O(1) on a deque.
    __slots__ = ("account_id", "level", "order_id", "price", "quantity", "side")

    def __init__(
        self, order_id: str, account_id: str, side: str, price: int, quantity: int, level: _Level
    ) -> None:
        self.order_id = order_id
        self.account_id = account_id
        self.side = side
        self.price = price
        self.quantity = quantity
        self.level: _Level | None = level


class _Level:
    __slots__ = ("live", "orders", "price", "volume")

    def __init__(self, price: int) -> None:
        self.price = price
        self.orders: deque[_Order] = deque()
        self.live = 0  # orders still on the book (the deque may hold dead ones too)
        self.volume = 0  # their total quantity


class _Side:
    """One side of the fast book: price levels by key, and a min-heap of keys.

    The key is the price for asks and minus the price for bids, so the best
    price is always heap[0] and one matching loop serves both sides. Every
    key in `levels` is in `heap` exactly once. The top level always has live
    orders; a level emptied by a cancel below the top stays (counted in
    `empty`) until it surfaces or a compaction drops it.
    """

    __slots__ = ("empty", "heap", "levels", "sign")

    def __init__(self, sign: int) -> None:
        self.sign = sign
        self.levels: dict[int, _Level] = {}
        self.heap: list[int] = []
        self.empty = 0

    def purge_top(self) -> None:
        heap = self.heap
        levels = self.levels
        while heap:
            key = heap[0]
            if levels[key].live:
                return
            heappop(heap)
            del levels[key]
            self.empty -= 1

    def compact(self) -> None:
        self.levels = {k: lvl for k, lvl in self.levels.items() if lvl.live}
        self.heap = list(self.levels)
        heapify(self.heap)
        self.empty = 0

    def sorted_levels(self) -> list[_Level]:
        levels = self.levels
        return [levels[k] for k in sorted(levels) if levels[k].live]


class OrderBook:
    """The fast book: dict of price levels (deques) plus a heap of prices per side."""

    __slots__ = ("_asks", "_bids", "_index", "lot_size")

    def __init__(self, lot_size: int = 1) -> None:
        self.lot_size = lot_size
        self._bids = _Side(-1)
        self._asks = _Side(1)
        self._index: dict[str, _Order] = {}

    def place(
        self,
        order_id: str,
        account_id: str,
        side: str,
        price: int | None,
        quantity: int,
        time_in_force: str,
        cash_limit: int | None = None,
    ) -> PlaceResult:
        events: list[BookEvent] = []
        if side == "buy":
            opposite = self._asks
            limit_key = _NO_LIMIT if price is None else price
        else:
            opposite = self._bids
            limit_key = _NO_LIMIT if price is None else -price
        heap = opposite.heap
        if heap and heap[0] <= limit_key:
            if time_in_force == "FOK" and not self._can_fill(
                opposite, account_id, quantity, limit_key, cash_limit
            ):
                return KILLED, quantity, events
            outcome = self._match(opposite, account_id, quantity, limit_key, cash_limit, events)
            quantity = outcome >> 3
            outcome &= 7
            if outcome != EXPIRED:
                return outcome, quantity, events
        elif time_in_force == "FOK":
            return KILLED, quantity, events
        if price is None or time_in_force != "GTC":
            return EXPIRED, quantity, events
        self.rest(order_id, account_id, side, price, quantity)
        return RESTED, quantity, events

    def _match(
        self,
        opposite: _Side,
        account_id: str,
        quantity: int,
        limit_key: int,
        cash_limit: int | None,
        events: list[BookEvent],
    ) -> int:
        """Walk the opposite side; returns (quantity left << 3) | outcome."""
        heap = opposite.heap
        levels = opposite.levels
        index = self._index
        append = events.append
        budget = cash_limit
        lot = self.lot_size
        while heap and heap[0] <= limit_key:
            key = heap[0]
            level = levels[key]
            price = level.price
            orders = level.orders
            while True:
                maker = orders[0]
                if maker.level is None:
                    orders.popleft()
                    continue
                maker_qty = maker.quantity
                if maker.account_id == account_id:
                    orders.popleft()
                    maker.level = None
                    del index[maker.order_id]
                    level.live -= 1
                    level.volume -= maker_qty
                    append((SELF_TRADE, maker.order_id, account_id, price, maker_qty, 0))
                    if not level.live:
                        break
                    continue
                take = maker_qty if maker_qty < quantity else quantity
                if budget is not None:
                    affordable = budget // price
                    affordable -= affordable % lot
                    if affordable < take:
                        take = affordable
                        quantity -= take
                        if take:
                            maker.quantity = maker_qty - take
                            level.volume -= take
                            append(
                                (
                                    TRADE,
                                    maker.order_id,
                                    maker.account_id,
                                    price,
                                    take,
                                    maker_qty - take,
                                )
                            )
                        return quantity << 3 | BUDGET
                    budget -= take * price
                quantity -= take
                level.volume -= take
                maker_qty -= take
                maker.quantity = maker_qty
                append((TRADE, maker.order_id, maker.account_id, price, take, maker_qty))
                if maker_qty:
                    return FILLED  # the taker is done, the maker stays first in line
                orders.popleft()
                maker.level = None
                del index[maker.order_id]
                level.live -= 1
                if not level.live:
                    break
                if not quantity:
                    return FILLED
            # The level is exhausted; it is the top, so drop it here.
            heappop(heap)
            del levels[key]
            if opposite.empty:
                opposite.purge_top()
            if not quantity:
                return FILLED
        return quantity << 3 | EXPIRED

    def _can_fill(
        self,
        opposite: _Side,
        account_id: str,
        quantity: int,
        limit_key: int,
        cash_limit: int | None,
    ) -> bool:
        """Would other accounts' orders fill `quantity` whole (within cash_limit)?"""
        cost = 0
        levels = opposite.levels
        for key in sorted(k for k in levels if k <= limit_key):
            level = levels[key]
            for maker in level.orders:
                if maker.level is None or maker.account_id == account_id:
                    continue
                take = min(maker.quantity, quantity)
                quantity -= take
                cost += take * level.price
                if not quantity:
                    return cash_limit is None or cost <= cash_limit
        return False

    def cancel(self, order_id: str) -> Resting | None:
        order = self._index.pop(order_id, None)
        if order is None:
            return None
        level = order.level
        assert level is not None  # indexed orders are live
        order.level = None
        level.live -= 1
        level.volume -= order.quantity
        side = self._bids if order.side == "buy" else self._asks
        if not level.live:
            level.orders.clear()
            side.empty += 1
            if side.heap[0] == level.price * side.sign:
                side.purge_top()
            elif side.empty > 64 and side.empty * 2 > len(side.levels):
                side.compact()
        elif len(level.orders) > 2 * level.live + 32:
            level.orders = deque(o for o in level.orders if o.level is not None)
        return order.order_id, order.account_id, order.side, order.price, order.quantity

    def get(self, order_id: str) -> Resting | None:
        order = self._index.get(order_id)
        if order is None:
            return None
        return order.order_id, order.account_id, order.side, order.price, order.quantity

    def rest(self, order_id: str, account_id: str, side: str, price: int, quantity: int) -> None:
        book_side = self._bids if side == "buy" else self._asks
        key = price * book_side.sign
        level = book_side.levels.get(key)
        if level is None:
            level = _Level(price)
            book_side.levels[key] = level
            heappush(book_side.heap, key)
        elif not level.live:
            book_side.empty -= 1
        order = _Order(order_id, account_id, side, price, quantity, level)
        level.orders.append(order)
        level.live += 1
        level.volume += quantity
        self._index[order_id] = order

    def best_bid(self) -> int | None:
        heap = self._bids.heap
        return -heap[0] if heap else None

    def best_ask(self) -> int | None:
        heap = self._asks.heap
        return heap[0] if heap else None

    def orders(self, side: str) -> list[Resting]:
        book_side = self._bids if side == "buy" else self._asks
        return [
            (o.order_id, o.account_id, o.side, o.price, o.quantity)
            for level in book_side.sorted_levels()
            for o in level.orders
            if o.level is not None
        ]

    def depth(self, side: str, levels: int) -> list[tuple[int, int]]:
        book_side = self._bids if side == "buy" else self._asks
        return [(lvl.price, lvl.volume) for lvl in book_side.sorted_levels()[:levels]]

    def __len__(self) -> int:
        return len(self._index)


# --- the reference book --------------------------------------------------------


class _RefOrder:
    __slots__ = ("account_id", "arrival", "order_id", "price", "quantity", "side")

    def __init__(
        self, order_id: str, account_id: str, side: str, price: int, quantity: int, arrival: int
    ) -> None:
        self.order_id = order_id
        self.account_id = account_id
        self.side = side
        self.price = price
        self.quantity = quantity
        self.arrival = arrival

    def as_resting(self) -> Resting:
        return self.order_id, self.account_id, self.side, self.price, self.quantity


class ReferenceOrderBook:
    """The oracle: each side a list kept sorted by priority, scanned from the front."""

    def __init__(self, lot_size: int = 1) -> None:
        self.lot_size = lot_size
        self._bids: list[_RefOrder] = []  # highest price first, then earliest
        self._asks: list[_RefOrder] = []  # lowest price first, then earliest
        self._arrivals = 0

    @staticmethod
    def _crosses(side: str, limit: int | None, maker_price: int) -> bool:
        if limit is None:
            return True
        return maker_price <= limit if side == "buy" else maker_price >= limit

    def place(
        self,
        order_id: str,
        account_id: str,
        side: str,
        price: int | None,
        quantity: int,
        time_in_force: str,
        cash_limit: int | None = None,
    ) -> PlaceResult:
        events: list[BookEvent] = []
        opposite = self._asks if side == "buy" else self._bids
        if time_in_force == "FOK":
            wanted, cost = quantity, 0
            for maker in opposite:
                if not self._crosses(side, price, maker.price) or not wanted:
                    break
                if maker.account_id != account_id:
                    take = min(wanted, maker.quantity)
                    wanted -= take
                    cost += take * maker.price
            if wanted or (cash_limit is not None and cost > cash_limit):
                return KILLED, quantity, events
        budget = cash_limit
        while quantity and opposite and self._crosses(side, price, opposite[0].price):
            maker = opposite[0]
            if maker.account_id == account_id:
                opposite.pop(0)
                events.append(
                    (SELF_TRADE, maker.order_id, maker.account_id, maker.price, maker.quantity, 0)
                )
                continue
            take = min(quantity, maker.quantity)
            if budget is not None:
                affordable = budget // maker.price
                affordable -= affordable % self.lot_size
                if affordable < take:
                    if affordable:
                        self._trade(maker, affordable, opposite, events)
                    return BUDGET, quantity - affordable, events
                budget -= take * maker.price
            self._trade(maker, take, opposite, events)
            quantity -= take
        if not quantity:
            return FILLED, 0, events
        if price is None or time_in_force != "GTC":
            return EXPIRED, quantity, events
        self.rest(order_id, account_id, side, price, quantity)
        return RESTED, quantity, events

    @staticmethod
    def _trade(
        maker: _RefOrder, quantity: int, opposite: list[_RefOrder], events: list[BookEvent]
    ) -> None:
        maker.quantity -= quantity
        events.append(
            (TRADE, maker.order_id, maker.account_id, maker.price, quantity, maker.quantity)
        )
        if not maker.quantity:
            opposite.pop(0)

    def _find(self, order_id: str) -> tuple[list[_RefOrder], int] | None:
        for orders in (self._bids, self._asks):
            for i, order in enumerate(orders):
                if order.order_id == order_id:
                    return orders, i
        return None

    def cancel(self, order_id: str) -> Resting | None:
        found = self._find(order_id)
        if found is None:
            return None
        orders, i = found
        return orders.pop(i).as_resting()

    def get(self, order_id: str) -> Resting | None:
        found = self._find(order_id)
        if found is None:
            return None
        orders, i = found
        return orders[i].as_resting()

    def rest(self, order_id: str, account_id: str, side: str, price: int, quantity: int) -> None:
        self._arrivals += 1
        order = _RefOrder(order_id, account_id, side, price, quantity, self._arrivals)
        if side == "buy":
            self._bids.append(order)
            self._bids.sort(key=lambda o: (-o.price, o.arrival))
        else:
            self._asks.append(order)
            self._asks.sort(key=lambda o: (o.price, o.arrival))

    def best_bid(self) -> int | None:
        return self._bids[0].price if self._bids else None

    def best_ask(self) -> int | None:
        return self._asks[0].price if self._asks else None

    def orders(self, side: str) -> list[Resting]:
        return [o.as_resting() for o in (self._bids if side == "buy" else self._asks)]

    def depth(self, side: str, levels: int) -> list[tuple[int, int]]:
        totals: dict[int, int] = {}
        for order in self._bids if side == "buy" else self._asks:
            totals[order.price] = totals.get(order.price, 0) + order.quantity
        return list(totals.items())[:levels]

    def __len__(self) -> int:
        return len(self._bids) + len(self._asks)


def iter_resting(book: Book) -> Iterator[Resting]:
    """Every resting order, bids then asks, each side in priority order."""
    yield from book.orders("buy")
    yield from book.orders("sell")
