"""The account stage: risk and settlement of one account, a pure `decide`.

Risk (trader commands) reserves what an order may spend before matching
sees it; settlement (OrderFilled, OrderClosed from matching) moves what was
reserved. Both live in one state per account, so a reservation and its
settlement can never disagree. The account does not know instruments: tick,
lot, listing and halts are matching's to check, and its refusal comes back
as OrderClosed(reason="rejected"), which releases the reservation.

What an open order reserves: a limit buy price x quantity cents, a market
buy its cash_limit cents, a sell its quantity in shares. A fill takes its
cost (buy) or its shares (sell) out of the order's reservation. A limit buy
that fills below its limit gets the difference back at that fill, as its
own BalanceChanged(cause="release"), so it reserves exactly limit x the
quantity still open at every step; the close releases whatever is left (a
market buy's unspent cash limit, an open order's unfilled quantity).

A cancel is refused with `unknown_order` for an order id that is not this
account's; an order of this account that closed recently (the last
`max_closed_orders`) is named instead: `order_closed`, "order X is already
filled", so the refusal can be shown on the trader's own order.

Facts are `(record class, payload fields)` pairs like matching's. Every input
comes with a command id (its envelope's event id). A trader's command whose
id was seen before yields no facts: the gateway may write one command twice
(a retry after an uncertain delivery reuses the event id). Fills and closes
are not remembered: matching writes each once, in the transaction that
consumed its cause, and this stage's state commits with its input offsets,
so no state ever meets the same fill twice; remembering them would only make
each fill and close cost one more write of state. The memory of command ids is bounded (the last
`max_command_ids`), as are the memories of client order ids (the last
`max_client_order_ids` accepted) and of closed orders; open orders' client
order ids are always checked. Each memory is a ring of ids (recent_ids.py),
so the account's state can be written as small parts (account_log.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from schemas.envelope import Record
from schemas.exchange import (
    CASH,
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
from streams.exchange.recent_ids import RecentIds
from streams.facts import Fact, Message

MAX_COMMAND_IDS = 1000
MAX_CLIENT_ORDER_IDS = 1000
MAX_CLOSED_ORDERS = 1000

_SIDES = ("buy", "sell")
_ORDER_TYPES = ("limit", "market")
_TIMES_IN_FORCE = ("GTC", "IOC", "FOK")


class OpenOrder:
    """An order matching may still fill, and what it still holds in reserve."""

    __slots__ = ("cancel_requested", "client_order_id", "price", "reserved", "side", "symbol")

    def __init__(
        self,
        symbol: str,
        side: str,
        client_order_id: str,
        reserved: int,
        cancel_requested: bool = False,
        price: int | None = None,
    ) -> None:
        self.symbol = symbol
        self.side = side
        self.client_order_id = client_order_id
        self.reserved = reserved  # cents for a buy, shares for a sell
        self.cancel_requested = cancel_requested
        # The limit price; None for a market order, and for an order saved by
        # code that did not keep it (its price improvement is released at close).
        self.price = price


class AccountState:
    """Balances, open orders and recent ids of one account; saved as `to_dict()`."""

    __slots__ = (
        "account_id",
        "cash_available",
        "cash_reserved",
        "client_order_ids",
        "closed_orders",
        "command_ids",
        "open_orders",
        "shares",
    )

    def __init__(
        self,
        account_id: str,
        max_command_ids: int = MAX_COMMAND_IDS,
        max_client_order_ids: int = MAX_CLIENT_ORDER_IDS,
        max_closed_orders: int = MAX_CLOSED_ORDERS,
    ) -> None:
        self.account_id = account_id
        self.cash_available = 0
        self.cash_reserved = 0
        self.shares: dict[str, list[int]] = {}  # symbol -> [available, reserved]
        self.open_orders: dict[str, OpenOrder] = {}
        self.command_ids: RecentIds[None] = RecentIds(max_command_ids)
        self.client_order_ids: RecentIds[None] = RecentIds(max_client_order_ids)
        # order id -> (why it closed, its client order id)
        self.closed_orders: RecentIds[tuple[str, str]] = RecentIds(max_closed_orders)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (str, int, bool, lists, dicts) and canonical: equal states, equal
        dicts. The id memories keep their age order and say how many ids each was
        given (which slot of its ring the next one takes)."""
        return {
            "account_id": self.account_id,
            "cash": [self.cash_available, self.cash_reserved],
            "shares": {symbol: list(held) for symbol, held in self.shares.items()},
            "open_orders": [
                [
                    order_id,
                    o.symbol,
                    o.side,
                    o.client_order_id,
                    o.reserved,
                    o.cancel_requested,
                    o.price,
                ]
                for order_id, o in sorted(self.open_orders.items())
            ],
            "command_ids": list(self.command_ids),
            "client_order_ids": list(self.client_order_ids),
            "closed_orders": [
                [order_id, *closed] for order_id, closed in self.closed_orders.items()
            ],
            "memory_counts": {
                "command_ids": self.command_ids.count,
                "client_order_ids": self.client_order_ids.count,
                "closed_orders": self.closed_orders.count,
            },
        }

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        max_command_ids: int = MAX_COMMAND_IDS,
        max_client_order_ids: int = MAX_CLIENT_ORDER_IDS,
        max_closed_orders: int = MAX_CLOSED_ORDERS,
    ) -> AccountState:
        """Also reads states saved by earlier code: open orders of six fields
        (no limit price: their price improvement is released at close, as that
        code did), no memory of closed orders, and memories without counts
        (each then counts the ids it holds)."""
        state = cls(data["account_id"], max_command_ids, max_client_order_ids, max_closed_orders)
        state.cash_available, state.cash_reserved = data["cash"]
        state.shares = {symbol: list(held) for symbol, held in data["shares"].items()}
        state.open_orders = {entry[0]: OpenOrder(*entry[1:]) for entry in data["open_orders"]}
        counts = data.get("memory_counts", {})
        state.command_ids = RecentIds.from_ids(
            max_command_ids,
            ((command_id, None) for command_id in data["command_ids"]),
            counts.get("command_ids"),
        )
        state.client_order_ids = RecentIds.from_ids(
            max_client_order_ids,
            ((client_order_id, None) for client_order_id in data["client_order_ids"]),
            counts.get("client_order_ids"),
        )
        state.closed_orders = RecentIds.from_ids(
            max_closed_orders,
            (
                (order_id, (why, client_order_id))
                for order_id, why, client_order_id in data.get("closed_orders", [])
            ),
            counts.get("closed_orders"),
        )
        return state

    def state_hash(self) -> str:
        """sha256 of the canonical JSON of `to_dict()` (sorted keys, no spaces)."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def held(self, symbol: str) -> list[int]:
        """[available, reserved] shares of `symbol`, created at zero on first use."""
        held = self.shares.get(symbol)
        if held is None:
            held = self.shares[symbol] = [0, 0]
        return held


def decide(state: AccountState, message: Message, command_id: str) -> list[Fact]:
    """Decide what one input means for this account, and apply it to `state`.

    `command_id` is the input's envelope event id; a trader's command whose id
    was seen before (within the bounded memory) yields no facts.
    """
    if isinstance(message, Record):
        kind: type[Record] = type(message)
        payload: Mapping[str, Any] = message.__dict__
    else:
        kind, payload = message
    handler = _SETTLEMENTS.get(kind)
    if handler is not None:
        return handler(state, payload, command_id)
    handler = _COMMANDS.get(kind)
    if handler is None:
        raise TypeError(f"the account stage does not take {kind.__name__}")
    if command_id in state.command_ids:
        return []
    facts = handler(state, payload, command_id)
    state.command_ids.remember(command_id, None)
    return facts


def decide_record(state: AccountState, record: Record) -> list[Fact]:
    """`decide` for a decoded record: its envelope's event id is the command id."""
    return decide(state, record, record.envelope.event_id)


