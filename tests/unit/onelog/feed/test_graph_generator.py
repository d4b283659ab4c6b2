"""The social-graph generator: heavy-tailed, seeded, valid, no self or double follows."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from onelog.feed.batch_commands import CREATE_MEMBER, FOLLOW, PUBLISH_POST
from onelog.feed.graph_generator import (
    GraphShape,
    batch_lines,
    follow_count,
    follower_count,
    follows,
)
from schemas.feed.records import HANDLE_PATTERN, MEMBER_ID_PATTERN

SHAPE = GraphShape(members=2_000, seed=7, posts_per_member=2)


def _followers(shape: GraphShape) -> Counter[str]:
    return Counter(line["other"] for line in batch_lines(shape) if line["command"] == FOLLOW)


def test_the_top_one_percent_hold_most_of_the_follows() -> None:
    followers = _followers(SHAPE)
    counts = sorted(followers.values(), reverse=True)
    top = sum(counts[: SHAPE.members // 100])
    assert top / sum(counts) > 0.4
    # The most followed is followed by everyone else; the median by a handful.
    assert counts[0] == SHAPE.members - 1
    assert counts[len(counts) // 2] <= 3


def test_no_self_follow_and_no_follow_twice() -> None:
    pairs = [
        (line["member"], line["other"]) for line in batch_lines(SHAPE) if line["command"] == FOLLOW
    ]
    assert all(follower != followee for follower, followee in pairs)
    assert len(pairs) == len(set(pairs)) == follow_count(SHAPE)


def test_the_same_seed_gives_the_same_lines_and_another_seed_others() -> None:
    assert list(batch_lines(SHAPE)) == list(batch_lines(SHAPE))
    other = GraphShape(members=SHAPE.members, seed=8, posts_per_member=2)
    assert list(follows(other)) != list(follows(SHAPE))
    # The counts are the law's, whatever the seed.
    assert _followers(other).most_common(1)[0][1] == SHAPE.members - 1


def test_ids_and_handles_are_valid_and_every_phase_comes_in_order() -> None:
    lines = list(batch_lines(SHAPE))
    commands = [line["command"] for line in lines]
    n, f = SHAPE.members, follow_count(SHAPE)
    assert commands == [CREATE_MEMBER] * n + [FOLLOW] * f + [PUBLISH_POST] * (2 * n)
    created = {line["member"] for line in lines[:n]}
    assert len(created) == n
    for line in lines[:n]:
        assert re.fullmatch(MEMBER_ID_PATTERN, line["member"])
        assert re.fullmatch(HANDLE_PATTERN, line["handle"])
    # Every follow and post names a created member.
    assert {line["member"] for line in lines[n:]} <= created
    assert {line["other"] for line in lines[n : n + f]} <= created
    assert all(0 < len(line["text"]) <= 500 for line in lines[n + f :])


def test_a_hundred_thousand_members_have_authors_past_the_push_limit() -> None:
    shape = GraphShape()
    assert shape.members == 100_000
    assert [follower_count(shape, i) > 10_000 for i in range(11)] == [True] * 9 + [False] * 2
    # Past 200,000 members the first few pass 100,000 followers.
    big = GraphShape(members=400_000)
    assert [follower_count(big, i) > 100_000 for i in range(4)] == [True, True, True, False]


@pytest.mark.parametrize("prefix", ["M", "a/b", "x" * 30])
def test_a_prefix_that_would_make_a_bad_handle_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError):
        GraphShape(members=10, prefix=prefix)


def test_every_line_names_a_command_the_batch_route_takes() -> None:
    from gateway.feed.commands import BATCHED

    taken = {c.name for c in BATCHED}
    assert {line["command"] for line in batch_lines(GraphShape(members=10))} <= taken
