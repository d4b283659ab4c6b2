"""The exchange's live read models: each record becomes Redis writes (pure).

Market facts (one partition per symbol, in seq order) own the book: depth,
quotes, trades and which orders rest. Each is guarded by the symbol's seq, so
a fact the processor wrote twice changes nothing the second time. An order's
status is written from four topics whose relative order is not fixed, so it
only moves forward by rank (accepted < resting < partially filled < closed),
and two writes of the same rank merge (see `hset_ranked` in redis_sink.py):
the result does not depend on which topic the projector read first.

A refused cancel is the cancel's outcome, not the order's: it never touches
the order's status or identity. Risk (CommandRejected on accounts) and
matching (CancelRejected on market) may each refuse cancels of one order, so
the order keeps the refusal of the latest cancel, `cancel_rejected_reason`
and `_code`, by (recorded_at, event id) of the refusal (see `hset_latest`):
a fact copies recorded_at from the command that caused it, so that is when
the gateway recorded the cancel, whichever stage refused it, and event ids
derive from the log too. Only a refusal that knows the order is the
refusing account's own is written on it (projections/exchange/refusals.py);
risk's `unknown_order` may name someone else's order, so that one lands in
the account's rejections only.

What the symbol's channel says of each market fact, anonymously:
projections/exchange/feed.py.

The writes are built from the record as decoded (a dict of its fields, the
envelope a dict too), not from its pydantic model: replay builds millions of
them and a model per record costs more than the writes. `redis_writes`
takes a model, for callers that have one.

The writes vocabulary and its atomic application: projections/redis_sink.py.
The key layout: projections/exchange/keys.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.exchange import keys
from projections.exchange.feed import market_message
from projections.exchange.refusals import closes_the_order, names_own_order
from projections.json_text import compact_json
from projections.redis_sink import Write
from schemas import exchange as ex
from schemas.envelope import Record

ACCEPTED, RESTING, PARTIALLY_FILLED, CLOSED = 1, 2, 3, 4

# A record as decoded: its fields by name, the envelope a dict of its own.
Value = dict[str, Any]
# A handler gets the record and, when its fact is announced on the symbol's
# channel, the record type's name (None: build no announcement).
Handler = Callable[[Value, str | None], list[Write]]


def redis_writes(record: Record) -> list[Write]:
    """The writes one exchange record makes; [] for records with no live model."""
    return writes_of(type(record), record.model_dump())


def writes_of(model: type[Record], value: Value, announce: bool = True) -> list[Write]:
    """The writes of a decoded record of type `model`. `announce=False` leaves
    out the pub/sub messages (a rebuild has no one listening; the read models
    are the same without them)."""
    handler = _HANDLERS.get(model)
    return handler(value, model.__name__ if announce else None) if handler else []


def _json(value: Any) -> str:
    return compact_json(value, sort_keys=True)


def _payload(v: Value) -> dict[str, Any]:
    """The record's own fields (what model_dump without the envelope gave)."""
    return {name: field for name, field in v.items() if name != "envelope"}


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


def _market_fact(
    v: Value, announce_as: str | None, writes: list[Write], *, quote: bool = False
) -> list[Write]:
    """Guard by seq, apply, refresh the quote, announce on the symbol's channel."""
    symbol = v["symbol"]
    out = [["guard_seq", keys.market(symbol), "seq", str(v["seq"])]]
    out += [["sadd", keys.SYMBOLS, symbol], *writes]
    if quote:
        out.append(
            ["quote", keys.market(symbol), keys.depth(symbol, "buy"), keys.depth(symbol, "sell")]
        )
    if announce_as is not None:
        message = market_message(announce_as, v)
        out.append(["publish", keys.market_channel(symbol), _json(message)])
    return out


def _order_identity(v: Value) -> Write:
    return _hset(
        keys.order(v["order_id"]),
        {
            "order_id": v["order_id"],
            "account_id": v["account_id"],
            "symbol": v["symbol"],
            "side": v.get("side"),
        },
    )