# --- balance moves ---------------------------------------------------------------


def _move_cash(state: AccountState, available: int, reserved: int, cause: str, ref: str) -> Fact:
    state.cash_available += available
    state.cash_reserved += reserved
    return BalanceChanged, {
        "account_id": state.account_id,
        "asset": CASH,
        "available_delta": available,
        "reserved_delta": reserved,
        "available": state.cash_available,
        "reserved": state.cash_reserved,
        "cause": cause,
        "ref": ref,
    }


def _move_shares(
    state: AccountState, symbol: str, available: int, reserved: int, cause: str, ref: str
) -> Fact:
    held = state.held(symbol)
    held[0] += available
    held[1] += reserved
    return BalanceChanged, {
        "account_id": state.account_id,
        "asset": symbol,
        "available_delta": available,
        "reserved_delta": reserved,
        "available": held[0],
        "reserved": held[1],
        "cause": cause,
        "ref": ref,
    }


def _rejected(
    state: AccountState,
    command_id: str,
    command_type: str,
    code: str,
    reason: str,
    order_id: str | None = None,
    client_order_id: str | None = None,
) -> list[Fact]:
    return [
        (
            CommandRejected,
            {
                "account_id": state.account_id,
                "command_id": command_id,
                "command_type": command_type,
                "order_id": order_id,
                "client_order_id": client_order_id,
                "reason_code": code,
                "reason": reason,
            },
        )
    ]


