"""The music projection against the real log: the stories' records, sealed
as a producer seals them, on this test's own topics (three partitions each),
projected live by the real projector into Redis and chDB, then replayed into
a fresh namespace: the charts hold no deleted play and the views none either,
the playlist is the stage's, and verify finds live and rebuilt equal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import Settings
from projections.clickhouse import open_clickhouse
from projections.music import keys
from projections.replay import replay, verify
from projections.runner import ProjectorOptions, run_projector
from schemas.registry import registry
from streams.music.playlist_state import visible_items
from streams.sealing import build_record, new_event_id, now_micros
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


@pytest.fixture
def log_topics(projection_settings: Settings, namespace: str) -> Iterator[dict[str, str]]:
    names = {logical: f"{namespace}.{logical}" for logical in (CATALOG, PLAYS, LISTENS, PLAYLISTS)}
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
    steps = story().steps + playlist_story().steps
    start = now_micros()
    for n, (logical, key, record) in enumerate(steps):
        recorded_at = start + n
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


def test_music_projects_live_and_replays_equal(
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
    m0, m1 = keys.minute_bucket(M0_MS), keys.minute_bucket(M1_MS)
    tracks_m0 = redis_client.zrange(ns + keys.chart(m0, "tracks"), 0, -1, withscores=True)
    assert tracks_m0 == [(b"t1", 1.0)]  # bob's: ann's was deleted
    assert redis_client.exists(ns + keys.chart(m0, "artists", "SE")) == 0
    artists_m1 = redis_client.zrange(ns + keys.chart(m1, "artists"), 0, -1, withscores=True)
    assert artists_m1 == [(b"a1", 1.0), (b"a2", 1.0)]
    assert redis_client.zcard(ns + keys.recent("ann")) == 1
    assert redis_client.hget(ns + keys.now_playing("ann"), "playing") == b"0"
    assert redis_client.exists(ns + keys.track("t3")) == 0
    assert redis_client.hget(ns + keys.track("t1"), "duration_ms") == b"180000"
    expected = [item.encode() for item, _ in visible_items(playlist_story().states["pl1"])]
    assert redis_client.lrange(ns + keys.playlist_items("pl1"), 0, -1) == expected

    ch = open_clickhouse(settings, namespace)
    try:
        streams = ch.query_read_only(
            "SELECT listener, track_id FROM music_streams ORDER BY listener, track_id"
        )
        royalties = ch.query_read_only(
            "SELECT artist_id, sum(streams) AS n FROM music_royalties_monthly "
            "GROUP BY artist_id ORDER BY artist_id"
        )
    finally:
        ch.close()
    assert [(r["listener"], r["track_id"]) for r in streams] == [
        ("ann", "t2"), ("bob", "t1"), ("bob", "t3"),
    ]  # fmt: skip
    assert [(r["artist_id"], int(r["n"])) for r in royalties] == [("a1", 2), ("a2", 1)]

    rebuilt = namespace + "_re"
    result = replay(rebuilt, None, settings=settings, topics=tuple(log_topics.values()), workers=2)
    assert (result.records, result.dead_letters) == (produced, 0)
    assert verify(namespace, rebuilt, settings=settings) == []
