"""What the public market feed says about each market fact: orders, never accounts.

Anyone may read a symbol's feed (the SSE market stream), so a message names
orders by id and never an account, and a refusal meant for one trader or
operator (OrderRejected, CancelRejected, AdminRejected) goes out bare: its
type, symbol and seq, nothing of whom or why. Every fact still takes its
message, so the seq stays continuous and a reader can tell a gap from a
refusal. Reasons that would tie two orders to one owner (an order cancelled
by self-trade prevention) stay off the feed too; the owner reads them on
the order.

A message: {"symbol", "seq", "type", "event"}, where `event` holds the
fact's public fields, symbol and seq among them. A market fact type not
listed here is published bare.
"""

from __future__ import annotations

from typing import Any

from schemas import exchange as ex

_ALWAYS = ("symbol", "seq")
_PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    ex.InstrumentListed.__name__: ("tick_size", "lot_size"),
    ex.TradingHalted.__name__: ("reason",),
    ex.TradingResumed.__name__: (),
    ex.OrderRested.__name__: ("order_id", "side", "price", "quantity"),
    ex.TradeExecuted.__name__: (
        "trade_id",
        "price",
        "quantity",
        "buy_order_id",
        "sell_order_id",
        "aggressor_side",
    ),
    ex.OrderCancelled.__name__: ("order_id", "side", "quantity"),
    ex.OrderExpired.__name__: ("order_id", "side", "quantity"),
}


def market_message(type_name: str, fact: dict[str, Any]) -> dict[str, Any]:
    """The public message of one market fact (its fields by name)."""
    fields = _ALWAYS + _PUBLIC_FIELDS.get(type_name, ())
    return {
        "symbol": fact["symbol"],
        "seq": fact["seq"],
        "type": type_name,
        "event": {name: fact[name] for name in fields},
    }
