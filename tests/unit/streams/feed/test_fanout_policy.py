"""The hybrid fan-out threshold: push at most K, pull above, crossings either way."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.feed.fanout_policy import (
    AuthorPost,
    Crossing,
    Delivery,
    FanoutPolicy,
    backfill,
    crossing,
    delivery_for,
    follow_backfills,
    follower_bucket,
)

K = 100
POLICY = FanoutPolicy(push_limit=K)
COUNTS = st.integers(min_value=0, max_value=10 * K)


def test_at_most_k_followers_is_pushed_above_is_pulled() -> None:
    assert delivery_for(0, None, POLICY) is Delivery.PUSH
    assert delivery_for(K, None, POLICY) is Delivery.PUSH
    assert delivery_for(K + 1, None, POLICY) is Delivery.PULL
    assert delivery_for(K, Delivery.PULL, POLICY) is Delivery.PUSH


def test_crossing_up_writes_no_timeline_crossing_down_backfills_every_follower() -> None:
    up = crossing("ann", Delivery.PUSH, K + 1, POLICY)
    assert up == Crossing("ann", Delivery.PUSH, Delivery.PULL)
    assert not up.backfill_followers and not up.merge_until_backfilled
    down = crossing("ann", Delivery.PULL, K, POLICY)
    assert down == Crossing("ann", Delivery.PULL, Delivery.PUSH)
    assert down.backfill_followers and down.merge_until_backfilled
    assert crossing("ann", Delivery.PUSH, K, POLICY) is None
    assert crossing("ann", Delivery.PULL, K + 1, POLICY) is None


def test_return_at_keeps_a_hovering_author_pulled_until_well_below_k() -> None:
    policy = FanoutPolicy(push_limit=K, return_at=90)
    assert delivery_for(95, Delivery.PULL, policy) is Delivery.PULL
    assert delivery_for(95, Delivery.PUSH, policy) is Delivery.PUSH
    assert delivery_for(95, None, policy) is Delivery.PUSH
    assert delivery_for(90, Delivery.PULL, policy) is Delivery.PUSH
    assert crossing("ann", Delivery.PULL, 95, policy) is None


@given(COUNTS, st.sampled_from([None, *Delivery]), st.integers(min_value=0, max_value=K))
def test_delivery_is_fixed_outside_the_band(
    count: int, was: Delivery | None, return_at: int
) -> None:
    policy = FanoutPolicy(push_limit=K, return_at=return_at)
    got = delivery_for(count, was, policy)
    if count > K:
        assert got is Delivery.PULL
    elif count <= return_at:
        assert got is Delivery.PUSH
    else:
        assert got is (was or Delivery.PUSH)


@given(st.lists(COUNTS, max_size=30), st.integers(min_value=0, max_value=K))
def test_replaying_counts_the_crossings_alternate_and_end_where_the_last_count_says(
    counts: list[int], return_at: int
) -> None:
    policy = FanoutPolicy(push_limit=K, return_at=return_at)
    delivery = Delivery.PUSH
    for count in counts:
        change = crossing("ann", delivery, count, policy)
        if change is not None:
            assert change.before is delivery and change.after is not delivery
            delivery = change.after
        assert delivery is delivery_for(count, delivery, policy)


def test_a_follower_stays_in_one_bucket_in_range() -> None:
    buckets = {follower_bucket(f"member-{i}", POLICY) for i in range(1_000)}
    assert buckets == set(range(POLICY.buckets))
    # Fixed across processes: CRC-32, not the salted hash().
    assert follower_bucket("member-1", POLICY) == 2325991474 % 16  # zlib.crc32(b"member-1")


def test_backfill_takes_the_newest_posts_since_a_time() -> None:
    posts = [AuthorPost(f"p{i}", i * 10) for i in range(6)]
    assert [post.post_id for post in backfill(posts, 3)] == ["p5", "p4", "p3"]
    assert [post.post_id for post in backfill(reversed(posts), 3)] == ["p5", "p4", "p3"]
    assert [post.post_id for post in backfill(posts, 10, since_ms=30)] == ["p5", "p4", "p3"]
    assert backfill(posts, 0) == ()


def test_a_follow_backfills_only_a_pushed_followee() -> None:
    assert follow_backfills(Delivery.PUSH)
    assert not follow_backfills(Delivery.PULL)


def test_refusals() -> None:
    with pytest.raises(ValueError, match="push_limit"):
        FanoutPolicy(push_limit=0)
    with pytest.raises(ValueError, match="buckets"):
        FanoutPolicy(buckets=True)
    with pytest.raises(ValueError, match="return_at"):
        FanoutPolicy(push_limit=10, return_at=11)
    with pytest.raises(ValueError, match="limit"):
        backfill([], -1)
