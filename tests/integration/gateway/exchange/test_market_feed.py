"""The public market stream over SSE, under uvicorn: anonymous, seq unbroken.

Market facts go through the projector's own writes into this test's Redis
namespace; what a reader of the stream gets names orders, never accounts,
and a refusal meant for one trader arrives bare.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest

from infra.settings import Settings
from schemas import exchange as ex
from streams.sealing import new_event_id, now_micros
from tests.integration.gateway.conftest import sse_events, unique, unique_symbol
from tests.integration.gateway.exchange.test_reads import Market, fact, listed_with_a_bid

pytestmark = pytest.mark.integration


@pytest.fixture
def feed_market(gateway_settings: Settings) -> Iterator[Market]:
    seeded = Market(gateway_settings)
    yield seeded
    seeded.client.close()


async def test_the_market_stream_names_orders_never_accounts(
    uvicorn_gateway: tuple[str, str], feed_market: Market
) -> None:
    url, secret = uvicorn_gateway
    symbol, buyer, seller, stranger = unique_symbol(), unique(), unique(), unique()
    bid, ask = new_event_id(now_micros()), new_event_id(now_micros() + 1)
    feed_market.apply(*listed_with_a_bid(symbol, buyer, bid))  # seq 1, 2
    increments = [
        fact(ex.OrderRested, order_id=ask, account_id=seller, symbol=symbol, side="sell",
             price=105, quantity=3, seq=3),
        fact(ex.TradeExecuted, trade_id=f"{symbol}-4", symbol=symbol, price=101, quantity=2,
             buy_order_id=bid, sell_order_id=ask, buy_account_id=buyer,
             sell_account_id=seller, aggressor_side="sell", seq=4),
        fact(ex.OrderCancelled, order_id=ask, account_id=seller, symbol=symbol, side="sell",
             quantity=1, reason="self_trade_prevented", seq=5),
        fact(ex.OrderRejected, order_id=bid, account_id=stranger, symbol=symbol,
             reason_code="price_off_tick", reason=f"{stranger} sent an odd price", seq=6),
        fact(ex.CancelRejected, order_id=bid, account_id=stranger, symbol=symbol,
             reason_code="order_not_open", reason=f"{stranger}'s cancel came late", seq=7),
        fact(ex.OrderExpired, order_id=bid, account_id=buyer, symbol=symbol, side="buy",
             quantity=3, reason="immediate_or_cancel", seq=8),
    ]  # fmt: skip
    headers = {"Authorization": f"Bearer {secret}"}
    async with (
        httpx.AsyncClient(base_url=url, timeout=10) as client,
        client.stream("GET", f"/v1/exchange/market/{symbol}/stream", headers=headers) as stream,
    ):
        assert stream.status_code == 200
        events = sse_events(stream.aiter_lines())
        snapshot = await asyncio.wait_for(anext(events), 5)
        assert snapshot["event"] == "snapshot" and snapshot["id"] == "2"
        feed_market.apply(*increments)
        seen = [await asyncio.wait_for(anext(events), 5) for _ in increments]

    assert [(e["event"], e["id"]) for e in seen] == [
        (type(r).__name__, str(n)) for n, r in enumerate(increments, start=3)
    ]
    for event in seen:
        for account in (buyer, seller, stranger):
            assert account not in event["data"], event
    messages = {e["event"]: json.loads(e["data"]) for e in seen}
    assert messages["OrderRested"]["event"] == {
        "symbol": symbol, "seq": 3, "order_id": ask, "side": "sell", "price": 105, "quantity": 3,
    }  # fmt: skip
    trade = messages["TradeExecuted"]["event"]
    assert (trade["buy_order_id"], trade["sell_order_id"], trade["price"]) == (bid, ask, 101)
    for refusal, seq in (("OrderRejected", 6), ("CancelRejected", 7)):
        assert messages[refusal] == {
            "symbol": symbol, "seq": seq, "type": refusal, "event": {"symbol": symbol, "seq": seq},
        }  # fmt: skip
