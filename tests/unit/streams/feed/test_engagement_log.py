"""The engagement stage's state on its changelog: a post's opening, its
counters and one part per liker, written as the engine writes parts and kept
as compaction keeps them, restore posts that hash and decide exactly as the
live ones; a like writes one small part."""

from __future__ import annotations

import random

import pytest

from schemas.envelope import Record
from schemas.feed import PostClosed, PostOpened, ReactionRequested
from streams.feed.engagement_decide import PostEngagement, decide, new_state
from streams.feed.engagement_log import COUNTS, LIKER, POST, EngagementLog
from tests.unit.streams.exchange.changelog import Changelog
from tests.unit.streams.feed.feed_records import sealed

LOG = EngagementLog()
POSTS = ("p1", "p2", "p3")


def _session(seed: int, steps: int = 300) -> list[Record]:
    rng = random.Random(seed)
    records: list[Record] = []
    for n in range(steps):
        post_id, roll = rng.choice(POSTS), rng.random()
        post = {"post_id": post_id, "author": "alice"}
        if roll < 0.08:
            records.append(sealed(PostOpened, **post, published_at_ms=n))
        elif roll < 0.1:
            records.append(sealed(PostClosed, **post))
        else:
            reaction = rng.choice(["like", "like", "unlike", "share", "comment"])
            records.append(sealed(
                ReactionRequested, **post, member=f"m{rng.randint(0, 12)}", command_id=f"c{n}",
                reaction=reaction, comment_id=f"k{n}" if reaction == "comment" else "",
                text="hi" if reaction == "comment" else "",
            ))  # fmt: skip
    return records


@pytest.mark.parametrize("seed", range(20))
def test_the_changelog_restores_posts_that_decide_the_same(seed: int) -> None:
    rng = random.Random(seed)
    live: dict[str, PostEngagement] = {}
    changelog = Changelog(LOG)
    for record in _session(seed):
        state = live.setdefault(record.envelope.key, new_state(record.envelope.key))
        changelog.decided(record.envelope.key, state, record, decide(state, record))
        if rng.random() < 0.2:  # a batch ends
            changelog.commit(live)
            changelog.restore(rng, new_state, live)  # asserts each state equal
            for key, state in live.items():
                assert LOG.parts(state) == changelog.parts.get(key, {})
    changelog.commit(live)
    restored = changelog.restore(rng, new_state, live)
    for record in _session(seed + 1000, steps=100):
        key = record.envelope.key
        again = restored.setdefault(key, new_state(key))
        assert decide(again, record) == decide(live.setdefault(key, new_state(key)), record)
    assert all(restored[k].state_hash() == live[k].state_hash() for k in live)


def test_a_like_writes_one_liker_part_and_a_rejection_writes_none() -> None:
    state = new_state("p1")
    post = {"post_id": "p1", "author": "alice"}
    opened = sealed(PostOpened, **post, published_at_ms=3)
    assert LOG.touched(state, opened, decide(state, opened)) == [POST]
    like = sealed(ReactionRequested, **post, member="bob", command_id="c1", reaction="like")
    assert LOG.touched(state, like, decide(state, like)) == [LIKER + "bob"]
    again = sealed(ReactionRequested, **post, member="bob", command_id="c2", reaction="like")
    assert LOG.touched(state, again, decide(state, again)) == []  # already_liked
    share = sealed(ReactionRequested, **post, member="bob", command_id="c3", reaction="share")
    assert LOG.touched(state, share, decide(state, share)) == [COUNTS]
    assert LOG.parts(state) == {
        POST: b'[true,"alice",3,false]', COUNTS: b"[1,0]", LIKER + "bob": b"1",
    }  # fmt: skip
