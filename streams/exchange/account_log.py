"""The account stage's state as small parts on its changelog (the StateLog of
streams/state_log.py for `AccountState`).

Parts of one account, each an orjson list:

    cash            [available, reserved]
    s:<symbol>      [available, reserved] shares
    o:<order id>    [symbol, side, client order id, reserved, cancel requested, limit price]
    cmd:<slot>      [command id, n]                          the rings of recent ids
    coid:<slot>     [client order id, n]                     (recent_ids.py): slot is
    closed:<slot>   [order id, n, why it closed, client order id]   n % capacity

Balances are touched by the BalanceChanged facts that moved them; an order by
its acceptance, its cancel request, a fill and its close (a tombstone); a
ring's slot by the id remembered in it. Remembering a new id overwrites the
slot of the id it forgets, so a memory never needs a tombstone, and restoring
sorts each ring's slots by n to rebuild its age order.

The rings' capacities are part of the changelog's layout: restoring with
other capacities than the ones written with is refused (recent_ids.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from schemas.envelope import Record
from schemas.exchange import (
    CASH,
    BalanceChanged,
    CancelRequested,
    OrderAccepted,
    OrderClosed,
    OrderFilled,
)
from streams.exchange.accounts import (
    MAX_CLIENT_ORDER_IDS,
    MAX_CLOSED_ORDERS,
    MAX_COMMAND_IDS,
    AccountState,
    OpenOrder,
)
from streams.exchange.recent_ids import Entry, RecentIds
from streams.facts import Fact

CASH_PART = "cash"
SHARES = "s:"
ORDER = "o:"
COMMAND_IDS = "cmd:"
CLIENT_ORDER_IDS = "coid:"
CLOSED_ORDERS = "closed:"


class AccountLog:
    """Writes and restores one account's state as parts. Pure."""

    def __init__(
        self,
        max_command_ids: int = MAX_COMMAND_IDS,
        max_client_order_ids: int = MAX_CLIENT_ORDER_IDS,
        max_closed_orders: int = MAX_CLOSED_ORDERS,
    ) -> None:
        self.max_command_ids = max_command_ids
        self.max_client_order_ids = max_client_order_ids
        self.max_closed_orders = max_closed_orders

    def touched(self, state: AccountState, cause: Record, facts: Sequence[Fact]) -> list[str]:
        """May name a part twice (the cash of a fill and of its release)."""
        parts: list[str] = []
        for kind, payload in facts:
            if kind is BalanceChanged:
                asset: str = payload["asset"]
                parts.append(CASH_PART if asset == CASH else SHARES + asset)
            elif kind is OrderAccepted:
                parts.append(ORDER + payload["order_id"])
                slot = state.client_order_ids.slot_of(payload["client_order_id"])
                parts.append(f"{CLIENT_ORDER_IDS}{slot}")
            elif kind is CancelRequested:
                parts.append(ORDER + payload["order_id"])
        if isinstance(cause, OrderFilled):
            if facts:  # a fill of an order not open here changes nothing
                parts.append(ORDER + cause.order_id)
        elif isinstance(cause, OrderClosed):
            # A close empties the order's part even when it releases nothing.
            slot = state.closed_orders.slot_of(cause.order_id)
            if slot is not None:
                parts.append(ORDER + cause.order_id)
                parts.append(f"{CLOSED_ORDERS}{slot}")
        else:
            slot = state.command_ids.slot_of(cause.envelope.event_id)
            if slot is not None and facts:  # no facts: a repeated command, nothing changed
                parts.append(f"{COMMAND_IDS}{slot}")
        return parts

    def entry(self, state: AccountState, sub_key: str) -> bytes | None:
        if sub_key == CASH_PART:
            return orjson.dumps([state.cash_available, state.cash_reserved])
        kind, _, name = sub_key.partition(":")
        if kind == "s":
            held = state.shares.get(name)
            return None if held is None else orjson.dumps(held)
        if kind == "o":
            order = state.open_orders.get(name)
            if order is None:
                return None
            return orjson.dumps(
                [
                    order.symbol,
                    order.side,
                    order.client_order_id,
                    order.reserved,
                    order.cancel_requested,
                    order.price,
                ]
            )
        if kind == "cmd":
            return _slot_value(state.command_ids, name)
        if kind == "coid":
            return _slot_value(state.client_order_ids, name)
        if kind == "closed":
            entry = state.closed_orders.at(int(name))
            if entry is None:
                return None
            order_id, n, (why, client_order_id) = entry
            return orjson.dumps([order_id, n, why, client_order_id])
        raise ValueError(f"{sub_key!r} is no part of an account's state")

    def restore(self, key: str, parts: Mapping[str, bytes]) -> AccountState:
        state = AccountState(
            key, self.max_command_ids, self.max_client_order_ids, self.max_closed_orders
        )
        command_ids: dict[int, Entry[None]] = {}
        client_order_ids: dict[int, Entry[None]] = {}
        closed_orders: dict[int, Entry[tuple[str, str]]] = {}
        loads = orjson.loads
        open_orders = state.open_orders
        for sub_key, value in parts.items():
            kind, _, name = sub_key.partition(":")
            data: Any = loads(value)
            if kind == "cmd":
                command_ids[int(name)] = (data[0], data[1], None)
            elif kind == "closed":
                closed_orders[int(name)] = (data[0], data[1], (data[2], data[3]))
            elif kind == "coid":
                client_order_ids[int(name)] = (data[0], data[1], None)
            elif kind == "o":
                open_orders[name] = OpenOrder(*data)
            elif kind == "s":
                state.shares[name] = data
            elif sub_key == CASH_PART:
                state.cash_available, state.cash_reserved = data
            else:
                raise ValueError(f"{sub_key!r} is no part of an account's state")
        state.command_ids = RecentIds.restored(self.max_command_ids, command_ids)
        state.client_order_ids = RecentIds.restored(self.max_client_order_ids, client_order_ids)
        state.closed_orders = RecentIds.restored(self.max_closed_orders, closed_orders)
        return state


def _slot_value(memory: RecentIds[None], slot: str) -> bytes | None:
    entry = memory.at(int(slot))
    return None if entry is None else orjson.dumps(entry[:2])
