"""GET routes of /v1/exchange: the live read model in Redis, and the market stream.

Reads are answered from projections.exchange.read.ExchangeReadModel; the
gateway only checks the caller, the parameters and turns "unknown" into 404.
An account and an order are read by keys that act for the account
(gateway/access.py); market data by any key with exchange:read.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

from pydantic import Field
from redis.asyncio.client import PubSub
from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for, owned
from gateway.exchange.commands import READ
from gateway.exchange.principal import ACCOUNT
from gateway.exchange.read_model import exchange_read_model
from gateway.exchange.requests import AccountId, OrderId, Symbol
from gateway.fields import QueryParameters
from gateway.json_response import JSONResponse
from gateway.parameters import parameters
from gateway.problems import Problem
from gateway.services import Services, admitted
from gateway.sse import KEEPALIVE, decode_message, event_stream, sse_event, subscribed_snapshot
from projections.exchange.read import ExchangeReadModel


class BookQuery(QueryParameters):
    symbol: Symbol
    depth: Annotated[int, Field(ge=1, le=100)] = 10


class TradesQuery(QueryParameters):
    symbol: Symbol
    limit: Annotated[int, Field(ge=1, le=500)] = 50


class AccountQuery(QueryParameters):
    account_id: AccountId


class OrderQuery(QueryParameters):
    order_id: OrderId


async def _read_model(request: Request) -> tuple[Services, ExchangeReadModel]:
    services, _ = await admitted(request, READ)
    return services, exchange_read_model(services)


async def book(request: Request) -> Response:
    _, model = await _read_model(request)
    query = parameters(request, BookQuery)
    snapshot = await model.book(query.symbol, depth=query.depth)
    if snapshot is None:
        raise Problem(404, "unknown-symbol", f"no order book for {query.symbol!r}")
    return JSONResponse(snapshot)


async def trades(request: Request) -> Response:
    _, model = await _read_model(request)
    query = parameters(request, TradesQuery)
    recent = await model.trades(query.symbol, limit=query.limit)
    return JSONResponse({"symbol": query.symbol, "trades": recent})


async def account(request: Request) -> Response:
    services, key = await admitted(request, READ)
    query = parameters(request, AccountQuery)
    acts_for(key, ACCOUNT, query.account_id, field="account_id", where="path")
    return JSONResponse(await exchange_read_model(services).account(query.account_id))


async def order(request: Request) -> Response:
    services, key = await admitted(request, READ)
    query = parameters(request, OrderQuery)
    stored = await exchange_read_model(services).order(query.order_id)
    found = owned(key, ACCOUNT, "order", stored, where="path")
    if found is None:
        raise Problem(404, "unknown-order", f"no order {query.order_id!r}")
    return JSONResponse(found)


async def market_stream(request: Request) -> Response:
    """SSE: a `snapshot` event (the book and its seq), then every increment the
    projector publishes with a higher seq.

    The seq check drops whatever the snapshot already contains.
    """
    services, model = await _read_model(request)
    query = parameters(request, BookQuery)
    pubsub = services.redis.pubsub()
    snapshot = await subscribed_snapshot(
        pubsub,
        model.market_channel(query.symbol),
        lambda: model.book(query.symbol, depth=query.depth),
    )
    if snapshot is None:
        raise Problem(404, "unknown-symbol", f"no order book for {query.symbol!r}")
    keepalive_s = services.config.stream_keepalive_s
    return event_stream(
        _market_events(pubsub, snapshot, keepalive_s), services.config.stream_max_s, keepalive_s
    )


async def _market_events(
    pubsub: PubSub, snapshot: dict[str, Any], keepalive_s: float
) -> AsyncGenerator[str, None]:
    last_seq = int(snapshot.get("seq") or 0)
    try:
        yield sse_event("snapshot", snapshot, last_seq)
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=keepalive_s)
            if message is None:
                yield KEEPALIVE
                continue
            increment = decode_message(message.get("data"))
            if increment is None:
                continue
            seq = increment.get("seq")
            if isinstance(seq, int):
                if seq <= last_seq:
                    continue
                last_seq = seq
            yield sse_event(str(increment.get("type") or "update"), increment, seq)
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
