"""The exchange's live read models as the gateway reads them (Redis).

Each method reads in one MULTI/EXEC transaction, so it never sees half of a
projector batch (the projector applies a batch in one Lua script). Prices,
quantities and balances are integers (cents, shares).
"""

from __future__ import annotations

import json
from typing import Any

from projections.exchange import keys
from projections.namespaced_reads import NamespacedReads

_ORDER_INTS = (
    "quantity",
    "price",
    "cash_limit",
    "filled",
    "resting",
    "resting_price",
    "accepted_at",
    "cancel_rejected_at",
)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _int_or_none(value: Any) -> int | None:
    return None if value is None or value == b"" or value == "" else int(value)


def _hash(raw: dict[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}


class ExchangeReadModel(NamespacedReads):
    """Reads one namespace's exchange models. The client is opened by the caller."""

    def market_channel(self, symbol: str) -> str:
        """The pub/sub channel of a symbol's market facts: JSON messages with
        "symbol", "seq" (the symbol's sequence number: a gap means a missed
        message), "type" and "event"."""
        return self._key(keys.market_channel(symbol))

    async def book(self, symbol: str, depth: int = 10) -> dict[str, Any] | None:
        """Depth (aggregated quantity per price level), best bid/ask and last
        trade; None if the symbol was never seen."""
        levels = max(depth, 1) - 1
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(self._key(keys.market(symbol)))
            pipe.zrevrange(self._key(keys.depth(symbol, "buy")), 0, levels)
            pipe.hgetall(self._key(keys.depth_quantities(symbol, "buy")))
            pipe.zrange(self._key(keys.depth(symbol, "sell")), 0, levels)
            pipe.hgetall(self._key(keys.depth_quantities(symbol, "sell")))
            market_raw, bid_prices, bid_qty, ask_prices, ask_qty = await pipe.execute()
        market = _hash(market_raw)
        if not market:
            return None
        bids = _levels(bid_prices, _hash(bid_qty))
        asks = _levels(ask_prices, _hash(ask_qty))
        return {
            "symbol": symbol,
            "seq": int(market.get("seq", 0)),
            "status": market.get("status"),
            "bids": bids,
            "asks": asks,
            "best_bid": _int_or_none(market.get("best_bid")),
            "best_ask": _int_or_none(market.get("best_ask")),
            "last_trade": json.loads(market["last_trade"]) if "last_trade" in market else None,
        }

    async def trades(self, symbol: str, limit: int = 50) -> list[dict[str, Any]]:
        """The most recent trades, newest first."""
        if limit <= 0:
            return []
        raw = await self._redis.lrange(self._key(keys.trades(symbol)), 0, limit - 1)
        return [json.loads(item) for item in raw]

    async def account(self, account_id: str) -> dict[str, Any]:
        """Balances per asset ("cash" or a symbol) and the orders resting on books."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(self._key(keys.balances(account_id)))
            pipe.smembers(self._key(keys.open_orders(account_id)))
            balances_raw, open_ids = await pipe.execute()
        order_ids = sorted(_text(i) for i in open_ids)
        orders: list[dict[str, Any]] = []
        if order_ids:
            async with self._redis.pipeline(transaction=True) as pipe:
                for order_id in order_ids:
                    pipe.hgetall(self._key(keys.order(order_id)))
                for raw in await pipe.execute():
                    if raw:
                        orders.append(_order(_hash(raw)))
        balances = {asset: json.loads(value) for asset, value in _hash(balances_raw).items()}
        return {
            "account_id": account_id,
            "balances": dict(sorted(balances.items())),
            "open_orders": orders,
        }

    async def order(self, order_id: str) -> dict[str, Any] | None:
        """An order's details and status; None if no record named it yet."""
        raw = await self._redis.hgetall(self._key(keys.order(order_id)))
        return _order(_hash(raw)) if raw else None


def _levels(prices: list[Any], quantities: dict[str, str]) -> list[dict[str, int]]:
    levels = []
    for price in (_text(p) for p in prices):
        quantity = quantities.get(price)
        if quantity is not None:
            levels.append({"price": int(price), "quantity": int(quantity)})
    return levels


def _order(fields: dict[str, str]) -> dict[str, Any]:
    order: dict[str, Any] = {
        name: value for name, value in fields.items() if name not in ("rank", *_ORDER_INTS)
    }
    for name in _ORDER_INTS:
        order[name] = _int_or_none(fields.get(name))
    order["filled"] = order["filled"] or 0
    order["resting"] = order["resting"] or 0
    if order.get("price") is None and order.get("resting_price") is not None:
        order["price"] = order["resting_price"]
    order.setdefault("status", "unknown")
    return order
