"""The sink's capped ops on the real Redis: zadd_capped keeps the `cap`
highest (score, member) whatever order the adds come in (the feed's
timelines are written from many partitions), and xadd_capped appends a live
stream entry with its fields, trimmed near the cap."""

from __future__ import annotations

import itertools
import uuid

import pytest
import redis

from projections.redis_fold import RedisFold
from projections.redis_sink import RedisSink, Write, canonical_dump, delete_namespace

pytestmark = pytest.mark.integration


def _zadds(cap: int) -> list[Write]:
    # Two ties at score 20 (Redis orders them by member), a re-add of "b".
    return [
        ["zadd_capped", "z", score, member, str(cap)]
        for score, member in (("10", "a"), ("20", "c"), ("20", "b"), ("5", "d"), ("30", "e"),
                              ("20", "b"))
    ]  # fmt: skip


def test_zadd_capped_keeps_the_highest_and_ties_by_member(
    redis_client: redis.Redis, namespace: str
) -> None:
    RedisSink(redis_client, namespace).apply("t", 0, [(0, _zadds(3))])
    kept = redis_client.zrange(f"{namespace}:z", 0, -1, withscores=True)
    assert kept == [(b"b", 20.0), (b"c", 20.0), (b"e", 30.0)]


def test_zadd_capped_gives_one_set_in_every_order_and_the_fold_agrees(
    redis_client: redis.Redis,
) -> None:
    writes = _zadds(3)[:5]
    dumps = set()
    for order in itertools.permutations(writes):
        namespace = "t_" + uuid.uuid4().hex[:12]
        try:
            sink = RedisSink(redis_client, namespace)
            sink.apply("t", 0, [(n, [w]) for n, w in enumerate(order)])
            dumps.add(canonical_dump(redis_client, namespace)["z"])
            fold, folded = RedisFold(), namespace + "_fold"
            fold.apply_all([[w] for w in order])
            fold.write(redis_client, folded)
            assert (
                canonical_dump(redis_client, folded)["z"]
                == canonical_dump(redis_client, namespace)["z"]
            )
        finally:
            delete_namespace(redis_client, namespace)
            delete_namespace(redis_client, namespace + "_fold")
    assert dumps == {'["zset",[["b",20.0],["c",20.0],["e",30.0]]]'}


def test_a_cap_of_zero_leaves_no_key(redis_client: redis.Redis, namespace: str) -> None:
    RedisSink(redis_client, namespace).apply("t", 0, [(0, [["zadd_capped", "z", "1", "a", "0"]])])
    assert redis_client.exists(f"{namespace}:z") == 0


def test_xadd_capped_appends_entries_with_their_fields_near_the_cap(
    redis_client: redis.Redis, namespace: str
) -> None:
    sink = RedisSink(redis_client, namespace)
    entries = [
        (n, [["xadd_capped", "live", "10", "post_id", f"p{n}", "author", "ann"]])
        for n in range(300)
    ]
    sink.apply("t", 0, entries)
    key = f"{namespace}:live"
    # MAXLEN ~ trims whole macro nodes only: at least the cap stays, far fewer than written.
    assert 10 <= redis_client.xlen(key) < 300
    newest: list[tuple[bytes, dict[bytes, bytes]]] = redis_client.xrevrange(key, count=1)  # type: ignore[assignment]
    assert newest[0][1] == {b"post_id": b"p299", b"author": b"ann"}


def test_a_rebuild_ignores_xadd_capped(redis_client: redis.Redis, namespace: str) -> None:
    fold = RedisFold()
    fold.apply([["xadd_capped", "live", "10", "post_id", "p"], ["hset", "h", "f", "v"]])
    fold.write(redis_client, namespace)
    assert redis_client.exists(f"{namespace}:live") == 0
    assert redis_client.hget(f"{namespace}:h", "f") == b"v"
