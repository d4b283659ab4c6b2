"""The matching stage of one symbol: a pure `decide(state, command) -> facts`.

Input: the order flow risk decided (OrderAccepted, CancelRequested) and the
operators' commands (ListInstrument, HaltSymbol, ResumeSymbol), all keyed by
symbol. Output: facts, each a `(record class, payload fields)` pair; the
agent wraps each payload in an envelope. `decide` mutates the state it is
given and never raises for a normal outcome.

Sequence numbers: every market fact (exchange.market) takes the symbol's next
seq, strictly increasing by one. The per-account facts (exchange.fills) do
not take a seq of their own: an OrderFilled carries the seq of its
TradeExecuted, and an OrderClosed the seq of the market fact that closed the
order (the trade that filled it, or its OrderCancelled, OrderExpired or
OrderRejected). So (symbol, seq) points from any fill or close to the market
fact behind it, and several may share one seq. Facts come out in seq order;
each market fact is followed by the fills and closes it caused.

Self-trade prevention is "cancel resting" (see book.py): the resting order is
cancelled with OrderCancelled(reason="self_trade_prevented") and closed.

Each resting order's arrival is the seq of its OrderRested. The book keeps
time priority by the order of its `rest` calls; the arrivals let a book
saved as one part per order (book_log.py) be rested again in that order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from schemas.envelope import Record
from schemas.exchange import (
    AdminRejected,
    CancelRejected,
    CancelRequested,
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
from streams.exchange.book import (
    BUDGET,
    EXPIRED,
    FILLED,
    KILLED,
    RESTED,
    TRADE,
    Book,
    OrderBook,
)
from streams.facts import Fact, Message

BookFactory = Callable[[int], Book]
"""Builds an empty book given the lot size: OrderBook, or ReferenceOrderBook in tests."""

_EXPIRY_REASONS = {
    KILLED: "fill_or_kill",  # could not fill whole at once
    BUDGET: "cash_limit_reached",  # a market buy spent what it may
}


RestingOrder = tuple[str, str, str, int, int, int]
"""A resting order as saved: (order id, account id, side, price, quantity left, arrival)."""


def _arrival(order: RestingOrder) -> int:
    return order[5]


class SymbolState:
    """Everything matching knows about one symbol; saved as `to_dict()`."""

    __slots__ = (
        "arrivals",
        "book",
        "book_factory",
        "halt_reason",
        "halted",
        "listed",
        "lot_size",
        "seq",
        "symbol",
        "tick_size",
    )

    def __init__(self, symbol: str, book_factory: BookFactory = OrderBook) -> None:
        self.symbol = symbol
        self.listed = False
        self.tick_size = 0
        self.lot_size = 0
        self.halted = False
        self.halt_reason = ""
        self.seq = 0  # the seq of the last market fact emitted for this symbol
        self.book_factory = book_factory
        self.book: Book = book_factory(1)
        self.arrivals: dict[str, int] = {}  # resting order id -> the seq of its OrderRested

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (str, int, bool, lists) and canonical: equal states, equal dicts."""
        return {
            "symbol": self.symbol,
            "listed": self.listed,
            "tick_size": self.tick_size,
            "lot_size": self.lot_size,
            "halted": self.halted,
            "halt_reason": self.halt_reason,
            "seq": self.seq,
            # Within a price, priority order is arrival order.
            "bids": [[*o, self.arrivals[o[0]]] for o in self.book.orders("buy")],
            "asks": [[*o, self.arrivals[o[0]]] for o in self.book.orders("sell")],
        }

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], book_factory: BookFactory = OrderBook
    ) -> SymbolState:
        """Also reads states saved before arrivals were kept (orders of five
        fields, in priority order): their position in the list stands for it."""
        state = cls(data["symbol"], book_factory)
        state.listed = data["listed"]
        state.tick_size = data["tick_size"]
        state.lot_size = data["lot_size"]
        state.halted = data["halted"]
        state.halt_reason = data["halt_reason"]
        state.seq = data["seq"]
        state.rest_orders(
            (order[0], order[1], order[2], order[3], order[4], order[5] if len(order) > 5 else n)
            for n, order in enumerate([*data["bids"], *data["asks"]])
        )
        return state

    def rest_orders(self, orders: Iterable[RestingOrder]) -> None:
        """Put saved resting orders on a new empty book, in arrival order."""
        self.book = self.book_factory(max(self.lot_size, 1))
        self.arrivals = {}
        rest = self.book.rest
        arrivals = self.arrivals
        for order_id, account_id, side, price, quantity, arrival in sorted(orders, key=_arrival):
            rest(order_id, account_id, side, price, quantity)
            arrivals[order_id] = arrival

    def state_hash(self) -> str:
        return state_hash(self.to_dict())