# --- cash and shares from outside -------------------------------------------------


def _deposit(state: AccountState, p: Mapping[str, Any], command_id: str) -> list[Fact]:
    amount: int = p["amount"]
    if amount <= 0:
        return _rejected(
            state,
            command_id,
            "DepositCash",
            "invalid_amount",
            f"a deposit must be positive, got {amount:,} cents",
        )
    return [_move_cash(state, amount, 0, "deposit", command_id)]


def _withdraw(state: AccountState, p: Mapping[str, Any], command_id: str) -> list[Fact]:
    amount: int = p["amount"]
    if amount <= 0:
        return _rejected(
            state,
            command_id,
            "WithdrawCash",
            "invalid_amount",
            f"a withdrawal must be positive, got {amount:,} cents",
        )
    if amount > state.cash_available:
        return _rejected(
            state,
            command_id,
            "WithdrawCash",
            "insufficient_funds",
            f"needs {amount:,} cents, {state.cash_available:,} available",
        )
    return [_move_cash(state, -amount, 0, "withdrawal", command_id)]


def _transfer(state: AccountState, p: Mapping[str, Any], command_id: str) -> list[Fact]:
    symbol: str = p["symbol"]
    quantity: int = p["quantity"]
    direction: str = p["direction"]
    if quantity <= 0 or direction not in ("in", "out"):
        return _rejected(
            state,
            command_id,
            "TransferShares",
            "invalid_transfer",
            f"a transfer needs a positive quantity and direction in or out, "
            f"got {quantity} {direction!r}",
        )
    if direction == "in":
        return [_move_shares(state, symbol, quantity, 0, "transfer_in", command_id)]
    available = state.shares.get(symbol, [0, 0])[0]
    if quantity > available:
        return _rejected(
            state,
            command_id,
            "TransferShares",
            "insufficient_shares",
            f"needs {quantity:,} {symbol} shares, {available:,} available",
        )
    return [_move_shares(state, symbol, -quantity, 0, "transfer_out", command_id)]


# --- risk: orders and cancels ------------------------------------------------------


def _order_problem(state: AccountState, p: Mapping[str, Any]) -> tuple[str, str] | None:
    """(reason_code, reason) if the order is malformed or clashes with an earlier one."""
    side, order_type = p["side"], p["order_type"]
    quantity: int = p["quantity"]
    price: int | None = p.get("price")
    cash_limit: int | None = p.get("cash_limit")
    if side not in _SIDES or order_type not in _ORDER_TYPES:
        return "invalid_order", f"unknown side {side!r} or order type {order_type!r}"
    if p["time_in_force"] not in _TIMES_IN_FORCE:
        return "invalid_order", f"unknown time in force {p['time_in_force']!r}"
    if quantity <= 0:
        return "invalid_order", f"quantity must be positive, got {quantity}"
    if p["order_id"] in state.open_orders:
        return "duplicate_order_id", f"order {p['order_id']} is already open"
    client_order_id: str = p["client_order_id"]
    if client_order_id in state.client_order_ids or any(
        o.client_order_id == client_order_id for o in state.open_orders.values()
    ):
        return "duplicate_client_order_id", f"client order id {client_order_id!r} was used before"
    if order_type == "limit":
        if price is None:
            return "missing_price", "a limit order needs a price"
        if price <= 0:
            return "invalid_order", f"price must be positive, got {price:,} cents"
        if cash_limit is not None:
            return "invalid_order", "only a market buy carries a cash limit"
    elif price is not None:
        return "invalid_order", "a market order has no price"
    elif side == "buy":
        if cash_limit is None:
            return "missing_cash_limit", "a market buy needs a cash limit"
        if cash_limit <= 0:
            return "invalid_order", f"cash limit must be positive, got {cash_limit:,} cents"
    elif cash_limit is not None:
        return "invalid_order", "only a market buy carries a cash limit"
    return None


