"""The music writes, pure, folded in memory as a rebuild does
(projections/redis_fold.py, which the integration tests hold equal to the
live script): the catalog, now playing, recent plays and charts of a known
story; a deletion takes the listener's plays out of every chart and their
recent plays at once; a playlist rebuilt from the facts alone lists the
stage's items; and any interleaving of the partitions gives one read model."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from projections.music import keys
from projections.music.redis import redis_writes, writes_of
from projections.projection import Projection
from projections.redis_fold import RedisFold
from schemas.envelope import Record
from schemas.music import plays as pd
from streams.music.playlist_state import visible_items
from tests.unit.projections.music.records import (
    AFTER_CUT_MS,
    M0_MS,
    M1_MS,
    Story,
    playlist_story,
    story,
)
from tests.unit.projections.numbered_records import Step


def folded(steps: list[Step]) -> RedisFold:
    fold = RedisFold()
    for _, _, record in steps:
        fold.apply(redis_writes(record, announce=False))
    return fold


def snapshot(fold: RedisFold) -> dict[str, Any]:
    """Every non-empty key as a comparable value (what Redis would hold)."""
    out: dict[str, Any] = {}
    out |= {k: dict(v) for k, v in fold.hashes.items() if v}
    out |= {k: sorted(v) for k, v in fold.sets.items() if v}
    out |= {k: list(v) for k, v in fold.lists.items() if v}
    out |= {k: list(v.ascending) for k, v in fold.capped.items() if v.ascending}
    out |= {k: sorted(v.items()) for k, v in fold.sums.items() if v}
    return out


def chart(fold: RedisFold, key: str) -> dict[str, int]:
    return {member: int(score) for member, score in fold.sums.get(key, {}).items()}


def test_the_catalog_is_a_hash_per_entry_and_a_withdrawal_leaves_no_key() -> None:
    fold = folded(story().steps)
    assert fold.hashes[keys.track("t1")] == {
        "album_id": "al1", "artist_id": "a1", "title": "Track t1", "duration_ms": "180000",
        "genres": '["pop","rock"]', "release_date": "2020-05-01", "explicit": "0",
    }  # fmt: skip
    assert fold.hashes[keys.artist("a1")] == {"name": "Ann Artist", "genres": '["pop"]'}
    assert fold.hashes[keys.album("al1")]["title"] == "First"
    assert fold.hashes[keys.track("t3")] == {}  # empty: Redis holds no key


def test_charts_count_each_play_in_its_minute_and_hour_globally_and_by_country() -> None:
    s = Story()
    s.counted("bob", "t1", "a1", M0_MS, "US", "b1")
    s.counted("eve", "t1", "a1", M0_MS + 59_999, "SE", "e1")
    s.counted("eve", "t2", "a1", M1_MS, "SE", "e1")
    fold = folded(s.steps)
    m0 = keys.minute_bucket(M0_MS)
    assert chart(fold, keys.chart(m0, "tracks")) == {"t1": 2}
    assert chart(fold, keys.chart(m0, "tracks", "SE")) == {"t1": 1}
    assert chart(fold, keys.chart(m0 + 1, "artists")) == {"a1": 1}
    hour = keys.chart_hour(keys.hour_bucket(M0_MS), "artists")
    assert hour in keys.chart_hours(M1_MS, "artists")
    assert chart(fold, hour)["a1"] >= 2


def test_a_deletion_takes_the_listeners_plays_out_of_every_chart_and_recent() -> None:
    fold = folded(story().steps)
    m0, m1 = keys.minute_bucket(M0_MS), keys.minute_bucket(M1_MS)
    assert chart(fold, keys.chart(m0, "tracks")) == {"t1": 1}  # bob's alone
    assert chart(fold, keys.chart(m0, "tracks", "SE")) == {}
    assert chart(fold, keys.chart(m1, "tracks")) == {"t3": 1, "t2": 1}  # bob's t3, ann's later t2
    assert chart(fold, keys.chart(m1, "artists", "SE")) == {"a1": 1}
    recent = [json.loads(m) for _, m in fold.capped[keys.recent("ann")].ascending]
    assert [(p["track_id"], p["started_at_ms"]) for p in recent] == [("t2", AFTER_CUT_MS)]
    assert len(fold.capped[keys.recent("bob")].ascending) == 2


def test_now_playing_shows_a_started_play_until_its_end_or_a_cut() -> None:
    steps = story().steps
    at_deletion = next(n for n, (_, _, r) in enumerate(steps)
                       if type(r).__name__ == "DeleteListeningHistory")  # fmt: skip
    before = folded(steps[:at_deletion]).hashes[keys.now_playing("ann")]
    assert (before["playing"], before["track_id"], before["device"]) == ("1", "t2", "desktop")
    after = folded(steps).hashes[keys.now_playing("ann")]
    assert (after["playing"], after["track_id"]) == ("0", "")


@pytest.mark.parametrize("seed", range(5))
def test_a_plays_end_wins_over_its_start_in_either_order_and_a_later_start_wins(seed: int) -> None:
    s = Story()
    start1 = s.play(pd.PlayStarted, listener="ann", track_id="t1", started_at_ms=M0_MS)
    end1 = s.play(pd.PlayEnded, listener="ann", track_id="t1", started_at_ms=M0_MS, ms_played=1)
    start2 = s.play(pd.PlayStarted, listener="ann", track_id="t2", started_at_ms=M1_MS)
    records = [start1, end1, start2]
    random.Random(seed).shuffle(records)
    fold = RedisFold()
    for record in records:
        fold.apply(redis_writes(record))
    now = fold.hashes[keys.now_playing("ann")]
    assert (now["playing"], now["track_id"]) == ("1", "t2")


def test_a_playlist_rebuilt_from_the_facts_lists_the_stages_items() -> None:
    s = playlist_story()
    fold = folded(s.steps)
    expected = visible_items(s.states["pl1"])
    assert list(fold.lists[keys.playlist_items("pl1")]) == [item for item, _ in expected]
    assert fold.hashes[keys.playlist_tracks("pl1")] == dict(expected)
    assert fold.hashes[keys.playlist("pl1")] == {
        "owner": "ann", "name": "Mix 2", "description": "for runs", "visibility": "private",
        "version": "13", "followers": "1",
    }  # fmt: skip
    assert fold.sets[keys.playlist_collaborators("pl1")] == {"bob"}
    assert fold.sets[keys.playlist_links("pl1")] == {"tok1"}
    assert fold.sets[keys.listener_playlists("ann")] == {"pl1"}  # she left pl2
    assert fold.sets[keys.listener_playlists("bob")] == {"pl1", "pl2"}
    assert fold.sets[keys.followed("cat")] == {"pl1"}
    assert fold.sets[keys.followed("dan")] == set()


def test_a_playlist_fact_read_again_at_a_later_offset_changes_nothing() -> None:
    steps = playlist_story().steps
    once = snapshot(folded(steps))
    repeated = [step for step in steps for _ in range(2)]
    assert snapshot(folded(repeated)) == once


def _partitions(steps: list[Step]) -> list[list[Record]]:
    by_partition: dict[tuple[str, str], list[Record]] = {}
    for topic, key, record in steps:
        by_partition.setdefault((topic, key), []).append(record)
    return list(by_partition.values())


@pytest.mark.parametrize("seed", range(20))
def test_every_interleaving_of_the_partitions_gives_one_read_model(seed: int) -> None:
    steps = story().steps + playlist_story().steps
    expected = snapshot(folded(steps))
    queues = _partitions(steps)
    rng = random.Random(seed)
    fold = RedisFold()
    while queues:
        queue = rng.choice(queues)
        fold.apply(redis_writes(queue.pop(0), announce=False))
        queues = [q for q in queues if q]
    assert snapshot(fold) == expected


def test_every_key_written_is_read_model_and_a_chart_cache_is_not() -> None:
    from projections.music import PROJECTION

    projection: Projection = PROJECTION
    steps = story().steps + playlist_story().steps
    written = {w[1] for _, _, r in steps for w in writes_of(type(r), r.model_dump(), False)}
    assert all(key.startswith(projection.redis_keys) for key in written)
    assert not keys.chart_cache("hour", 1, "tracks").startswith(projection.redis_keys)
    assert {key.split(":")[1] for key in written} == {
        "track", "artist", "album", "recent", "now-playing", "chart", "chart-hour", "playlist",
        "playlists", "followed",
    }  # fmt: skip