def _instrument_listed(v: Value, announce_as: str | None) -> list[Write]:
    fields = {"symbol": v["symbol"], "tick_size": v["tick_size"], "lot_size": v["lot_size"]}
    writes = [_hset(keys.market(v["symbol"]), fields | {"status": "trading"})]
    return _market_fact(v, announce_as, writes)


def _trading_halted(v: Value, announce_as: str | None) -> list[Write]:
    fields = {"symbol": v["symbol"], "status": "halted", "halt_reason": v["reason"]}
    return _market_fact(v, announce_as, [_hset(keys.market(v["symbol"]), fields)])


def _trading_resumed(v: Value, announce_as: str | None) -> list[Write]:
    market = keys.market(v["symbol"])
    writes = [_hset(market, {"symbol": v["symbol"], "status": "trading"})]
    return _market_fact(v, announce_as, [*writes, ["hdel", market, "halt_reason"]])


def _order_rested(v: Value, announce_as: str | None) -> list[Write]:
    symbol, side, order_id = v["symbol"], v["side"], v["order_id"]
    rest = [
        "rest",
        keys.order(order_id),
        keys.open_orders(v["account_id"]),
        order_id,
        keys.depth(symbol, side),
        keys.depth_quantities(symbol, side),
        str(v["price"]),
        str(v["quantity"]),
    ]
    writes = [_order_identity(v), rest, _status(order_id, RESTING, "resting")]
    return _market_fact(v, announce_as, writes, quote=True)


def trade_json(r: ex.TradeExecuted) -> dict[str, Any]:
    """A trade as the live models keep it (and the read API returns it)."""
    return _trade_json(r.model_dump())


def _trade_json(v: Value) -> dict[str, Any]:
    return {
        "trade_id": v["trade_id"],
        "symbol": v["symbol"],
        "price": v["price"],
        "quantity": v["quantity"],
        "aggressor_side": v["aggressor_side"],
        "buy_order_id": v["buy_order_id"],
        "sell_order_id": v["sell_order_id"],
        "seq": v["seq"],
        "occurred_at": v["envelope"]["occurred_at"],
    }


def _trade_executed(v: Value, announce_as: str | None) -> list[Write]:
    # The resting (maker) order is on the side opposite the aggressor.
    if v["aggressor_side"] == "buy":
        maker_side, maker_id, maker_account = "sell", v["sell_order_id"], v["sell_account_id"]
    else:
        maker_side, maker_id, maker_account = "buy", v["buy_order_id"], v["buy_account_id"]
    symbol = v["symbol"]
    take = [
        "take",
        keys.order(maker_id),
        keys.open_orders(maker_account),
        maker_id,
        keys.depth(symbol, maker_side),
        keys.depth_quantities(symbol, maker_side),
        str(v["quantity"]),
    ]
    trade = _json(_trade_json(v))
    writes = [
        take,
        ["lpush_capped", keys.trades(symbol), trade, str(keys.RECENT_TRADES_KEPT)],
        ["hset", keys.market(symbol), "last_trade", trade],
    ]
    return _market_fact(v, announce_as, writes, quote=True)


def _leaves_book(v: Value, announce_as: str | None, status: str) -> list[Write]:
    symbol, side, order_id = v["symbol"], v["side"], v["order_id"]
    unrest = [
        "unrest",
        keys.order(order_id),
        keys.open_orders(v["account_id"]),
        order_id,
        keys.depth(symbol, side),
        keys.depth_quantities(symbol, side),
    ]
    closed = _status(order_id, CLOSED, status, reason=v["reason"])
    return _market_fact(v, announce_as, [_order_identity(v), unrest, closed], quote=True)


def _order_cancelled(v: Value, announce_as: str | None) -> list[Write]:
    return _leaves_book(v, announce_as, "cancelled")