def _place(state: AccountState, p: Mapping[str, Any], command_id: str) -> list[Fact]:
    order_id: str = p["order_id"]
    client_order_id: str = p["client_order_id"]
    symbol: str = p["symbol"]
    side: str = p["side"]
    quantity: int = p["quantity"]
    price: int | None = p.get("price")
    cash_limit: int | None = p.get("cash_limit")
    problem = _order_problem(state, p)
    if problem is None:
        if side == "buy":
            need = price * quantity if price is not None else cash_limit or 0
            if need > state.cash_available:
                problem = (
                    "insufficient_funds",
                    (f"needs {need:,} cents, {state.cash_available:,} available"),
                )
        else:
            available = state.shares.get(symbol, [0, 0])[0]
            if quantity > available:
                problem = (
                    "insufficient_shares",
                    (f"needs {quantity:,} {symbol} shares, {available:,} available"),
                )
    if problem is not None:
        return _rejected(
            state,
            command_id,
            "PlaceOrder",
            *problem,
            order_id=order_id,
            client_order_id=client_order_id,
        )
    if side == "buy":
        reserved = need
        balance = _move_cash(state, -need, need, "reserve", order_id)
    else:
        reserved = quantity
        balance = _move_shares(state, symbol, -quantity, quantity, "reserve", order_id)
    limit = price if p["order_type"] == "limit" else None
    state.open_orders[order_id] = OpenOrder(symbol, side, client_order_id, reserved, price=limit)
    state.client_order_ids.remember(client_order_id, None)
    accepted = {
        "order_id": order_id,
        "account_id": state.account_id,
        "client_order_id": client_order_id,
        "symbol": symbol,
        "side": side,
        "order_type": p["order_type"],
        "time_in_force": p["time_in_force"],
        "quantity": quantity,
        "price": price,
        "cash_limit": cash_limit,
    }
    return [(OrderAccepted, accepted), balance]


def _cancel(state: AccountState, p: Mapping[str, Any], command_id: str) -> list[Fact]:
    order_id: str = p["order_id"]
    order = state.open_orders.get(order_id)
    if order is None:
        closed = state.closed_orders.get(order_id)
        if closed is not None:
            closed_as, client_order_id = closed
            return _rejected(
                state,
                command_id,
                "CancelOrder",
                "order_closed",
                f"order {order_id} is already {closed_as}",
                order_id=order_id,
                client_order_id=client_order_id,
            )
        return _rejected(
            state,
            command_id,
            "CancelOrder",
            "unknown_order",
            f"no open or recently closed order {order_id} in account {state.account_id}",
            order_id=order_id,
        )
    if order.cancel_requested:
        return _rejected(
            state,
            command_id,
            "CancelOrder",
            "cancel_pending",
            f"order {order_id} is already being cancelled",
            order_id=order_id,
            client_order_id=order.client_order_id,
        )
    order.cancel_requested = True
    return [
        (
            CancelRequested,
            {"order_id": order_id, "account_id": state.account_id, "symbol": order.symbol},
        )
    ]


# --- settlement: fills and closes from matching ------------------------------------


def _fill(state: AccountState, p: Mapping[str, Any], command_id: str) -> list[Fact]:
    order_id: str = p["order_id"]
    order = state.open_orders.get(order_id)
    if order is None:
        return []  # matching only fills open orders; nothing here to settle against
    quantity: int = p["quantity"]
    cost: int = p["price"] * quantity
    if order.side == "buy":
        order.reserved -= cost
        facts = [
            _move_cash(state, 0, -cost, "fill", order_id),
            _move_shares(state, order.symbol, quantity, 0, "fill", order_id),
        ]
        improvement = (order.price - p["price"]) * quantity if order.price is not None else 0
        if improvement > 0:
            order.reserved -= improvement
            facts.append(_move_cash(state, improvement, -improvement, "release", order_id))
        return facts
    order.reserved -= quantity
    return [
        _move_shares(state, order.symbol, 0, -quantity, "fill", order_id),
        _move_cash(state, cost, 0, "fill", order_id),
    ]


def _close(state: AccountState, p: Mapping[str, Any], command_id: str) -> list[Fact]:
    order_id: str = p["order_id"]
    order = state.open_orders.pop(order_id, None)
    if order is None:
        return []
    state.closed_orders.remember(order_id, (p["reason"], order.client_order_id))
    if not order.reserved:
        return []
    if order.side == "buy":
        return [_move_cash(state, order.reserved, -order.reserved, "release", order_id)]
    return [_move_shares(state, order.symbol, order.reserved, -order.reserved, "release", order_id)]


Handler = Callable[[AccountState, Mapping[str, Any], str], list[Fact]]

_COMMANDS: dict[type[Record], Handler] = {
    DepositCash: _deposit,
    WithdrawCash: _withdraw,
    TransferShares: _transfer,
    PlaceOrder: _place,
    CancelOrder: _cancel,
}
_SETTLEMENTS: dict[type[Record], Handler] = {
    OrderFilled: _fill,
    OrderClosed: _close,
}
