"""The feed projection against the real log: the story's records, sealed as
a producer seals them, on this test's own topics (several partitions),
projected live by the projector into Redis (live streams included) and
chDB, then replayed into a fresh namespace: verify finds the read models
equal, and the live streams stay out of the rebuild."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import redis
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import Settings
from projections.clickhouse import open_clickhouse
from projections.replay import replay, verify
from projections.runner import ProjectorOptions, run_projector
from schemas.registry import registry
from streams.sealing import build_record, new_event_id, now_micros
from tests.unit.projections.feed.records import (
    COMMANDS,
    FACTS,
    FANOUT,
    P1_MS,
    P2_MS,
    P3_MS,
    REACTIONS,
    TIMELINES,
    story,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def log_topics(projection_settings: Settings, namespace: str) -> Iterator[dict[str, str]]:
    logical_names = (COMMANDS, FACTS, FANOUT, TIMELINES, REACTIONS)
    names = {logical: f"{namespace}.{logical}" for logical in logical_names}
    admin = AdminClient({"bootstrap.servers": projection_settings.kafka_bootstrap})
    for future in admin.create_topics([NewTopic(n, 3, 1) for n in names.values()]).values():
        future.result()
    yield names
    doomed = [*names.values(), *(f"{n}.dlq" for n in names.values())]
    existing = set(admin.list_topics(timeout=10).topics)
    if doomed := [t for t in doomed if t in existing]:
        for future in admin.delete_topics(doomed).values():
            future.result()


def _produce(settings: Settings, topics: dict[str, str]) -> int:
    producer = Producer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "acks": "all",
            "partitioner": LIBRDKAFKA_PARTITIONER,
        }
    )
    steps = story().steps
    start = now_micros()
    for n, (logical, key, record) in enumerate(steps):
        recorded_at = start + n  # rising, as one producer's clock would
        sealed = build_record(
            type(record),
            record.model_dump(exclude={"envelope"}),
            event_id=new_event_id(recorded_at),
            key=key,
            producer="test",
            correlation_id=None,
            occurred_at=None,
            recorded_at=recorded_at,
        )
        producer.produce(topics[logical], key=key.encode(), value=registry().encode(sealed))
    assert producer.flush(30) == 0
    return len(steps)


def test_the_feed_projects_live_and_replays_equal(
    projection_settings: Settings,
    redis_client: redis.Redis,
    namespace: str,
    log_topics: dict[str, str],
) -> None:
    settings = projection_settings
    produced = _produce(settings, log_topics)
    options = ProjectorOptions(namespace=namespace, topics=tuple(log_topics.values()),
                               exit_at_end=True)  # fmt: skip
    stats = run_projector(settings, options)
    assert (stats.records, stats.dead_letters) == (produced, 0)

    ns = namespace + ":"
    timeline = redis_client.zrange(ns + "feed:timeline:bob", 0, -1, withscores=True)
    assert timeline == [(b"p1", P1_MS), (b"p2", P2_MS), (b"p3", P3_MS)]
    assert redis_client.hget(ns + "feed:post:p2", "deleted") == b"1"
    assert redis_client.hget(ns + "feed:counts:p1", "likes") == b"1"
    live: list[tuple[bytes, dict[bytes, bytes]]] = redis_client.xrange(ns + "feed:live:bob")  # type: ignore[assignment]
    assert [fields[b"post_id"] for _, fields in live] == [b"p1", b"p2"]
    assert redis_client.xlen(ns + "feed:live-author:dan") == 1

    ch = open_clickhouse(settings, namespace)
    try:
        cost = ch.query_read_only(
            "SELECT post_id, entries FROM feed_fanout_per_post ORDER BY post_id"
        )
        archive = ch.query_read_only(
            "SELECT reader, post_id, source FROM feed_timeline_entries FINAL"
        )
    finally:
        ch.close()
    assert [(c["post_id"], int(c["entries"])) for c in cost] == [("p1", 2), ("p2", 2)]
    assert len(archive) == 6

    rebuilt = namespace + "_re"
    result = replay(rebuilt, None, settings=settings, topics=tuple(log_topics.values()), workers=2)
    assert (result.records, result.dead_letters) == (produced, 0)
    assert verify(namespace, rebuilt, settings=settings) == []
    assert redis_client.exists(rebuilt + ":feed:live:bob") == 0
    rejections: list[bytes] = redis_client.zrevrange(rebuilt + ":feed:rejections:bob", 0, -1)  # type: ignore[assignment]
    assert sorted(json.loads(r)["reason"] for r in rejections) == ["already_liked", "self"]
