from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import redis
import redis.asyncio as aioredis

from projections.exchange.read import ExchangeReadModel
from projections.exchange.redis import redis_writes
from projections.redis_sink import RedisSink, canonical_dump, delete_namespace
from tests.unit.projections.exchange.records import trading_session

pytestmark = pytest.mark.integration


def _apply_session(sink: RedisSink) -> None:
    """Each test topic's records in order, as the projector would apply them."""
    per_topic: dict[str, list[tuple[int, list[list[str]]]]] = {}
    for topic, _, record in trading_session():
        entries = per_topic.setdefault(topic, [])
        entries.append((len(entries), redis_writes(record)))
    for topic, entries in per_topic.items():
        sink.apply(topic, 0, entries)


async def _read(redis_url: str, namespace: str) -> dict[str, Any]:
    client = aioredis.Redis.from_url(redis_url)
    try:
        model = ExchangeReadModel(client, namespace)
        return {
            "book": await model.book("ACME"),
            "trades": await model.trades("ACME", limit=10),
            "alice": await model.account("alice"),
            "bob": await model.account("bob"),
            "orders": {o: await model.order(o) for o in ("s1", "s2", "b1", "b2", "b3", "nope")},
            "unknown": await model.book("NOPE"),
        }
    finally:
        await client.aclose()


def _url(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs.get('db', 0)}"


def test_the_session_projects_to_the_expected_live_models(
    redis_client: redis.Redis, namespace: str
) -> None:
    _apply_session(RedisSink(redis_client, namespace))
    seen = asyncio.run(_read(_url(redis_client), namespace))

    book = seen["book"]
    assert isinstance(book, dict)
    assert book["bids"] == []
    assert book["asks"] == [{"price": 1010, "quantity": 3}]
    assert (book["best_bid"], book["best_ask"]) == (None, 1010)
    assert book["seq"] == 7
    assert book["last_trade"]["trade_id"] == "t2"
    assert [t["trade_id"] for t in seen["trades"]] == ["t2", "t1"]
    assert seen["unknown"] is None

    alice, bob = seen["alice"], seen["bob"]
    assert alice["balances"] == {
        "ACME": {"available": 12, "reserved": 0},
        "cash": {"available": 87_980, "reserved": 0},
    }
    assert alice["open_orders"] == []
    (open_order,) = bob["open_orders"]
    assert (open_order["order_id"], open_order["resting"], open_order["price"]) == ("s2", 3, 1010)

    orders = seen["orders"]
    status = {k: (v["status"], v["filled"]) if v else None for k, v in orders.items()}
    assert status == {
        "s1": ("filled", 10),
        "s2": ("partially_filled", 2),
        "b1": ("filled", 12),
        "b2": ("cancelled", 0),
        "b3": ("rejected", 0),
        "nope": None,
    }


def test_applying_the_same_records_again_changes_nothing(
    redis_client: redis.Redis, namespace: str
) -> None:
    sink = RedisSink(redis_client, namespace)
    _apply_session(sink)
    before = canonical_dump(redis_client, namespace)
    _apply_session(sink)
    assert canonical_dump(redis_client, namespace) == before
    assert sink.applied_offset("exchange.market", 0) == 6  # 7 market facts


def test_only_records_past_the_stored_offset_apply(
    redis_client: redis.Redis, namespace: str
) -> None:
    sink = RedisSink(redis_client, namespace)
    write = ["hincrby", "exchange:counter", "n", "1"]
    assert sink.apply("t", 0, [(0, [write]), (1, [write])]).records == 2
    applied = sink.apply("t", 0, [(1, [write]), (2, [write]), (3, [write])])
    assert (applied.records, applied.offset) == (2, 3)
    assert redis_client.hget(f"{namespace}:exchange:counter", "n") == b"4"


def test_a_fact_written_twice_at_two_offsets_counts_once(
    redis_client: redis.Redis, namespace: str
) -> None:
    sink = RedisSink(redis_client, namespace)
    trade = next(r for _, _, r in trading_session() if type(r).__name__ == "TradeExecuted")
    sink.apply("m", 0, [(0, redis_writes(trade)), (1, redis_writes(trade))])
    assert redis_client.llen(f"{namespace}:exchange:trades:ACME") == 1


