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

Rows are tuples in the order of the table's columns (COLUMNS), built from
the record as decoded (a dict): the projector hands them to ClickHouse
column by column. Times are integer microseconds since the epoch.
"""

from __future__ import annotations

from typing import Any

from projections.analytics_row import POSITION, POSITION_DDL, position, rows_by_column
from projections.exchange.refusals import closes_the_order, is_refused_cancel, names_own_order
from projections.log_record import LogRecord
from projections.projection import Row, Value
from schemas import exchange as ex
from schemas.envelope import Record

ORDERS = "orders"
TRADES = "trades"

DDL: tuple[str, ...] = (
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.orders ({POSITION_DDL},
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
CREATE TABLE IF NOT EXISTS {{db}}.trades ({POSITION_DDL},
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

ORDER_COLUMNS: tuple[str, ...] = (
    *POSITION,
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
    *POSITION,
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
_ORDER_EVENTS: frozenset[type[Record]] = frozenset(
    (
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
)


def clickhouse_rows(record: Record, message: LogRecord) -> list[tuple[str, dict[str, Any]]]:
    """The (table, row as a dict by column) pairs one exchange record adds."""
    return rows_by_column(COLUMNS, rows_of, record, message)


def rows_of(model: type[Record], value: Value, message: LogRecord) -> list[Row]:
    """The (table, row) pairs a decoded record adds; [] for most commands."""
    if model is ex.TradeExecuted:
        return [(TRADES, _trade_row(value, message))]
    if model in _ORDER_EVENTS:
        if model is ex.CommandRejected and not value["order_id"]:
            return []
        # Its account may not own the order: a row would lend the order to it.
        if is_refused_cancel(model, value) and not names_own_order(value):
            return []
        return [(ORDERS, _order_row(model, value, message))]
    return []


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _order_row(model: type[Record], v: Value, message: LogRecord) -> tuple[Any, ...]:
    status, rank = _STATUS.get(model, ("", 0))
    if model is ex.OrderClosed:
        status, rank = v["reason"], 4
    elif model is ex.CommandRejected and not closes_the_order(v):
        status, rank = "", 0  # a refused cancel is the cancel's outcome, not the order's
    get = v.get
    return (
        *position(v, message),
        v["order_id"],
        model.__name__,
        status,
        rank,
        _text(get("account_id")),
        _text(get("client_order_id")),
        _text(get("symbol")),
        _text(get("side")),
        _text(get("order_type")),
        _text(get("time_in_force")),
        get("price"),
        get("quantity", 0),
        get("cash_limit"),
        _text(get("trade_id")),
        get("seq"),
        _text(get("reason_code")),
        _text(get("reason")),
    )


def _trade_row(v: Value, message: LogRecord) -> tuple[Any, ...]:
    return (
        *position(v, message),
        v["trade_id"],
        v["symbol"],
        v["price"],
        v["quantity"],
        v["buy_order_id"],
        v["sell_order_id"],
        v["buy_account_id"],
        v["sell_account_id"],
        v["aggressor_side"],
        v["seq"],
    )
