"""The exchange's live read models: each record becomes Redis writes (pure).

Market facts (one partition per symbol, in seq order) own the book: depth,
quotes, trades and which orders rest. Each is guarded by the symbol's seq, so
a fact the processor wrote twice changes nothing the second time. An order's
status is written from four topics whose relative order is not fixed, so it
only moves forward by rank (accepted < resting < partially filled < closed).

The writes vocabulary and its atomic application: projections/redis_sink.py.
The key layout: projections/exchange_keys.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from projections import exchange_keys as keys
from projections.redis_sink import Write
from schemas import exchange as ex
from schemas.envelope import Record

ACCEPTED, RESTING, PARTIALLY_FILLED, CLOSED = 1, 2, 3, 4


def redis_writes(record: Record) -> list[Write]:
    """The writes one exchange record makes; [] for records with no live model."""
    handler = _HANDLERS.get(type(record))
    return handler(record) if handler else []


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _hset(key: str, fields: dict[str, Any]) -> Write:
    write = ["hset", key]
    for name, value in fields.items():
        if value is not None:
            write += [name, str(value)]
    return write


def _status(order_id: str, rank: int, status: str, **fields: Any) -> Write:
    write = ["hset_ranked", keys.order(order_id), str(rank), "status", status]
    for name, value in fields.items():
        write += [name, "" if value is None else str(value)]
    return write


def _market_fact(record: Any, writes: list[Write], *, quote: bool = False) -> list[Write]:
    """Guard by seq, apply, refresh the quote, announce on the symbol's channel."""
    symbol = record.symbol
    out = [["guard_seq", keys.market(symbol), "seq", str(record.seq)]]
    out += [["sadd", keys.SYMBOLS, symbol], *writes]
    if quote:
        out.append(
            ["quote", keys.market(symbol), keys.depth(symbol, "buy"), keys.depth(symbol, "sell")]
        )
    message = {
        "symbol": symbol,
        "seq": record.seq,
        "type": type(record).__name__,
        "event": record.model_dump(mode="json", exclude={"envelope"}),
    }
    out.append(["publish", keys.market_channel(symbol), _json(message)])
    return out


def _order_identity(record: Any) -> Write:
    return _hset(
        keys.order(record.order_id),
        {
            "order_id": record.order_id,
            "account_id": record.account_id,
            "symbol": record.symbol,
            "side": record.__dict__.get("side"),
        },
    )


def _instrument_listed(r: ex.InstrumentListed) -> list[Write]:
    fields = {"symbol": r.symbol, "tick_size": r.tick_size, "lot_size": r.lot_size}
    return _market_fact(r, [_hset(keys.market(r.symbol), fields | {"status": "trading"})])


def _trading_halted(r: ex.TradingHalted) -> list[Write]:
    fields = {"symbol": r.symbol, "status": "halted", "halt_reason": r.reason}
    return _market_fact(r, [_hset(keys.market(r.symbol), fields)])


def _trading_resumed(r: ex.TradingResumed) -> list[Write]:
    market = keys.market(r.symbol)
    writes = [_hset(market, {"symbol": r.symbol, "status": "trading"})]
    return _market_fact(r, [*writes, ["hdel", market, "halt_reason"]])


def _order_rested(r: ex.OrderRested) -> list[Write]:
    rest = [
        "rest",
        keys.order(r.order_id),
        keys.open_orders(r.account_id),
        r.order_id,
        keys.depth(r.symbol, r.side),
        keys.depth_quantities(r.symbol, r.side),
        str(r.price),
        str(r.quantity),
    ]
    writes = [_order_identity(r), rest, _status(r.order_id, RESTING, "resting")]
    return _market_fact(r, writes, quote=True)


def trade_json(r: ex.TradeExecuted) -> dict[str, Any]:
    """A trade as the live models keep it (and the read API returns it)."""
    return {
        "trade_id": r.trade_id,
        "symbol": r.symbol,
        "price": r.price,
        "quantity": r.quantity,
        "aggressor_side": r.aggressor_side,
        "buy_order_id": r.buy_order_id,
        "sell_order_id": r.sell_order_id,
        "seq": r.seq,
        "occurred_at": r.envelope.occurred_at,
    }


def _trade_executed(r: ex.TradeExecuted) -> list[Write]:
    # The resting (maker) order is on the side opposite the aggressor.
    if r.aggressor_side == "buy":
        maker_side, maker_id, maker_account = "sell", r.sell_order_id, r.sell_account_id
    else:
        maker_side, maker_id, maker_account = "buy", r.buy_order_id, r.buy_account_id
    take = [
        "take",
        keys.order(maker_id),
        keys.open_orders(maker_account),
        maker_id,
        keys.depth(r.symbol, maker_side),
        keys.depth_quantities(r.symbol, maker_side),
        str(r.quantity),
    ]
    trade = _json(trade_json(r))
    writes = [
        take,
        ["lpush_capped", keys.trades(r.symbol), trade, str(keys.RECENT_TRADES_KEPT)],
        ["hset", keys.market(r.symbol), "last_trade", trade],
    ]
    return _market_fact(r, writes, quote=True)