def test_a_market_fact_is_published_with_its_seq(redis_client: redis.Redis, namespace: str) -> None:
    async def scenario() -> dict[str, object]:
        client = aioredis.Redis.from_url(_url(redis_client))
        pubsub = client.pubsub()
        await pubsub.subscribe(ExchangeReadModel(client, namespace).market_channel("ACME"))
        await pubsub.get_message(timeout=1)  # the subscribe confirmation
        await asyncio.to_thread(_apply_session, RedisSink(redis_client, namespace))
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await client.aclose()
        assert message is not None
        return dict(json.loads(message["data"]))

    first = asyncio.run(scenario())
    assert (first["seq"], first["type"], first["symbol"]) == (1, "InstrumentListed", "ACME")


def test_an_order_status_does_not_depend_on_which_topic_came_first(
    redis_client: redis.Redis, namespace: str
) -> None:
    """OrderCancelled (market, with a reason) and OrderClosed (fills, without)
    both close the order: either order of arrival gives the same hash. A
    rebuild interleaves topics differently from the live projector."""
    session = trading_session()
    cancelled = next(r for _, _, r in session if type(r).__name__ == "OrderCancelled")
    closed = [r for _, _, r in session if type(r).__name__ == "OrderClosed"][-1]
    dumps = []
    for suffix, first, second in (("a", cancelled, closed), ("b", closed, cancelled)):
        sink = RedisSink(redis_client, f"{namespace}_{suffix}")
        sink.apply("one", 0, [(0, redis_writes(first))])
        sink.apply("two", 0, [(0, redis_writes(second))])
        dump = canonical_dump(redis_client, f"{namespace}_{suffix}")
        dumps.append(dump["exchange:order:b2"])
        delete_namespace(redis_client, f"{namespace}_{suffix}")
    assert dumps[0] == dumps[1]
    assert '["reason","user"]' in dumps[0] and '["status","cancelled"]' in dumps[0]


def test_hset_latest_keeps_the_latest_fields_whatever_order_they_come_in(
    redis_client: redis.Redis, namespace: str
) -> None:
    def latest(at: int, event_id: str, value: str) -> list[str]:
        return ["hset_latest", "h", "at", str(at), "id", event_id, "v", value]

    writes = [
        latest(1_700_000_000_000_002, "01B", "older"),
        latest(1_700_000_000_000_005, "01B", "tie, lower id"),
        latest(1_700_000_000_000_005, "01a", "latest"),  # 'a' sorts after 'B' byte by byte
        latest(1_700_000_000_000_003, "01Z", "old"),
    ]
    kept = set()
    for n, order in enumerate(([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [1, 2, 2, 0])):
        ns = f"{namespace}_{n}"
        RedisSink(redis_client, ns).apply("t", 0, [(i, [writes[w]]) for i, w in enumerate(order)])
        kept.add(tuple(sorted(redis_client.hgetall(f"{ns}:h").items())))
        delete_namespace(redis_client, ns)
    assert kept == {((b"at", b"1700000000000005"), (b"id", b"01a"), (b"v", b"latest"))}


def test_several_partitions_apply_in_one_call_even_after_redis_forgot_the_script(
    redis_client: redis.Redis, namespace: str
) -> None:
    sink = RedisSink(redis_client, namespace)
    first = {("one", 0): [(0, [["sadd", "s", "a"]])], ("two", 1): [(0, [["sadd", "s", "b"]])]}
    assert sink.apply_all(first) == 2
    redis_client.script_flush()  # as after a Redis restart
    again = {("one", 0): [(0, [["sadd", "s", "a"]]), (1, [["hincrby", "h", "n", "1"]])]}
    assert sink.apply_all(again) == 1  # offset 0 of one:0 was applied already
    assert sink.apply_all(again) == 0
    assert redis_client.smembers(f"{namespace}:s") == {b"a", b"b"}
    assert redis_client.hget(f"{namespace}:h", "n") == b"1"
    assert sink.applied_offsets() == {"one:0": 1, "two:1": 0}
