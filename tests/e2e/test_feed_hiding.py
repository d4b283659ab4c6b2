"""What takes a post out of sight, on the whole platform: an unfollow hides
the followee's posts; a block hides them both ways, by every route (the
timeline, the post's own read, a like, the live stream); a deletion removes
a post from every timeline; an edit shows in every timeline at once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Platform, eventually
from tests.e2e.feed_support import Feed, live_stream, open_feed, run_tag

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def feed(running_platform: Platform) -> Iterator[Feed]:
    with open_feed(running_platform) as opened:
        yield opened


def _items(feed: Feed, reader: str) -> dict[str, dict[str, Any]]:
    return {item["post_id"]: item for item in feed.page(reader)["items"]}


def _in_every(feed: Feed, post_id: str, readers: list[str]) -> bool:
    return all(feed.many(lambda r: post_id in feed.timeline(r), readers))


def _in_none(feed: Feed, post_id: str, readers: list[str]) -> bool:
    return not any(feed.many(lambda r: post_id in feed.timeline(r), readers))


def test_unfollow_block_delete_and_edit(feed: Feed) -> None:
    tag = run_tag()
    author, blocker = f"a-{tag}", f"b-{tag}"
    leaver, stayers = f"l-{tag}", [f"r{n}-{tag}" for n in range(3)]
    feed.create_members([author, blocker, leaver, *stayers])
    feed.follow([leaver, blocker, *stayers], author)
    feed.follow([author, *stayers], blocker)
    first = feed.post(author, "before")
    blockers_post = feed.post(blocker, "mine")
    eventually(lambda: _in_every(feed, first, [leaver, blocker, *stayers]), what="first post")
    eventually(lambda: _in_every(feed, blockers_post, [author, *stayers]), what="blocker's post")

    # Unfollow: the followee's posts leave the leaver's timeline.
    feed.accepted(feed.http.delete(f"/v1/feed/members/{leaver}/follows/{author}"))
    eventually(lambda: first not in feed.timeline(leaver), what="the unfollowed post hidden")

    # Block: the blocked member (author) sees nothing of the blocker's, by any route,
    # and the blocker's feed drops the blocked member too.
    feed.accepted(feed.http.post(f"/v1/feed/members/{blocker}/blocks", json={"other": author}))
    eventually(
        lambda: blockers_post not in feed.timeline(author) and first not in feed.timeline(blocker),
        what="the block hiding both timelines",
    )
    assert feed.read_post(author, blockers_post).status_code == 404
    liked = feed.http.post(f"/v1/feed/members/{author}/likes", json={"post_id": blockers_post})
    if liked.status_code != 404:  # accepted as a wish: the stage must refuse it as blocked
        feed.accepted(liked)
        eventually(
            lambda: any(
                r["reason"] == "blocked"
                for r in feed.http.get(f"/v1/feed/members/{author}/rejections").json()["rejections"]
            ),
            what="the like refused as blocked",
        )
    assert feed.read_post(stayers[0], blockers_post).json()["likes"] == 0
    with (
        live_stream(feed.running, author) as blocked_live,
        live_stream(feed.running, stayers[0]) as control_live,
    ):
        blocked_live.ready()
        control_live.ready()
        after_block = feed.post(blocker, "not for the one I blocked")
        control_live.wait_for({after_block})
        time.sleep(1.0)  # a second more for anything the blocked stream might get
        assert after_block not in blocked_live.post_ids()
    assert after_block not in feed.timeline(author)

    # Delete: gone from every timeline, and from every direct read.
    deleted = feed.post(author, "regretted")
    eventually(lambda: _in_every(feed, deleted, stayers), what="the post to delete")
    feed.accepted(feed.http.delete(f"/v1/feed/members/{author}/posts/{deleted}"))
    eventually(lambda: _in_none(feed, deleted, stayers), what="the deletion in every timeline")
    assert {feed.read_post(r, deleted).status_code for r in stayers} == {404}

    # Edit: the body lives once, so once one timeline shows it, every one does.
    edited = feed.post(author, "draft")
    eventually(lambda: _in_every(feed, edited, stayers), what="the post to edit")
    feed.accepted(
        feed.http.patch(f"/v1/feed/members/{author}/posts/{edited}", json={"text": "final"})
    )
    eventually(
        lambda: _items(feed, stayers[0])[edited]["version"] == 2, what="the edit in a timeline"
    )
    for reader in stayers:
        assert (_items(feed, reader)[edited]["text"], _items(feed, reader)[edited]["version"]) == (
            "final",
            2,
        )
    assert edited not in feed.timeline(leaver) and edited not in feed.timeline(blocker)
