"""The stock exchange's records: commands traders send, facts the stages decide.

Units are integers: cash and prices in cents, quantities in shares. A price
must be a multiple of the instrument's tick size and a quantity a multiple of
its lot size. Topics and keys: topics.py beside this module.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from schemas.envelope import Record

Side = Literal["buy", "sell"]
OrderType = Literal["limit", "market"]
TimeInForce = Literal["GTC", "IOC", "FOK"]
CASH = "cash"  # the asset name of cash in BalanceChanged; other assets are symbols

_NS = "onelog.exchange."

# --- commands from traders: exchange.commands, key account_id -----------------


class DepositCash(Record):
    """Cash arriving in an account from outside the exchange."""

    schema_name = _NS + "DepositCash"
    account_id: str
    amount: int = Field(gt=0, description="cents")


class WithdrawCash(Record):
    """Cash leaving an account; refused beyond the available balance."""

    schema_name = _NS + "WithdrawCash"
    account_id: str
    amount: int = Field(gt=0, description="cents")


class TransferShares(Record):
    """Shares moved into or out of an account (how holdings arrive: no short selling)."""

    schema_name = _NS + "TransferShares"
    account_id: str
    symbol: str
    quantity: int = Field(gt=0)
    direction: Literal["in", "out"]


class PlaceOrder(Record):
    """A wish to buy or sell. A market buy carries the most cash it may spend."""

    schema_name = _NS + "PlaceOrder"
    account_id: str
    order_id: str = Field(description="ULID assigned by the gateway")
    client_order_id: str
    symbol: str
    side: Side
    order_type: OrderType
    time_in_force: TimeInForce
    quantity: int = Field(gt=0)
    price: int | None = Field(default=None, description="cents; limit orders only")
    cash_limit: int | None = Field(default=None, description="cents; market buys only")


class CancelOrder(Record):
    schema_name = _NS + "CancelOrder"
    account_id: str
    order_id: str


# --- commands from operators: exchange.admin, key symbol ----------------------


class ListInstrument(Record):
    schema_name = _NS + "ListInstrument"
    symbol: str
    tick_size: int = Field(gt=0, description="cents")
    lot_size: int = Field(gt=0, description="shares")


class HaltSymbol(Record):
    schema_name = _NS + "HaltSymbol"
    symbol: str
    reason: str


class ResumeSymbol(Record):
    schema_name = _NS + "ResumeSymbol"
    symbol: str


# --- risk's decisions for matching: exchange.orders, key symbol ---------------


class OrderAccepted(Record):
    """Risk reserved what the order may spend; matching may now act on it."""

    schema_name = _NS + "OrderAccepted"
    order_id: str
    account_id: str
    client_order_id: str
    symbol: str
    side: Side
    order_type: OrderType
    time_in_force: TimeInForce
    quantity: int
    price: int | None = None
    cash_limit: int | None = None


class CancelRequested(Record):
    """Risk confirmed the order is the account's own; matching removes what rests."""

    schema_name = _NS + "CancelRequested"
    order_id: str
    account_id: str
    symbol: str


# --- matching's facts: exchange.market, key symbol, each with the symbol's seq -


class InstrumentListed(Record):
    schema_name = _NS + "InstrumentListed"
    symbol: str
    tick_size: int
    lot_size: int
    seq: int


class TradingHalted(Record):
    schema_name = _NS + "TradingHalted"
    symbol: str
    reason: str
    seq: int


class TradingResumed(Record):
    schema_name = _NS + "TradingResumed"
    symbol: str
    seq: int


class OrderRested(Record):
    """What is left of an order now waits on the book at its price."""

    schema_name = _NS + "OrderRested"
    order_id: str
    account_id: str
    symbol: str
    side: Side
    price: int
    quantity: int = Field(description="the quantity resting")
    seq: int


