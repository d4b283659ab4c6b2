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

from infra.settings import Settings
from projections.clickhouse import open_clickhouse
from tests.integration.projections.story_log import (
    produce_story,
    project_to_end,
    replay_and_verify,
    story_topics,
)
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
    with story_topics(
        projection_settings, namespace, (COMMANDS, FACTS, FANOUT, TIMELINES, REACTIONS)
    ) as names:
        yield names


def test_the_feed_projects_live_and_replays_equal(
    projection_settings: Settings,
    redis_client: redis.Redis,
    namespace: str,
    log_topics: dict[str, str],
) -> None:
    settings = projection_settings
    produced = produce_story(settings, log_topics, story().steps)
    project_to_end(settings, namespace, log_topics, produced)

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

    rebuilt = replay_and_verify(settings, namespace, log_topics, produced)
    assert redis_client.exists(rebuilt + ":feed:live:bob") == 0
    rejections: list[bytes] = redis_client.zrevrange(rebuilt + ":feed:rejections:bob", 0, -1)  # type: ignore[assignment]
    assert sorted(json.loads(r)["reason"] for r in rejections) == ["already_liked", "self"]
