"""The sink's `_many` ops on the real Redis: zadd_capped_many leaves every key
as zadd_capped on each would, in any order of records, and the rebuild's fold
agrees; xadd_capped_many appends one entry with the same fields to each
stream; a record read again is skipped as any other."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import pytest
import redis

from projections.redis_fold import RedisFold
from projections.redis_sink import RedisSink, Write, canonical_dump, delete_namespace

pytestmark = pytest.mark.integration

KEYS = ("t:a", "t:b", "t:c")
# (score, member, keys): ties at 20 (ordered by member), a re-add of b, and
# more members than the cap on t:a.
ADDS = (("10", "a", KEYS), ("20", "c", KEYS[:2]), ("20", "b", KEYS), ("5", "d", KEYS[::2]),
        ("30", "e", KEYS[:1]), ("20", "b", KEYS[1:]))  # fmt: skip
CAP = "3"


def _many(score: str, member: str, keys: tuple[str, ...]) -> list[Write]:
    return [["zadd_capped_many", score, member, CAP, *keys]]


def _singles(score: str, member: str, keys: tuple[str, ...]) -> list[Write]:
    return [["zadd_capped", key, score, member, CAP] for key in keys]


@pytest.fixture
def namespaces(redis_client: redis.Redis) -> Iterator[list[str]]:
    made: list[str] = []
    yield made
    for namespace in made:
        delete_namespace(redis_client, namespace)


def _fresh(made: list[str]) -> str:
    made.append("t_" + uuid.uuid4().hex[:12])
    return made[-1]


def test_zadd_capped_many_is_zadd_capped_on_each_key_in_any_order_and_the_fold_agrees(
    redis_client: redis.Redis, namespaces: list[str]
) -> None:
    dumps = set()
    for order in itertools.permutations(ADDS[:5]):
        many, singles, folded = _fresh(namespaces), _fresh(namespaces), _fresh(namespaces)
        RedisSink(redis_client, many).apply("t", 0, [(n, _many(*a)) for n, a in enumerate(order)])
        RedisSink(redis_client, singles).apply(
            "t", 0, [(n, _singles(*a)) for n, a in enumerate(order)]
        )
        fold = RedisFold()
        fold.apply_all(_many(*a) for a in order)
        fold.write(redis_client, folded)
        dump = canonical_dump(redis_client, many)
        assert dump == canonical_dump(redis_client, singles)
        assert dump == canonical_dump(redis_client, folded)
        dumps.add(tuple(sorted(dump.items())))
        for namespace in (many, singles, folded):
            delete_namespace(redis_client, namespace)
    assert dumps == {(
        ("t:a", '["zset",[["b",20.0],["c",20.0],["e",30.0]]]'),
        ("t:b", '["zset",[["a",10.0],["b",20.0],["c",20.0]]]'),
        ("t:c", '["zset",[["a",10.0],["b",20.0],["d",5.0]]]'),
    )}  # fmt: skip


def test_xadd_capped_many_appends_the_same_fields_to_each_stream(
    redis_client: redis.Redis, namespace: str
) -> None:
    sink = RedisSink(redis_client, namespace)
    entries = [
        (n, [["xadd_capped_many", "10", "2", "post_id", f"p{n}", "author", "--", "l:a", "l:b"]])
        for n in range(300)
    ]
    sink.apply("t", 0, entries)
    for key in (f"{namespace}:l:a", f"{namespace}:l:b"):
        # MAXLEN ~ trims whole macro nodes only: at least the cap stays.
        assert 10 <= redis_client.xlen(key) < 300
        newest: list[tuple[bytes, dict[bytes, bytes]]] = redis_client.xrevrange(key, count=1)  # type: ignore[assignment]
        assert newest[0][1] == {b"post_id": b"p299", b"author": b"--"}


def test_a_many_write_read_again_is_skipped_by_its_offset(
    redis_client: redis.Redis, namespace: str
) -> None:
    sink = RedisSink(redis_client, namespace)
    record: list[Write] = [
        ["zadd_capped_many", "7", "p", "5", "t:a", "t:b"],
        ["xadd_capped_many", "10", "1", "post_id", "p", "l:a", "l:b"],
    ]
    assert sink.apply("t", 0, [(4, record)]).records == 1
    assert sink.apply("t", 0, [(4, record)]).records == 0
    assert redis_client.xlen(f"{namespace}:l:a") == redis_client.xlen(f"{namespace}:l:b") == 1
    assert redis_client.zrange(f"{namespace}:t:b", 0, -1, withscores=True) == [(b"p", 7.0)]