def state_hash(data: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of a saved state (sorted keys, no spaces)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def decide(state: SymbolState, command: Message) -> list[Fact]:
    """Decide the facts one command causes for this symbol, and apply them to `state`."""
    if isinstance(command, Record):
        kind: type[Record] = type(command)
        payload: Mapping[str, Any] = command.__dict__
    else:
        kind, payload = command
    if kind is OrderAccepted:
        return _place(state, payload)
    if kind is CancelRequested:
        return _cancel(state, payload)
    if kind is ListInstrument:
        return _list(state, payload)
    if kind is HaltSymbol or kind is ResumeSymbol:
        return _halt_or_resume(state, kind, payload)
    raise TypeError(f"matching does not take {kind.__name__}")


# --- orders ---------------------------------------------------------------------


def _order_rejection(state: SymbolState, p: Mapping[str, Any]) -> tuple[str, str] | None:
    """(reason_code, reason) if matching must refuse an order risk accepted."""
    symbol = state.symbol
    if not state.listed:
        return "unknown_symbol", f"{symbol} is not listed"
    if state.halted:
        return "halted", f"trading in {symbol} is halted: {state.halt_reason}"
    quantity: int = p["quantity"]
    if quantity <= 0 or quantity % state.lot_size:
        return "quantity_off_lot", (
            f"quantity {quantity} is not a positive multiple of the lot size {state.lot_size}"
        )
    price: int | None = p.get("price")
    if p["order_type"] == "limit":
        if price is None:
            return "missing_price", "a limit order needs a price"
        if price <= 0 or price % state.tick_size:
            return "price_off_tick", (
                f"price {price} is not a positive multiple of the tick size {state.tick_size}"
            )
    elif price is not None:
        return "invalid_order", "a market order has no price"
    elif p["side"] == "buy" and p.get("cash_limit") is None:
        return "missing_cash_limit", "a market buy needs a cash limit"
    return None


def _place(state: SymbolState, p: Mapping[str, Any]) -> list[Fact]:
    symbol = state.symbol
    order_id: str = p["order_id"]
    account_id: str = p["account_id"]
    side: str = p["side"]
    rejection = _order_rejection(state, p)
    if rejection is None and state.book.get(order_id) is not None:
        # The same order accepted twice can only be a redelivery: it already rests.
        return []
    if rejection is not None:
        seq = state.next_seq()
        code, reason = rejection
        return [
            (
                OrderRejected,
                {
                    "order_id": order_id,
                    "account_id": account_id,
                    "symbol": symbol,
                    "reason_code": code,
                    "reason": reason,
                    "seq": seq,
                },
            ),
            _closed(account_id, order_id, symbol, side, "rejected", seq),
        ]
    price: int | None = p["price"] if p["order_type"] == "limit" else None
    cash_limit: int | None = p.get("cash_limit") if side == "buy" and price is None else None
    outcome, remaining, events = state.book.place(
        order_id, account_id, side, price, p["quantity"], p["time_in_force"], cash_limit
    )
    facts: list[Fact] = []
    maker_side = "sell" if side == "buy" else "buy"
    seq = state.seq
    arrivals = state.arrivals
    for kind, maker_order, maker_account, fill_price, quantity, maker_left in events:
        seq += 1
        if kind == TRADE:
            trade_id = f"{symbol}-{seq}"
            if side == "buy":
                buy_order, sell_order, buy_account, sell_account = (
                    order_id,
                    maker_order,
                    account_id,
                    maker_account,
                )
            else:
                buy_order, sell_order, buy_account, sell_account = (
                    maker_order,
                    order_id,
                    maker_account,
                    account_id,
                )
            facts.append(
                (
                    TradeExecuted,
                    {
                        "trade_id": trade_id,
                        "symbol": symbol,
                        "price": fill_price,
                        "quantity": quantity,
                        "buy_order_id": buy_order,
                        "sell_order_id": sell_order,
                        "buy_account_id": buy_account,
                        "sell_account_id": sell_account,
                        "aggressor_side": side,
                        "seq": seq,
                    },
                )
            )
            facts.append(
                _filled(account_id, order_id, symbol, side, fill_price, quantity, trade_id, seq)
            )
            facts.append(
                _filled(
                    maker_account,
                    maker_order,
                    symbol,
                    maker_side,
                    fill_price,
                    quantity,
                    trade_id,
                    seq,
                )
            )
            if not maker_left:
                del arrivals[maker_order]
                facts.append(_closed(maker_account, maker_order, symbol, maker_side, "filled", seq))
        else:
            del arrivals[maker_order]
            facts.append(
                (
                    OrderCancelled,
                    {
                        "order_id": maker_order,
                        "account_id": maker_account,
                        "symbol": symbol,
                        "side": maker_side,
                        "quantity": quantity,
                        "reason": "self_trade_prevented",
                        "seq": seq,
                    },
                )
            )
            facts.append(_closed(maker_account, maker_order, symbol, maker_side, "cancelled", seq))
    if outcome == FILLED:
        facts.append(_closed(account_id, order_id, symbol, side, "filled", seq))
    elif outcome == RESTED:
        seq += 1
        arrivals[order_id] = seq
        facts.append(
            (
                OrderRested,
                {
                    "order_id": order_id,
                    "account_id": account_id,
                    "symbol": symbol,
                    "side": side,
                    "price": price,
                    "quantity": remaining,
                    "seq": seq,
                },
            )
        )
    else:
        seq += 1
        facts.append(
            (
                OrderExpired,
                {
                    "order_id": order_id,
                    "account_id": account_id,
                    "symbol": symbol,
                    "side": side,
                    "quantity": remaining,
                    "reason": _expiry_reason(outcome, price),
                    "seq": seq,
                },
            )
        )
        facts.append(_closed(account_id, order_id, symbol, side, "expired", seq))
    state.seq = seq
    return facts


def _expiry_reason(outcome: int, price: int | None) -> str:
    if outcome == EXPIRED:
        # No more liquidity at an acceptable price: IOC limit or any market order.
        return "immediate_or_cancel" if price is not None else "market_unfilled"
    return _EXPIRY_REASONS[outcome]


def _filled(
    account_id: str,
    order_id: str,
    symbol: str,
    side: str,
    price: int,
    quantity: int,
    trade_id: str,
    seq: int,
) -> Fact:
    return OrderFilled, {
        "account_id": account_id,
        "order_id": order_id,
        "symbol": symbol,
        "side": side,
        "price": price,
        "quantity": quantity,
        "trade_id": trade_id,
        "seq": seq,
    }


def _closed(account_id: str, order_id: str, symbol: str, side: str, reason: str, seq: int) -> Fact:
    return OrderClosed, {
        "account_id": account_id,
        "order_id": order_id,
        "symbol": symbol,
        "side": side,
        "reason": reason,
        "seq": seq,
    }


def _cancel(state: SymbolState, p: Mapping[str, Any]) -> list[Fact]:
    # Cancels are allowed while halted: taking risk off the book is always safe.
    symbol = state.symbol
    order_id: str = p["order_id"]
    account_id: str = p["account_id"]
    resting = state.book.get(order_id)
    if resting is None:
        code, reason = "order_not_open", f"order {order_id} is not open on {symbol}"
    elif resting[1] != account_id:
        code, reason = "not_your_order", f"order {order_id} belongs to another account"
    else:
        state.book.cancel(order_id)
        del state.arrivals[order_id]
        seq = state.next_seq()
        side = resting[2]
        return [
            (
                OrderCancelled,
                {
                    "order_id": order_id,
                    "account_id": account_id,
                    "symbol": symbol,
                    "side": side,
                    "quantity": resting[4],
                    "reason": "cancel_requested",
                    "seq": seq,
                },
            ),
            _closed(account_id, order_id, symbol, side, "cancelled", seq),
        ]
    return [
        (
            CancelRejected,
            {
                "order_id": order_id,
                "account_id": account_id,
                "symbol": symbol,
                "reason_code": code,
                "reason": reason,
                "seq": state.next_seq(),
            },
        )
    ]


# --- operators' commands --------------------------------------------------------


def _admin_rejected(state: SymbolState, command_type: str, code: str, reason: str) -> list[Fact]:
    return [
        (
            AdminRejected,
            {
                "symbol": state.symbol,
                "command_type": command_type,
                "reason_code": code,
                "reason": reason,
                "seq": state.next_seq(),
            },
        )
    ]


def _list(state: SymbolState, p: Mapping[str, Any]) -> list[Fact]:
    tick_size: int = p["tick_size"]
    lot_size: int = p["lot_size"]
    if state.listed:
        return _admin_rejected(
            state, "ListInstrument", "already_listed", f"{state.symbol} is already listed"
        )
    if tick_size <= 0 or lot_size <= 0:
        return _admin_rejected(
            state, "ListInstrument", "invalid_instrument", "tick size and lot size must be positive"
        )
    state.listed = True
    state.tick_size = tick_size
    state.lot_size = lot_size
    state.book = state.book_factory(lot_size)  # the book was empty; it now knows the lot
    return [
        (
            InstrumentListed,
            {
                "symbol": state.symbol,
                "tick_size": tick_size,
                "lot_size": lot_size,
                "seq": state.next_seq(),
            },
        )
    ]


def _halt_or_resume(state: SymbolState, kind: type[Record], p: Mapping[str, Any]) -> list[Fact]:
    command_type = kind.__name__
    if not state.listed:
        return _admin_rejected(
            state, command_type, "unknown_symbol", f"{state.symbol} is not listed"
        )
    if kind is HaltSymbol:
        if state.halted:
            return _admin_rejected(
                state, command_type, "already_halted", f"{state.symbol} is already halted"
            )
        state.halted = True
        state.halt_reason = p["reason"]
        return [
            (
                TradingHalted,
                {"symbol": state.symbol, "reason": p["reason"], "seq": state.next_seq()},
            )
        ]
    if not state.halted:
        return _admin_rejected(state, command_type, "not_halted", f"{state.symbol} is not halted")
    state.halted = False
    state.halt_reason = ""
    return [(TradingResumed, {"symbol": state.symbol, "seq": state.next_seq()})]
