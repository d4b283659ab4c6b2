"""A post reaches every follower's timeline, read chronologically and ranked,
and nobody else's: not a stranger's, not a member who follows someone else,
not the author's own home feed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Platform, eventually
from tests.e2e.feed_support import Feed, open_feed, run_tag

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def feed(running_platform: Platform) -> Iterator[Feed]:
    with open_feed(running_platform) as opened:
        yield opened


def test_a_post_reaches_every_follower_and_nobody_else(feed: Feed) -> None:
    tag = run_tag()
    author, other_author = f"a-{tag}", f"o-{tag}"
    followers = [f"f{n}-{tag}" for n in range(40)]
    strangers = [f"s{n}-{tag}" for n in range(5)]
    feed.create_members([author, other_author, *followers, *strangers])
    feed.follow(followers, author)
    feed.follow(strangers[:2], other_author)  # they follow someone, not the author
    first = feed.post(author, "to my followers")
    elsewhere = feed.post(other_author, "to mine")

    def everyone_has_it(mode: str) -> bool:
        return all(feed.many(lambda f: first in feed.timeline(f, mode), followers))

    eventually(lambda: everyone_has_it("chronological"), timeout=30, what="the post everywhere")
    eventually(lambda: everyone_has_it("ranked"), timeout=30, what="the post ranked everywhere")
    eventually(
        lambda: all(feed.many(lambda s: elsewhere in feed.timeline(s), strangers[:2])),
        timeout=30,
        what="the other author's post with their followers",
    )
    # Both posts are projected by now, so nobody else can still be waiting for them.
    for mode in ("chronological", "ranked"):
        read = feed.many(lambda member, m=mode: feed.timeline(member, m), [*followers, *strangers])
        assert read == [[first]] * len(followers) + [[elsewhere]] * 2 + [[]] * 3, mode
        assert feed.timeline(author, mode) == []  # one's own posts are not one's home feed
    # Fanned out: one timeline entry per follower (the analyst's fan-out cost).
    eventually(
        lambda: feed.fanout_entries(first) == len(followers),
        timeout=30,
        what="the fan-out cost of the post",
    )
