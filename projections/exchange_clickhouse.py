"""The exchange's analytics models in ClickHouse: tables, views, and the pure
record -> rows functions that fill them.

orders          one row per order event (accepted, rested, filled, closed,
                cancelled, expired, rejected, cancel requested/rejected)
orders_current  view: each order's current state
trades          one row per trade
candles_1s/_1m  views: OHLCV per symbol per second / minute, from trades

Duplicates collapse in ReplacingMergeTree on the record's own identity:
(order_id, event_id) for order events and (symbol, trade_id) for trades, so a
record read twice *and* a fact the processor wrote twice (same derived id,
another offset) both count once. Views read with FINAL, so they are correct
before merges happen. Every row also carries its (topic, partition, offset).
"""

from __future__ import annotations

from typing import Any

from projections.log_record import LogRecord, micros_text
from schemas import exchange as ex
from schemas.envelope import Record

Row = tuple[str, dict[str, Any]]

ORDERS = "orders"
TRADES = "trades"

_POSITION_COLUMNS = """
    topic LowCardinality(String),
    partition UInt32,
    offset UInt64,
    event_id String,
    occurred_at DateTime64(6, 'UTC'),
    recorded_at DateTime64(6, 'UTC')"""

DDL: tuple[str, ...] = (
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.orders ({_POSITION_COLUMNS},
    order_id String,
    event_type LowCardinality(String),
    status LowCardinality(String),
    status_rank UInt8,
    account_id String,
    client_order_id String,
    symbol LowCardinality(String),
    side LowCardinality(String),
    order_type LowCardinality(String),
    time_in_force LowCardinality(String),
    price Nullable(Int64),
    quantity Int64,
    cash_limit Nullable(Int64),
    trade_id String,
    seq Nullable(Int64),
    reason_code String,
    reason String
) ENGINE = ReplacingMergeTree
ORDER BY (order_id, event_id)
""",
    """
CREATE VIEW IF NOT EXISTS {db}.orders_current AS
SELECT
    order_id,
    anyIf(account_id, account_id != '') AS account_id,
    anyIf(client_order_id, client_order_id != '') AS client_order_id,
    anyIf(symbol, symbol != '') AS symbol,
    anyIf(side, side != '') AS side,
    anyIf(order_type, event_type = 'OrderAccepted') AS order_type,
    anyIf(time_in_force, event_type = 'OrderAccepted') AS time_in_force,
    anyIf(price, event_type = 'OrderAccepted') AS limit_price,
    maxIf(quantity, event_type = 'OrderAccepted') AS ordered_quantity,
    sumIf(quantity, event_type = 'OrderFilled') AS filled_quantity,
    argMaxIf(status, (status_rank, occurred_at, event_id), status_rank > 0) AS status,
    argMaxIf(reason, (status_rank, occurred_at, event_id), status_rank > 0) AS reason,
    min(occurred_at) AS first_event_at,
    max(occurred_at) AS last_event_at,
    count() AS events
FROM {db}.orders FINAL
GROUP BY order_id
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.trades ({_POSITION_COLUMNS},
    trade_id String,
    symbol LowCardinality(String),
    price Int64,
    quantity Int64,
    buy_order_id String,
    sell_order_id String,
    buy_account_id String,
    sell_account_id String,
    aggressor_side LowCardinality(String),
    seq Int64
) ENGINE = ReplacingMergeTree
ORDER BY (symbol, trade_id)
""",
    *(
        f"""
CREATE VIEW IF NOT EXISTS {{db}}.{name} AS
SELECT
    symbol,
    toDateTime({bucket}(occurred_at), 'UTC') AS bucket,
    argMin(price, seq) AS open,
    max(price) AS high,
    min(price) AS low,
    argMax(price, seq) AS close,
    sum(quantity) AS volume,
    sum(price * quantity) AS notional,
    count() AS trades
FROM {{db}}.trades FINAL
GROUP BY symbol, bucket
"""
        for name, bucket in (("candles_1s", "toStartOfSecond"), ("candles_1m", "toStartOfMinute"))
    ),
)

_POSITION = ("topic", "partition", "offset", "event_id", "occurred_at", "recorded_at")
ORDER_COLUMNS: tuple[str, ...] = (
    *_POSITION,
    "order_id",
    "event_type",
    "status",
    "status_rank",
    "account_id",
    "client_order_id",
    "symbol",
    "side",
    "order_type",
    "time_in_force",
    "price",
    "quantity",
    "cash_limit",
    "trade_id",
    "seq",
    "reason_code",
    "reason",
)
TRADE_COLUMNS: tuple[str, ...] = (
    *_POSITION,
    "trade_id",
    "symbol",
    "price",
    "quantity",
    "buy_order_id",
    "sell_order_id",
    "buy_account_id",
    "sell_account_id",
    "aggressor_side",
    "seq",
)
COLUMNS: dict[str, tuple[str, ...]] = {ORDERS: ORDER_COLUMNS, TRADES: TRADE_COLUMNS}

_STATUS: dict[type[Record], tuple[str, int]] = {
    ex.OrderAccepted: ("accepted", 1),
    ex.OrderRested: ("resting", 2),
    ex.OrderFilled: ("partially_filled", 3),
    ex.OrderCancelled: ("cancelled", 4),
    ex.OrderExpired: ("expired", 4),
    ex.OrderRejected: ("rejected", 4),
    ex.CommandRejected: ("rejected", 4),
}
_ORDER_EVENTS = (
    ex.OrderAccepted,
    ex.CancelRequested,
    ex.OrderRested,
    ex.OrderFilled,
    ex.OrderClosed,
    ex.OrderCancelled,
    ex.OrderExpired,
    ex.OrderRejected,
    ex.CancelRejected,
    ex.CommandRejected,
)


def clickhouse_rows(record: Record, message: LogRecord) -> list[Row]:
    """The (table, row) pairs one exchange record adds; [] for most commands."""
    if isinstance(record, ex.TradeExecuted):
        return [(TRADES, _trade_row(record, message))]
    if isinstance(record, _ORDER_EVENTS):
        if isinstance(record, ex.CommandRejected) and not record.order_id:
            return []
        return [(ORDERS, _order_row(record, message))]
    return []


def _position(record: Record, message: LogRecord) -> dict[str, Any]:
    return {
        "topic": message.topic,
        "partition": message.partition,
        "offset": message.offset,
        "event_id": record.envelope.event_id,
        "occurred_at": micros_text(record.envelope.occurred_at),
        "recorded_at": micros_text(record.envelope.recorded_at),
    }


def _order_row(record: Any, message: LogRecord) -> dict[str, Any]:
    status, rank = _STATUS.get(type(record), ("", 0))
    if isinstance(record, ex.OrderClosed):
        status, rank = record.reason, 4
    fields = (
        "account_id",
        "client_order_id",
        "symbol",
        "side",
        "order_type",
        "time_in_force",
        "trade_id",
        "reason_code",
        "reason",
    )
    # The model's own field dict: getattr on a missing pydantic field is slow.
    values = record.__dict__
    row = _position(record, message) | {
        "order_id": record.order_id,
        "event_type": type(record).__name__,
        "status": status,
        "status_rank": rank,
        "price": values.get("price"),
        "quantity": values.get("quantity", 0),
        "cash_limit": values.get("cash_limit"),
        "seq": values.get("seq"),
    }
    for name in fields:
        value = values.get(name)
        row[name] = "" if value is None else str(value)
    if isinstance(record, ex.OrderClosed):
        row["reason"] = record.reason
    return row


def _trade_row(record: ex.TradeExecuted, message: LogRecord) -> dict[str, Any]:
    return _position(record, message) | record.model_dump(
        include={
            "trade_id",
            "symbol",
            "price",
            "quantity",
            "buy_order_id",
            "sell_order_id",
            "buy_account_id",
            "sell_account_id",
            "aggressor_side",
            "seq",
        }
    )
