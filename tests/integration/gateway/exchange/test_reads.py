"""Reads from the live read model, seeded by the real exchange projection into
this test's own Redis namespace; and the SSE market stream under uvicorn."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis
import redis.asyncio as aioredis

from infra.settings import Settings
from projections.exchange.read import ExchangeReadModel
from projections.exchange.redis import redis_writes
from projections.redis_sink import RedisSink
from schemas import exchange as ex
from schemas.envelope import Record
from streams.sealing import build_record, new_event_id, now_micros
from tests.integration.gateway.conftest import Gateway, problem, sse_events, unique, unique_symbol

pytestmark = pytest.mark.integration


def fact(model: type[Record], **fields: Any) -> Record:
    now = now_micros()
    return build_record(
        model, fields, event_id=new_event_id(now), key=str(fields.get("symbol")),
        producer="matching", correlation_id=None, occurred_at=now, recorded_at=now,
    )  # fmt: skip


class Market:
    """Applies market facts through the projector's own sink, as it would."""

    def __init__(self, settings: Settings) -> None:
        self.client = redis.Redis.from_url(settings.redis_url)
        self.sink = RedisSink(self.client, settings.namespace)
        self.offset = 0

    def apply(self, *records: Record) -> None:
        for record in records:
            self.sink.apply("exchange.market", 0, [(self.offset, redis_writes(record))])
            self.offset += 1


@pytest.fixture
def market(gateway_settings: Settings) -> Iterator[Market]:
    seeded = Market(gateway_settings)
    yield seeded
    seeded.client.close()


def listed_with_a_bid(symbol: str, account: str, order_id: str) -> list[Record]:
    return [
        fact(ex.InstrumentListed, symbol=symbol, tick_size=1, lot_size=1, seq=1),
        fact(ex.OrderRested, order_id=order_id, account_id=account, symbol=symbol,
             side="buy", price=101, quantity=5, seq=2),
    ]  # fmt: skip


async def test_book_order_account_and_trades(gateway: Gateway, market: Market) -> None:
    symbol, account, order_id = unique_symbol(), unique(), new_event_id(now_micros())
    market.apply(*listed_with_a_bid(symbol, account, order_id))
    reader = gateway.key(("exchange:read",), accounts=(account,))

    book = await gateway.client.get(f"/v1/exchange/book/{symbol}", headers=reader)
    assert book.status_code == 200, book.text
    assert book.json()["seq"] == 2
    assert book.json()["bids"] == [{"price": 101, "quantity": 5}]
    assert book.json()["best_bid"] == 101

    order = await gateway.client.get(f"/v1/exchange/orders/{order_id}", headers=reader)
    assert order.status_code == 200
    assert order.json()["account_id"] == account

    acct = await gateway.client.get(f"/v1/exchange/accounts/{account}", headers=reader)
    assert acct.status_code == 200
    assert [o["order_id"] for o in acct.json()["open_orders"]] == [order_id]

    trades = await gateway.client.get(f"/v1/exchange/trades/{symbol}?limit=5", headers=reader)
    assert trades.json() == {"symbol": symbol, "trades": []}


async def test_unknown_book_and_order_are_404(gateway: Gateway) -> None:
    reader = gateway.key(("exchange:read",))
    book = await gateway.client.get(f"/v1/exchange/book/{unique_symbol()}", headers=reader)
    assert book.status_code == 404
    problem(book)
    order_id = new_event_id(now_micros())
    order = await gateway.client.get(f"/v1/exchange/orders/{order_id}", headers=reader)
    assert order.status_code == 404
    problem(order)


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/v1/exchange/book/ACME?depth=0", "depth"),
        ("/v1/exchange/book/ACME?depth=lots", "depth"),
        ("/v1/exchange/book/acme", "symbol"),
        ("/v1/exchange/trades/ACME?limit=100000", "limit"),
        ("/v1/exchange/orders/not-an-order", "order_id"),
        ("/v1/exchange/accounts/a%20b", "account_id"),
    ],
)
async def test_bad_read_parameters_are_422(gateway: Gateway, path: str, parameter: str) -> None:
    response = await gateway.client.get(path, headers=gateway.key(("exchange:read",)))
    assert response.status_code == 422
    assert problem(response)["errors"][0]["parameter"] == parameter


async def test_market_stream_sends_a_snapshot_then_newer_increments(
    uvicorn_gateway: tuple[str, str], market: Market, gateway_settings: Settings
) -> None:
    url, secret = uvicorn_gateway
    symbol, account = unique_symbol(), unique()
    market.apply(*listed_with_a_bid(symbol, account, new_event_id(now_micros())))
    # The client is never used: market_channel only names the channel.
    unused = aioredis.Redis.from_url(gateway_settings.redis_url)
    channel = ExchangeReadModel(unused, gateway_settings.namespace).market_channel(symbol)
    headers = {"Authorization": f"Bearer {secret}"}
    async with (
        httpx.AsyncClient(base_url=url, timeout=10) as client,
        client.stream("GET", f"/v1/exchange/market/{symbol}/stream", headers=headers) as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = sse_events(stream.aiter_lines())
        snapshot = await asyncio.wait_for(anext(events), 5)
        assert snapshot["event"] == "snapshot" and snapshot["id"] == "2"
        assert json.loads(snapshot["data"])["bids"] == [{"price": 101, "quantity": 5}]

        # What the snapshot already holds (a message that raced it) is skipped...
        market.client.publish(channel, json.dumps({"symbol": symbol, "seq": 2, "type": "Old"}))
        # ...and what comes after it is forwarded with its seq.
        market.apply(
            fact(ex.OrderRested, order_id=new_event_id(now_micros()), account_id=account,
                 symbol=symbol, side="sell", price=105, quantity=3, seq=3),
        )  # fmt: skip
        increment = await asyncio.wait_for(anext(events), 5)
        assert increment["event"] == "OrderRested"
        assert increment["id"] == "3"
        assert json.loads(increment["data"])["event"]["price"] == 105


async def test_market_stream_of_an_unknown_symbol_is_404(uvicorn_gateway: tuple[str, str]) -> None:
    url, secret = uvicorn_gateway
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        response = await client.get(
            f"/v1/exchange/market/{unique_symbol()}/stream",
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert response.status_code == 404
    problem(response)
