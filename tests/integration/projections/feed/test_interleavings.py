"""The feed's live read model is one function of the log, whatever order the
projector reads its partitions in: the story's records, per (topic, key)
partition in log order, applied by the real sink in several interleavings
(each topic first or last, at random), give equal dumps, the read model the
story says, and the rebuild's fold gives the same. Real Redis, one
namespace per reading."""

from __future__ import annotations

import json
import uuid

import pytest
import redis

from projections.feed.redis import redis_writes
from projections.redis_fold import RedisFold
from projections.redis_sink import canonical_dump, delete_namespace
from tests.integration.projections.interleaving import (
    Log,
    Reading,
    at_random,
    differences,
    project,
    topics_in_order,
)
from tests.unit.projections.feed.records import (
    COMMANDS,
    FACTS,
    FANOUT,
    P1_MS,
    P2_MS,
    P3_MS,
    PUSH_MS,
    REACTIONS,
    TIMELINES,
    story,
)

pytestmark = pytest.mark.integration

TOPICS = [FACTS, FANOUT, TIMELINES, REACTIONS, COMMANDS]


def story_log(announce: bool) -> Log:
    log: Log = {}
    for topic, key, record in story().steps:
        log.setdefault((topic, key), []).append(redis_writes(record, announce))
    return log


def readings() -> list[Reading]:
    return [
        topics_in_order(TOPICS),
        topics_in_order(TOPICS[::-1]),
        *(at_random(seed) for seed in range(6)),
    ]


def _value(dump: dict[str, str], key: str) -> object:
    kind, value = json.loads(dump[key])
    return dict(value) if kind == "hash" else value


def test_every_interleaving_gives_the_same_read_model(redis_client: redis.Redis) -> None:
    log = story_log(announce=False)
    dumps = [project(redis_client, log, reading) for reading in readings()]
    for dump in dumps[1:]:
        assert differences(dumps[0], dump) == {}


def test_the_read_model_is_what_the_story_says(redis_client: redis.Redis) -> None:
    dump = project(redis_client, story_log(announce=False), at_random(7))
    ann, bob, cat, dan = (_value(dump, f"feed:member:{m}") for m in ("ann", "bob", "cat", "dan"))
    assert isinstance(ann, dict) and isinstance(bob, dict) and isinstance(cat, dict)
    assert isinstance(dan, dict)
    assert (ann["handle"], ann["followers"], ann["delivery"]) == ("ann", "1", "push")
    assert (bob["following"], cat["following"]) == ("2", "0")
    assert (dan["delivery"], dan["delivery_since_ms"], dan["followers"]) == (
        "push", str(PUSH_MS), "1",
    )  # fmt: skip
    assert _value(dump, "feed:following:bob") == ["ann", "dan"]
    assert "feed:following:cat" not in dump
    assert _value(dump, "feed:blocking:cat") == ["ann"]
    assert _value(dump, "feed:blocked-by:ann") == ["cat"]
    assert "feed:blocking:bob" not in dump and "feed:blocked-by:cat" not in dump
    # Removals are applied at read: the purge and the deletion leave the entries.
    assert _value(dump, "feed:timeline:bob") == [["p1", P1_MS], ["p2", P2_MS], ["p3", P3_MS]]
    assert _value(dump, "feed:timeline:cat") == [["p1", P1_MS], ["p2", P2_MS]]
    assert _value(dump, "feed:author-posts:dan") == [["p3", P3_MS]]
    p1, p2, p3 = (_value(dump, f"feed:post:{p}") for p in ("p1", "p2", "p3"))
    assert isinstance(p1, dict) and isinstance(p2, dict) and isinstance(p3, dict)
    assert (p1["version"], p1["text"], p1["links"], p1["deleted"]) == (
        "2",
        "p1 as edited",
        "[]",
        "0",
    )
    assert (p2["deleted"], p2["text"], p2["media"], p2["version"]) == ("1", "", "[]", "1")
    assert (p3["delivery"], p3["author"]) == ("pull", "dan")
    assert _value(dump, "feed:counts:p1") == {"likes": "1", "shares": "1", "comments": "1"}
    assert _value(dump, "feed:affinity:bob") == {"ann": "2"}
    assert _value(dump, "feed:affinity:cat") == {"ann": "1"}
    comments = _value(dump, "feed:comments:p1")
    assert isinstance(comments, list)
    assert [json.loads(c)["text"] for c in comments] == ["nice"]
    rejections = _value(dump, "feed:rejections:bob")
    assert isinstance(rejections, list)
    assert sorted(json.loads(text)["reason"] for text, _ in rejections) == ["already_liked", "self"]


def test_a_rebuild_folds_the_story_to_the_live_read_model(redis_client: redis.Redis) -> None:
    live = project(redis_client, story_log(announce=True), topics_in_order(TOPICS))
    fold, namespace = RedisFold(), "t_" + uuid.uuid4().hex[:12]
    try:
        for writes in (w for stream in story_log(announce=False).values() for w in stream):
            fold.apply(writes)
        fold.write(redis_client, namespace)
        rebuilt = canonical_dump(redis_client, namespace)
    finally:
        delete_namespace(redis_client, namespace)
    read_model = {k: v for k, v in live.items() if not k.startswith("feed:live")}
    assert set(live) - set(read_model) == {"feed:live:bob", "feed:live:cat", "feed:live-author:dan"}
    assert differences(read_model, rebuilt) == {}


def test_timelines_past_the_cap_keep_the_newest_in_any_order(redis_client: redis.Redis) -> None:
    """Two authors' buckets push into one reader past the cap, read in any order."""
    cap = 5
    log: Log = {
        (TIMELINES, f"{author}/0"): [
            [["zadd_capped", "feed:timeline:r", str(at), f"{author}{at}", str(cap)]]
            for at in range(first, 40, 3)
        ]
        for author, first in (("a", 0), ("b", 1), ("c", 2))
    }
    dumps = [project(redis_client, log, reading) for reading in readings()]
    assert all(d == dumps[0] for d in dumps)
    assert [m for m, _ in _value(dumps[0], "feed:timeline:r")] == [  # type: ignore[attr-defined]
        "a36", "a39", "b37", "c35", "c38",
    ]  # fmt: skip
