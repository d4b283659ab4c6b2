"""The music projection against the real log: the stories' records, sealed
as a producer seals them, on this test's own topics (three partitions each),
projected live by the real projector into Redis and chDB, then replayed into
a fresh namespace: the charts hold no deleted play and the views none either,
the playlist is the stage's, and verify finds live and rebuilt equal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from infra.settings import Settings
from projections.clickhouse import open_clickhouse
from projections.music import keys
from streams.music.playlist_state import visible_items
from tests.integration.projections.story_log import (
    produce_story,
    project_to_end,
    replay_and_verify,
    story_topics,
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


@pytest.fixture
def log_topics(projection_settings: Settings, namespace: str) -> Iterator[dict[str, str]]:
    with story_topics(
        projection_settings, namespace, (CATALOG, PLAYS, LISTENS, PLAYLISTS)
    ) as names:
        yield names


def test_music_projects_live_and_replays_equal(
    projection_settings: Settings,
    redis_client: redis.Redis,
    namespace: str,
    log_topics: dict[str, str],
) -> None:
    settings = projection_settings
    produced = produce_story(settings, log_topics, story().steps + playlist_story().steps)
    project_to_end(settings, namespace, log_topics, produced)

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

    replay_and_verify(settings, namespace, log_topics, produced)
