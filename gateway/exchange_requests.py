"""What a trader or operator sends to /v1/exchange: HTTP request bodies.

These are not the wire records (schemas/exchange.py): they carry no envelope,
and ids the gateway assigns (order_id, event_id) are absent. They are strict on
purpose: numbers must be JSON integers within Avro's long, identifiers have a
fixed alphabet, and unknown fields are refused, so junk is a 422 here rather
than a poison record on the log.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from gateway.fields import INT64_MAX, CallerId, PathParameters, RequestModel, Ulid, printable
from schemas.exchange import OrderType, Side, TimeInForce

Positive = Annotated[StrictInt, Field(gt=0, le=INT64_MAX)]
AccountId = CallerId
Symbol = Annotated[
    str,
    StringConstraints(strict=True, pattern=r"^[A-Z0-9][A-Z0-9.-]{0,15}$"),
    Field(description="upper-case ticker, 1-16 characters"),
]
OrderId = Annotated[Ulid, Field(description="ULID the gateway assigned at placement")]
ClientOrderId = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=64), AfterValidator(printable)
]
Reason = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=500), AfterValidator(printable)
]


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


class PlaceOrderRequest(RequestModel):
    account_id: AccountId
    client_order_id: ClientOrderId
    symbol: Symbol
    side: Side
    type: OrderType
    time_in_force: TimeInForce = "GTC"
    quantity: Positive
    price: Positive | None = Field(
        default=None, validate_default=True, description="cents; limit orders only"
    )
    cash_limit: Positive | None = Field(
        default=None,
        validate_default=True,
        description="cents; market buys only: the most the order may spend",
    )

    # Field validators rather than a model validator, so the error names the
    # field at fault. They read earlier fields, hence the declaration order.
    @field_validator("price", mode="after")
    @classmethod
    def _price_matches_type(cls, price: int | None, info: ValidationInfo) -> int | None:
        order_type = info.data.get("type")
        if order_type == "limit" and price is None:
            raise PydanticCustomError("price_required", "a limit order needs a price")
        if order_type == "market" and price is not None:
            raise PydanticCustomError("price_forbidden", "a market order has no price")
        return price

    @field_validator("cash_limit", mode="after")
    @classmethod
    def _cash_limit_for_market_buys(
        cls, cash_limit: int | None, info: ValidationInfo
    ) -> int | None:
        order_type, side = info.data.get("type"), info.data.get("side")
        if order_type == "market" and side == "buy" and cash_limit is None:
            raise PydanticCustomError("cash_limit_required", "a market buy needs a cash_limit")
        if cash_limit is not None and not (order_type == "market" and side == "buy"):
            raise PydanticCustomError(
                "cash_limit_forbidden", "only a market buy carries a cash_limit"
            )
        return cash_limit


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