def _leaves_book(r: ex.OrderCancelled | ex.OrderExpired, status: str) -> list[Write]:
    unrest = [
        "unrest",
        keys.order(r.order_id),
        keys.open_orders(r.account_id),
        r.order_id,
        keys.depth(r.symbol, r.side),
        keys.depth_quantities(r.symbol, r.side),
    ]
    closed = _status(r.order_id, CLOSED, status, reason=r.reason)
    return _market_fact(r, [_order_identity(r), unrest, closed], quote=True)


def _order_cancelled(r: ex.OrderCancelled) -> list[Write]:
    return _leaves_book(r, "cancelled")


def _order_expired(r: ex.OrderExpired) -> list[Write]:
    return _leaves_book(r, "expired")


def _order_rejected(r: ex.OrderRejected) -> list[Write]:
    closed = _status(r.order_id, CLOSED, "rejected", reason_code=r.reason_code, reason=r.reason)
    return _market_fact(r, [_order_identity(r), closed])


def _cancel_rejected(r: ex.CancelRejected) -> list[Write]:
    fields = {"cancel_rejected_reason": r.reason}
    return _market_fact(r, [_hset(keys.order(r.order_id), fields)])


def _admin_rejected(r: ex.AdminRejected) -> list[Write]:
    return _market_fact(r, [])


def _order_accepted(r: ex.OrderAccepted) -> list[Write]:
    details = {
        "order_id": r.order_id,
        "account_id": r.account_id,
        "client_order_id": r.client_order_id,
        "symbol": r.symbol,
        "side": r.side,
        "order_type": r.order_type,
        "time_in_force": r.time_in_force,
        "quantity": r.quantity,
        "price": r.price,
        "cash_limit": r.cash_limit,
        "accepted_at": r.envelope.occurred_at,
    }
    return [_hset(keys.order(r.order_id), details), _status(r.order_id, ACCEPTED, "accepted")]


def _cancel_requested(r: ex.CancelRequested) -> list[Write]:
    return [_hset(keys.order(r.order_id), {"cancel_requested": 1})]


def _order_filled(r: ex.OrderFilled) -> list[Write]:
    # Counted once per trade, even if the processor wrote the fill twice.
    return [
        ["guard_once", keys.order_trades(r.order_id), r.trade_id],
        _order_identity(r),
        ["hincrby", keys.order(r.order_id), "filled", str(r.quantity)],
        _status(r.order_id, PARTIALLY_FILLED, "partially_filled"),
    ]


def _order_closed(r: ex.OrderClosed) -> list[Write]:
    return [_order_identity(r), _status(r.order_id, CLOSED, r.reason)]


def _balance_changed(r: ex.BalanceChanged) -> list[Write]:
    balance = _json({"available": r.available, "reserved": r.reserved})
    return [["hset", keys.balances(r.account_id), r.asset, balance]]


def _command_rejected(r: ex.CommandRejected) -> list[Write]:
    rejection = r.model_dump(mode="json", exclude={"envelope"})
    rejection["occurred_at"] = r.envelope.occurred_at
    writes: list[Write] = [
        [
            "lpush_capped",
            keys.rejections(r.account_id),
            _json(rejection),
            str(keys.REJECTIONS_KEPT),
        ]
    ]
    if r.order_id:
        identity = {
            "order_id": r.order_id,
            "account_id": r.account_id,
            "client_order_id": r.client_order_id,
        }
        writes.append(_hset(keys.order(r.order_id), identity))
        closed = _status(r.order_id, CLOSED, "rejected", reason_code=r.reason_code, reason=r.reason)
        writes.append(closed)
    return writes


_HANDLERS: dict[type[Record], Callable[[Any], list[Write]]] = {
    ex.InstrumentListed: _instrument_listed,
    ex.TradingHalted: _trading_halted,
    ex.TradingResumed: _trading_resumed,
    ex.OrderRested: _order_rested,
    ex.TradeExecuted: _trade_executed,
    ex.OrderCancelled: _order_cancelled,
    ex.OrderExpired: _order_expired,
    ex.OrderRejected: _order_rejected,
    ex.CancelRejected: _cancel_rejected,
    ex.AdminRejected: _admin_rejected,
    ex.OrderAccepted: _order_accepted,
    ex.CancelRequested: _cancel_requested,
    ex.OrderFilled: _order_filled,
    ex.OrderClosed: _order_closed,
    ex.BalanceChanged: _balance_changed,
    ex.CommandRejected: _command_rejected,
}