class TradeExecuted(Record):
    """A match: the resting (maker) order's price, the incoming (taker) order's side."""

    schema_name = _NS + "TradeExecuted"
    trade_id: str
    symbol: str
    price: int
    quantity: int
    buy_order_id: str
    sell_order_id: str
    buy_account_id: str
    sell_account_id: str
    aggressor_side: Side
    seq: int


class OrderCancelled(Record):
    schema_name = _NS + "OrderCancelled"
    order_id: str
    account_id: str
    symbol: str
    side: Side
    quantity: int = Field(description="the quantity taken off the book or never placed")
    reason: str
    seq: int


class OrderExpired(Record):
    """What an IOC, FOK or market order could not fill at once."""

    schema_name = _NS + "OrderExpired"
    order_id: str
    account_id: str
    symbol: str
    side: Side
    quantity: int
    reason: str
    seq: int


class OrderRejected(Record):
    """Matching refused an order risk had accepted (symbol, tick, lot, halt)."""

    schema_name = _NS + "OrderRejected"
    order_id: str
    account_id: str
    symbol: str
    reason_code: str
    reason: str
    seq: int


class CancelRejected(Record):
    schema_name = _NS + "CancelRejected"
    order_id: str
    account_id: str
    symbol: str
    reason_code: str
    reason: str
    seq: int


class AdminRejected(Record):
    schema_name = _NS + "AdminRejected"
    symbol: str
    command_type: str
    reason_code: str
    reason: str
    seq: int


# --- matching's facts per account: exchange.fills, key account_id -------------


class OrderFilled(Record):
    """One side of a trade, routed to the account it settles against."""

    schema_name = _NS + "OrderFilled"
    account_id: str
    order_id: str
    symbol: str
    side: Side
    price: int
    quantity: int
    trade_id: str
    seq: int


class OrderClosed(Record):
    """The order will never fill again: settlement releases what it still reserves."""

    schema_name = _NS + "OrderClosed"
    account_id: str
    order_id: str
    symbol: str
    side: Side
    reason: Literal["filled", "cancelled", "expired", "rejected"]
    seq: int


# --- the account stage's facts: exchange.accounts, key account_id -------------


class BalanceChanged(Record):
    """One asset of one account moved; carries the balances after the move."""

    schema_name = _NS + "BalanceChanged"
    account_id: str
    asset: str = Field(description="'cash' or a symbol")
    available_delta: int
    reserved_delta: int
    available: int
    reserved: int
    cause: Literal[
        "deposit", "withdrawal", "transfer_in", "transfer_out", "reserve", "release", "fill"
    ]
    ref: str = Field(description="the order id or command id behind the move")


class CommandRejected(Record):
    """Risk refused a trader's command; `reason` is for a person to read."""

    schema_name = _NS + "CommandRejected"
    account_id: str
    command_id: str
    command_type: str
    order_id: str | None = None
    client_order_id: str | None = None
    reason_code: str
    reason: str


TRADER_COMMANDS: tuple[type[Record], ...] = (
    DepositCash,
    WithdrawCash,
    TransferShares,
    PlaceOrder,
    CancelOrder,
)
ADMIN_COMMANDS: tuple[type[Record], ...] = (ListInstrument, HaltSymbol, ResumeSymbol)
ORDER_FLOW: tuple[type[Record], ...] = (OrderAccepted, CancelRequested)
MARKET_FACTS: tuple[type[Record], ...] = (
    InstrumentListed,
    TradingHalted,
    TradingResumed,
    OrderRested,
    TradeExecuted,
    OrderCancelled,
    OrderExpired,
    OrderRejected,
    CancelRejected,
    AdminRejected,
)
FILL_FACTS: tuple[type[Record], ...] = (OrderFilled, OrderClosed)
ACCOUNT_FACTS: tuple[type[Record], ...] = (BalanceChanged, CommandRejected)

ALL: tuple[type[Record], ...] = (
    TRADER_COMMANDS + ADMIN_COMMANDS + ORDER_FLOW + MARKET_FACTS + FILL_FACTS + ACCOUNT_FACTS
)
