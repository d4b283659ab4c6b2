"""Which refusals belong on an order, for every exchange read model (Redis and
ClickHouse alike).

A refused PlaceOrder is the order's status: it never opened. A refused cancel
is the cancel's own outcome, never the order's status or identity, and it is
shown on the order only when the refusal knows the order is the refusing
account's own: risk found it pending (`cancel_pending`) or recently closed
(`order_closed`) in the account, or matching refused a cancel risk forwarded,
and risk forwards only the account's own open orders (`order_not_open`).
Risk's `unknown_order` may name someone else's order, so it stays the
account's own rejection.
"""

from __future__ import annotations

from typing import Any

from schemas import exchange as ex
from schemas.envelope import Record

_OWN_ORDER_CANCEL_REFUSALS = frozenset({"cancel_pending", "order_closed", "order_not_open"})


def is_refused_cancel(model: type[Record], fields: dict[str, Any]) -> bool:
    """A refusal of a CancelOrder, by risk or by matching."""
    if model is ex.CancelRejected:
        return True
    return model is ex.CommandRejected and fields["command_type"] == "CancelOrder"


def names_own_order(refused_cancel: dict[str, Any]) -> bool:
    """Whether a refused cancel's order is the refusing account's own."""
    return refused_cancel["reason_code"] in _OWN_ORDER_CANCEL_REFUSALS


def closes_the_order(command_rejected: dict[str, Any]) -> bool:
    """Whether risk's refusal is the named order's status: a PlaceOrder it
    refused, unless for an id already open (that order stays as it is)."""
    command_type: str = command_rejected["command_type"]
    reason_code: str = command_rejected["reason_code"]
    return command_type == "PlaceOrder" and reason_code != "duplicate_order_id"
