"""The music live read model is one function of the log, whatever order the
projector reads its partitions in: the stories' records, per (topic, key)
partition in log order, applied by the real sink (the Lua script) in several
interleavings give equal dumps, the rebuild's fold gives the same, and the
read model is what the stories say: charts without ann's deleted plays, the
playlist in the stage's order. Real Redis, one namespace per reading."""

from __future__ import annotations

import json
import uuid

import pytest
import redis

from projections.music import keys
from projections.music.redis import redis_writes
from projections.redis_fold import RedisFold
from projections.redis_sink import canonical_dump, delete_namespace
from streams.music.playlist_state import visible_items
from tests.integration.projections.interleaving import (
    Log,
    at_random,
    differences,
    project,
    topics_in_order,
)
from tests.unit.projections.music.records import (
    CATALOG,
    LISTENS,
    M0_MS,
    M1_MS,
    PLAYLISTS,
    PLAYS,
    playlist_story,
    story,
)

pytestmark = pytest.mark.integration

TOPICS = [CATALOG, PLAYS, LISTENS, PLAYLISTS]


def story_log() -> Log:
    log: Log = {}
    for topic, key, record in story().steps + playlist_story().steps:
        log.setdefault((topic, key), []).append(redis_writes(record, announce=False))
    return log


def _value(dump: dict[str, str], key: str) -> object:
    kind, value = json.loads(dump[key])
    return dict(value) if kind == "hash" else value


def test_every_interleaving_gives_the_same_read_model(redis_client: redis.Redis) -> None:
    log = story_log()
    readings = [topics_in_order(TOPICS), topics_in_order(TOPICS[::-1]),
                *(at_random(seed) for seed in range(6))]  # fmt: skip
    dumps = [project(redis_client, log, reading) for reading in readings]
    for dump in dumps[1:]:
        assert differences(dumps[0], dump) == {}


def test_the_read_model_is_what_the_stories_say(redis_client: redis.Redis) -> None:
    dump = project(redis_client, story_log(), at_random(3))
    m0, m1 = keys.minute_bucket(M0_MS), keys.minute_bucket(M1_MS)
    assert _value(dump, keys.chart(m0, "tracks")) == [["t1", 1.0]]
    assert keys.chart(m0, "tracks", "SE") not in dump
    assert _value(dump, keys.chart(m1, "tracks")) == [["t2", 1.0], ["t3", 1.0]]
    assert keys.track("t3") not in dump
    now = _value(dump, keys.now_playing("ann"))
    assert isinstance(now, dict) and now["playing"] == "0"
    s = playlist_story()
    assert _value(dump, keys.playlist_items("pl1")) == [
        i for i, _ in visible_items(s.states["pl1"])
    ]


def test_a_rebuild_folds_the_stories_to_the_live_read_model(redis_client: redis.Redis) -> None:
    log = story_log()
    live = project(redis_client, log, topics_in_order(TOPICS))
    fold, namespace = RedisFold(), "t_" + uuid.uuid4().hex[:12]
    try:
        for writes in (w for stream in log.values() for w in stream):
            fold.apply(writes)
        fold.write(redis_client, namespace)
        rebuilt = canonical_dump(redis_client, namespace)
    finally:
        delete_namespace(redis_client, namespace)
    assert differences(live, rebuilt) == {}
