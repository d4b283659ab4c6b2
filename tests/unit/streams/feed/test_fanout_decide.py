"""The fan-out stage's pure core: a bucket's follower set, and each post,
delete and backfill answered with exactly its readers, split in records of
at most READERS_PER_RECORD."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.feed import (
    BackfillBucket,
    BucketBackfilled,
    FanOutDelete,
    FanOutPost,
    FollowerAdded,
    FollowerRemoved,
    PostOpened,
    TimelineEntriesAdded,
    TimelineEntriesRemoved,
)
from streams.facts import Fact
from streams.feed.fanout_decide import READERS_PER_RECORD, decide, new_state, reader_chunks
from tests.unit.streams.feed.feed_records import sealed

AUTHOR, BUCKET = "alice", 3
WHERE = {"author": AUTHOR, "bucket": BUCKET}


def _follow(state: Any, *followers: str) -> None:
    for follower in followers:
        assert decide(state, sealed(FollowerAdded, **WHERE, follower=follower)) == []


def _post(state: Any, post_id: str = "p1", at_ms: int = 5) -> list[Fact]:
    return decide(state, sealed(FanOutPost, **WHERE, post_id=post_id, published_at_ms=at_ms))


def test_a_post_is_answered_with_the_bucket_s_followers_in_sorted_order() -> None:
    state = new_state("alice/3")
    _follow(state, "carol", "bob", "dave")
    assert _post(state) == [(TimelineEntriesAdded, {
        **WHERE, "post_id": "p1", "published_at_ms": 5, "readers": ["bob", "carol", "dave"],
    })]  # fmt: skip


def test_a_follower_added_twice_is_one_follower_and_a_removal_of_an_absent_one_is_nothing() -> None:
    state = new_state("alice/3")
    _follow(state, "bob", "bob", "carol")
    assert decide(state, sealed(FollowerRemoved, **WHERE, follower="zed")) == []
    assert state.followers == ["bob", "carol"]
    assert decide(state, sealed(FollowerRemoved, **WHERE, follower="bob")) == []
    ((_, fact),) = _post(state)
    assert fact["readers"] == ["carol"]


def test_an_empty_bucket_answers_nothing() -> None:
    state = new_state("alice/3")
    assert _post(state) == []
    _follow(state, "bob")
    decide(state, sealed(FollowerRemoved, **WHERE, follower="bob"))
    assert _post(state) == []
    assert decide(state, sealed(FanOutDelete, **WHERE, post_id="p1")) == []
    entries = [{"post_id": "p1", "published_at_ms": 5}]
    assert decide(state, sealed(BackfillBucket, **WHERE, entries=entries)) == []


def test_a_delete_and_a_backfill_name_the_readers_of_now() -> None:
    state = new_state("alice/3")
    _follow(state, "bob", "carol")
    assert decide(state, sealed(FanOutDelete, **WHERE, post_id="p1")) == [
        (TimelineEntriesRemoved, {**WHERE, "post_id": "p1", "readers": ["bob", "carol"]})
    ]
    entries = [{"post_id": "p2", "published_at_ms": 9}, {"post_id": "p1", "published_at_ms": 5}]
    assert decide(state, sealed(BackfillBucket, **WHERE, entries=entries)) == [
        (BucketBackfilled, {**WHERE, "entries": entries, "readers": ["bob", "carol"]})
    ]


def test_a_large_bucket_is_split_in_records_of_at_most_the_limit() -> None:
    state = new_state("alice/3")
    followers = [f"m{i:05d}" for i in range(2 * READERS_PER_RECORD + 1)]
    _follow(state, *reversed(followers))
    facts = _post(state)
    assert [len(p["readers"]) for _, p in facts] == [READERS_PER_RECORD, READERS_PER_RECORD, 1]
    assert [r for _, p in facts for r in p["readers"]] == followers
    assert {(p["post_id"], p["published_at_ms"]) for _, p in facts} == {("p1", 5)}


def test_a_record_the_stage_does_not_take_is_refused() -> None:
    opened = sealed(PostOpened, post_id="p1", author=AUTHOR, published_at_ms=1)
    with pytest.raises(TypeError, match="PostOpened"):
        decide(new_state("alice/3"), opened)


@given(st.lists(st.text(min_size=1, max_size=3), max_size=50), st.integers(1, 7))
def test_chunks_keep_every_reader_once_in_order(readers: list[str], size: int) -> None:
    chunks = reader_chunks(readers, size)
    assert [r for chunk in chunks for r in chunk] == readers
    assert all(1 <= len(chunk) <= size for chunk in chunks)


# An operation on one bucket: follow or unfollow member i, follow a run of
# members at once (to reach the split), or a post.
_OPS = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 2_600)),
    st.tuples(st.just("remove"), st.integers(0, 2_600)),
    st.tuples(st.just("bulk"), st.integers(0, 2_600), st.integers(1, 1_500)),
    st.tuples(st.just("post")),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_OPS, max_size=40))
def test_every_follower_present_at_a_post_gets_it_exactly_once(ops: list[tuple[Any, ...]]) -> None:
    state = new_state("alice/3")
    present: set[str] = set()
    posts = 0
    for op in ops:
        if op[0] in ("add", "remove"):
            follower = f"m{op[1]}"
            model = FollowerAdded if op[0] == "add" else FollowerRemoved
            assert decide(state, sealed(model, **WHERE, follower=follower)) == []
            (present.add if op[0] == "add" else present.discard)(follower)
        elif op[0] == "bulk":
            _follow(state, *(f"m{i}" for i in range(op[1], op[1] + op[2])))
            present.update(f"m{i}" for i in range(op[1], op[1] + op[2]))
        else:
            posts += 1
            facts = _post(state, f"p{posts}", posts)
            readers = [r for _, p in facts for r in p["readers"]]
            assert readers == sorted(present), "each follower once, in order"
            assert all(0 < len(p["readers"]) <= READERS_PER_RECORD for _, p in facts)
            assert len(facts) == -(-len(present) // READERS_PER_RECORD)
            assert all(p["post_id"] == f"p{posts}" for _, p in facts)
