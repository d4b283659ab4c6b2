"""GET routes of /v1/exchange: the live read model in Redis, and the market stream.

Reads are answered from projections.exchange_read.ExchangeReadModel; the
gateway only checks the caller, the parameters and turns "unknown" into 404.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from redis.asyncio.client import PubSub
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from gateway.auth import authenticate
from gateway.exchange_commands import READ
from gateway.exchange_requests import AccountId, OrderId, Symbol
from gateway.parameters import parameters
from gateway.problems import Problem
from gateway.services import Services
from gateway.sse import KEEPALIVE, sse_event
from projections.exchange_read import ExchangeReadModel


class BookQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    symbol: Symbol
    depth: Annotated[int, Field(ge=1, le=100)] = 10


class TradesQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    symbol: Symbol
    limit: Annotated[int, Field(ge=1, le=500)] = 50


class AccountQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    account_id: AccountId


class OrderQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    order_id: OrderId


async def _read_model(request: Request) -> tuple[Services, ExchangeReadModel]:
    services: Services = request.state.services
    key = authenticate(request, services.api_keys, READ)
    await services.rate_limiter.enforce(key)
    return services, services.exchange


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
    _, model = await _read_model(request)
    query = parameters(request, AccountQuery)
    return JSONResponse(await model.account(query.account_id))


async def order(request: Request) -> Response:
    _, model = await _read_model(request)
    query = parameters(request, OrderQuery)
    found = await model.order(query.order_id)
    if found is None:
        raise Problem(404, "unknown-order", f"no order {query.order_id!r}")
    return JSONResponse(found)


async def market_stream(request: Request) -> Response:
    """SSE: a `snapshot` event (the book and its seq), then every increment the
    projector publishes with a higher seq.

    Subscribing before reading the snapshot closes the race between the two:
    an increment published in between arrives on the channel, and the seq
    check drops whatever the snapshot already contains.
    """
    services, model = await _read_model(request)
    query = parameters(request, BookQuery)
    pubsub = services.redis.pubsub()
    try:
        await pubsub.subscribe(model.market_channel(query.symbol))
        snapshot = await model.book(query.symbol, depth=query.depth)
    except BaseException:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        raise
    if snapshot is None:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        raise Problem(404, "unknown-symbol", f"no order book for {query.symbol!r}")
    return StreamingResponse(
        _market_events(pubsub, snapshot, services.config.stream_keepalive_s),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _market_events(
    pubsub: PubSub, snapshot: dict[str, Any], keepalive_s: float
) -> AsyncIterator[str]:
    last_seq = int(snapshot.get("seq") or 0)
    try:
        yield sse_event("snapshot", snapshot, last_seq)
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=keepalive_s)
            if message is None:
                yield KEEPALIVE
                continue
            increment = _decode(message.get("data"))
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


def _decode(data: Any) -> dict[str, Any] | None:
    # The projector publishes JSON objects; anything else is not ours to forward.
    try:
        value = json.loads(data)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None
