"""What a trader or operator sends to /v1/exchange: HTTP request bodies.

These are not the wire records (schemas/exchange/records.py): they carry no envelope,
and ids the gateway assigns (order_id, event_id) are absent. They are strict on
purpose: numbers must be JSON integers (gateway/fields.py), identifiers have a
fixed alphabet, and unknown fields are refused, so junk is a 422 here rather
than a poison record on the log.

An order takes one of three shapes, each a schema of its own in /openapi.json:
a limit order has a price; a market order has none, and a market buy has a
cash_limit, which nothing else carries.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StrictInt, StringConstraints

from gateway.fields import (
    JSON_INT_MAX,
    PRINTABLE,
    WHOLE,
    CallerId,
    OneOfVariants,
    PathParameters,
    RequestModel,
    Ulid,
    encodable,
    forbidden,
)
from schemas.exchange import OrderType, Side, TimeInForce

Positive = Annotated[StrictInt, Field(gt=0, le=JSON_INT_MAX), WHOLE]
AccountId = CallerId
Symbol = Annotated[
    str,
    StringConstraints(strict=True, pattern=r"^[A-Z0-9][A-Z0-9.-]{0,15}$"),
    Field(description="upper-case ticker, 1-16 characters"),
]
OrderId = Annotated[Ulid, Field(description="ULID the gateway assigned at placement")]
ClientOrderId = Annotated[
    str,
    StringConstraints(strict=True, min_length=1, max_length=64, pattern=PRINTABLE),
    AfterValidator(encodable),
]
Reason = Annotated[
    str,
    StringConstraints(strict=True, min_length=1, max_length=500, pattern=PRINTABLE),
    AfterValidator(encodable),
]
Price = Annotated[Positive, Field(description="cents")]
CashLimit = Annotated[Positive, Field(description="cents: the most the market buy may spend")]
NoPrice = Annotated[None, BeforeValidator(forbidden("a market order has no price"))]
NoCashLimit = Annotated[None, BeforeValidator(forbidden("only a market buy carries a cash_limit"))]


class AccountPath(PathParameters):
    account_id: AccountId


class SymbolPath(PathParameters):
    symbol: Symbol


class OrderPath(PathParameters):
    order_id: OrderId


class Deposit(RequestModel):
    amount: Positive = Field(description="cents")


class Withdrawal(RequestModel):
    amount: Positive = Field(description="cents")


class ShareTransfer(RequestModel):
    symbol: Symbol
    quantity: Positive
    direction: Literal["in", "out"]


class _Order(RequestModel):
    account_id: AccountId
    client_order_id: ClientOrderId
    symbol: Symbol
    side: Side
    type: OrderType
    time_in_force: TimeInForce = "GTC"
    quantity: Positive


class LimitOrder(_Order):
    type: Literal["limit"]
    price: Price
    cash_limit: NoCashLimit = None


class MarketBuyOrder(_Order):
    side: Literal["buy"]
    type: Literal["market"]
    price: NoPrice = None
    cash_limit: CashLimit


class MarketSellOrder(_Order):
    side: Literal["sell"]
    type: Literal["market"]
    price: NoPrice = None
    cash_limit: NoCashLimit = None


class PlaceOrderRequest(_Order, OneOfVariants):
    variants = (LimitOrder, MarketBuyOrder, MarketSellOrder)
    tags = ("type", "side")

    price: Price | None = None
    cash_limit: CashLimit | None = None


class CancelOrderRequest(RequestModel):
    account_id: AccountId


class ListInstrumentRequest(RequestModel):
    symbol: Symbol
    tick_size: Positive = Field(description="cents")
    lot_size: Positive = Field(description="shares")


class HaltRequest(RequestModel):
    reason: Reason


class ResumeRequest(RequestModel):
    pass