def _order_expired(v: Value, announce_as: str | None) -> list[Write]:
    return _leaves_book(v, announce_as, "expired")


def _order_rejected(v: Value, announce_as: str | None) -> list[Write]:
    closed = _status(
        v["order_id"], CLOSED, "rejected", reason_code=v["reason_code"], reason=v["reason"]
    )
    return _market_fact(v, announce_as, [_order_identity(v), closed])


def _cancel_refusal(v: Value) -> list[Write]:
    """The refusal on the order, if it is the refusing account's own (see above)."""
    if not names_own_order(v):
        return []
    envelope = v["envelope"]
    return [
        [
            "hset_latest",
            keys.order(v["order_id"]),
            "cancel_rejected_at",
            str(envelope["recorded_at"]),
            "cancel_rejected_event_id",
            envelope["event_id"],
            "cancel_rejected_code",
            v["reason_code"],
            "cancel_rejected_reason",
            v["reason"],
        ]
    ]


def _cancel_rejected(v: Value, announce_as: str | None) -> list[Write]:
    return _market_fact(v, announce_as, _cancel_refusal(v))


def _admin_rejected(v: Value, announce_as: str | None) -> list[Write]:
    return _market_fact(v, announce_as, [])


def _order_accepted(v: Value, _announce_as: str | None) -> list[Write]:
    details = {
        "order_id": v["order_id"],
        "account_id": v["account_id"],
        "client_order_id": v["client_order_id"],
        "symbol": v["symbol"],
        "side": v["side"],
        "order_type": v["order_type"],
        "time_in_force": v["time_in_force"],
        "quantity": v["quantity"],
        "price": v["price"],
        "cash_limit": v["cash_limit"],
        "accepted_at": v["envelope"]["occurred_at"],
    }
    order_id = v["order_id"]
    return [_hset(keys.order(order_id), details), _status(order_id, ACCEPTED, "accepted")]


def _cancel_requested(v: Value, _announce_as: str | None) -> list[Write]:
    return [_hset(keys.order(v["order_id"]), {"cancel_requested": 1})]


def _order_filled(v: Value, _announce_as: str | None) -> list[Write]:
    # Counted once per trade, even if the processor wrote the fill twice.
    order_id = v["order_id"]
    return [
        ["guard_once", keys.order_trades(order_id), v["trade_id"]],
        _order_identity(v),
        ["hincrby", keys.order(order_id), "filled", str(v["quantity"])],
        _status(order_id, PARTIALLY_FILLED, "partially_filled"),
    ]


def _order_closed(v: Value, _announce_as: str | None) -> list[Write]:
    return [_order_identity(v), _status(v["order_id"], CLOSED, v["reason"])]


def _balance_changed(v: Value, _announce_as: str | None) -> list[Write]:
    balance = _json({"available": v["available"], "reserved": v["reserved"]})
    return [["hset", keys.balances(v["account_id"]), v["asset"], balance]]


def _command_rejected(v: Value, _announce_as: str | None) -> list[Write]:
    rejection = _payload(v)
    rejection["occurred_at"] = v["envelope"]["occurred_at"]
    writes: list[Write] = [
        [
            "lpush_capped",
            keys.rejections(v["account_id"]),
            _json(rejection),
            str(keys.REJECTIONS_KEPT),
        ]
    ]
    order_id = v["order_id"]
    if not order_id:
        return writes
    if v["command_type"] == "CancelOrder":
        return writes + _cancel_refusal(v)
    if closes_the_order(v):
        identity = {
            "order_id": order_id,
            "account_id": v["account_id"],
            "client_order_id": v["client_order_id"],
        }
        writes.append(_hset(keys.order(order_id), identity))
        closed = _status(
            order_id, CLOSED, "rejected", reason_code=v["reason_code"], reason=v["reason"]
        )
        writes.append(closed)
    return writes


_HANDLERS: dict[type[Record], Handler] = {
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
