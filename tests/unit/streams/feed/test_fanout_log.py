"""The fan-out stage's state on its changelog: one part per follower, written
as the engine writes parts (the touched ones, at the end of each batch) and
kept as compaction keeps them, restores a bucket that hashes and fans out
exactly as the live one; a follow writes one part, a post none."""

from __future__ import annotations

import random

import pytest

from schemas.envelope import Record
from schemas.feed import FanOutDelete, FanOutPost, FollowerAdded, FollowerRemoved
from streams.feed.fanout_decide import decide, new_state
from streams.feed.fanout_log import PRESENT, FanoutLog
from tests.unit.streams.exchange.changelog import Changelog
from tests.unit.streams.feed.feed_records import sealed

LOG = FanoutLog()
KEY = "alice/5"
WHERE = {"author": "alice", "bucket": 5}


def _session(seed: int, steps: int = 300) -> list[Record]:
    rng = random.Random(seed)
    records: list[Record] = []
    for n in range(steps):
        roll = rng.random()
        follower = f"m{rng.randint(0, 80)}"
        if roll < 0.55:
            records.append(sealed(FollowerAdded, **WHERE, follower=follower))
        elif roll < 0.8:
            records.append(sealed(FollowerRemoved, **WHERE, follower=follower))
        elif roll < 0.95:
            records.append(sealed(FanOutPost, **WHERE, post_id=f"p{n}", published_at_ms=n))
        else:
            records.append(sealed(FanOutDelete, **WHERE, post_id=f"p{n}"))
    return records


@pytest.mark.parametrize("seed", range(20))
def test_the_changelog_restores_a_bucket_that_fans_out_the_same(seed: int) -> None:
    rng = random.Random(seed)
    live = {KEY: new_state(KEY)}
    changelog = Changelog(LOG)
    for i, record in enumerate(_session(seed)):
        facts = decide(live[KEY], record)
        changelog.decided(KEY, live[KEY], record, facts)
        if rng.random() < 0.2:  # a batch ends
            changelog.commit(live)
            changelog.restore(rng, new_state, live)  # asserts each state equal
            assert LOG.parts(live[KEY]) == changelog.parts.get(KEY, {}), f"after record {i}"
    changelog.commit(live)
    restored = changelog.restore(rng, new_state, live)
    for record in _session(seed + 1000, steps=100):
        assert decide(restored[KEY], record) == decide(live[KEY], record)
    assert restored[KEY].state_hash() == live[KEY].state_hash()


def test_a_follow_writes_one_part_and_a_post_none() -> None:
    state = new_state(KEY)
    for i in range(500):
        decide(state, sealed(FollowerAdded, **WHERE, follower=f"m{i}"))
    added = sealed(FollowerAdded, **WHERE, follower="zoe")
    assert LOG.touched(state, added, decide(state, added)) == ["zoe"]
    assert LOG.entry(state, "zoe") == PRESENT
    removed = sealed(FollowerRemoved, **WHERE, follower="m7")
    assert LOG.touched(state, removed, decide(state, removed)) == ["m7"]
    assert LOG.entry(state, "m7") is None  # a tombstone
    post = sealed(FanOutPost, **WHERE, post_id="p1", published_at_ms=1)
    assert LOG.touched(state, post, decide(state, post)) == []


def test_a_restored_bucket_is_sorted_whatever_order_its_parts_come_in() -> None:
    parts = {m: PRESENT for m in ("dave", "bob", "carol")}
    assert LOG.restore(KEY, parts).followers == ["bob", "carol", "dave"]
