"""Matching's state as small parts on its changelog (the StateLog of
streams/state_log.py for `SymbolState`).

Parts of one symbol, each an orjson list:

    meta          [listed, tick size, lot size, halted, halt reason, seq]
    o:<order id>  [account id, side, price, quantity left, arrival]

The meta is written for every input (each moves the seq). Every change of
the book is a market fact, so the orders an input touched are read from its
facts: OrderRested (an order rests), TradeExecuted (its maker shrinks or
leaves), OrderCancelled (by its owner or by self-trade prevention). An
incoming order that trades, expires or is refused without resting never had
a part, so it gets none. An order that left the book is a tombstone.

A restored book rests its orders in arrival order (the seq of each one's
OrderRested), which is their time priority within a price.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import orjson

from schemas.envelope import Record
from schemas.exchange import OrderCancelled, OrderRested, TradeExecuted
from streams.exchange.book import OrderBook
from streams.exchange.matching import BookFactory, RestingOrder, SymbolState
from streams.facts import Fact

META = "meta"
ORDER = "o:"


class BookLog:
    """Writes and restores one symbol's matching state as parts. Pure."""

    def __init__(self, book_factory: BookFactory = OrderBook) -> None:
        self.book_factory = book_factory

    def touched(self, state: SymbolState, cause: Record, facts: Sequence[Fact]) -> list[str]:
        parts = [META]
        for kind, payload in facts:
            if kind is TradeExecuted:
                maker = "sell" if payload["aggressor_side"] == "buy" else "buy"
                parts.append(ORDER + payload[maker + "_order_id"])
            elif kind is OrderRested or kind is OrderCancelled:
                parts.append(ORDER + payload["order_id"])
        return parts

    def entry(self, state: SymbolState, sub_key: str) -> bytes | None:
        if sub_key == META:
            return orjson.dumps(
                [
                    state.listed,
                    state.tick_size,
                    state.lot_size,
                    state.halted,
                    state.halt_reason,
                    state.seq,
                ]
            )
        if sub_key.startswith(ORDER):
            order_id = sub_key[len(ORDER) :]
            resting = state.book.get(order_id)
            if resting is None:
                return None
            _, account_id, side, price, quantity = resting
            return orjson.dumps([account_id, side, price, quantity, state.arrivals[order_id]])
        raise ValueError(f"{sub_key!r} is no part of a symbol's matching state")

    def restore(self, key: str, parts: Mapping[str, bytes]) -> SymbolState:
        state = SymbolState(key, self.book_factory)
        orders: list[RestingOrder] = []
        loads = orjson.loads
        for sub_key, value in parts.items():
            if sub_key.startswith(ORDER):
                account_id, side, price, quantity, arrival = loads(value)
                orders.append((sub_key[len(ORDER) :], account_id, side, price, quantity, arrival))
            elif sub_key == META:
                (
                    state.listed,
                    state.tick_size,
                    state.lot_size,
                    state.halted,
                    state.halt_reason,
                    state.seq,
                ) = loads(value)
            else:
                raise ValueError(f"{sub_key!r} is no part of a symbol's matching state")
        state.rest_orders(orders)
        return state
