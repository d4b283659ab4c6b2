"""Block rules: the blocked never sees the blocker, by any route."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.feed.rejections import Rejection, explain
from streams.feed.visibility import (
    Blocks,
    Route,
    may_see,
    purge_on_block,
    refusal_to_interact,
)

MEMBERS = st.sampled_from(["ann", "bob", "cy", "dee"])
PAIRS = st.frozensets(st.tuples(MEMBERS, MEMBERS), max_size=8)


def test_the_blocked_member_sees_no_post_of_the_blocker_by_any_route() -> None:
    blocks = Blocks.of([("ann", "bob")])
    assert [may_see(blocks, "bob", "ann", route) for route in Route] == [False] * len(Route)


def test_the_blocker_drops_the_blocked_from_the_feed_but_may_open_a_post() -> None:
    blocks = Blocks.of([("ann", "bob")])
    shown = {route: may_see(blocks, "ann", "bob", route) for route in Route}
    assert shown == {
        Route.TIMELINE: False,
        Route.MERGE: False,
        Route.LIVE: False,
        Route.DIRECT: True,
    }


def test_without_blocks_everyone_sees_everyone() -> None:
    assert all(may_see(Blocks(), "bob", "ann", route) for route in Route)


def test_blocks_between_others_change_nothing() -> None:
    blocks = Blocks.of([("cy", "bob"), ("ann", "dee")])
    assert all(may_see(blocks, "bob", "ann", route) for route in Route)


@given(PAIRS, MEMBERS, MEMBERS, st.sampled_from(list(Route)))
def test_a_block_by_the_author_always_hides(
    pairs: frozenset[tuple[str, str]], reader: str, author: str, route: Route
) -> None:
    blocks = Blocks(pairs | {(author, reader)})
    assert may_see(blocks, reader, author, route) is (reader == author)


@given(PAIRS, MEMBERS)
def test_a_member_always_sees_their_own_posts(
    pairs: frozenset[tuple[str, str]], member: str
) -> None:
    assert all(may_see(Blocks(pairs), member, member, route) for route in Route)


@given(PAIRS, MEMBERS, MEMBERS)
def test_a_route_that_shows_a_post_in_the_feed_implies_a_direct_read_shows_it(
    pairs: frozenset[tuple[str, str]], reader: str, author: str
) -> None:
    blocks = Blocks(pairs)
    feed_routes = (Route.TIMELINE, Route.MERGE, Route.LIVE)
    if any(may_see(blocks, reader, author, route) for route in feed_routes):
        assert may_see(blocks, reader, author, Route.DIRECT)
    # The feed routes never disagree with one another.
    assert len({may_see(blocks, reader, author, route) for route in feed_routes}) == 1


def test_following_or_reacting_is_refused_either_way_while_blocked() -> None:
    blocks = Blocks.of([("ann", "bob")])
    assert refusal_to_interact(blocks, "bob", "ann") is Rejection.BLOCKED
    assert refusal_to_interact(blocks, "ann", "bob") is Rejection.BLOCKED
    assert refusal_to_interact(blocks, "cy", "ann") is None
    assert refusal_to_interact(blocks, "cy", "cy") is Rejection.SELF
    assert explain(Rejection.BLOCKED) == "one of the two members has blocked the other"


def test_a_block_purges_the_follow_edges_and_timelines_both_ways() -> None:
    purge = purge_on_block("ann", "bob")
    assert set(purge.edges) == {("ann", "bob"), ("bob", "ann")}
    assert set(purge.timelines) == {("ann", "bob"), ("bob", "ann")}
    with pytest.raises(ValueError, match="themselves"):
        purge_on_block("ann", "ann")


def test_every_rejection_has_a_sentence() -> None:
    assert all(explain(reason) for reason in Rejection)
