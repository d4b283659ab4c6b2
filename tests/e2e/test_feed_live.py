"""Live on the whole platform: a follower's open SSE stream receives a
followee's new post within a second, numbered; after a disconnect, two more
posts, and a reconnect with Last-Event-ID, both arrive, none twice, and the
numbering goes on where it stopped."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Platform, eventually
from tests.e2e.feed_support import Feed, live_stream, open_feed, run_tag

pytestmark = pytest.mark.e2e

VISIBLE_WITHIN_S = 1.0


@pytest.fixture(scope="module")
def feed(running_platform: Platform) -> Iterator[Feed]:
    with open_feed(running_platform) as opened:
        yield opened


def test_a_live_stream_gets_new_posts_in_a_second_and_resumes_without_a_gap(feed: Feed) -> None:
    tag = run_tag()
    author, reader, stranger = f"a-{tag}", f"r-{tag}", f"s-{tag}"
    feed.create_members([author, reader, stranger])
    feed.follow([reader], author)

    with live_stream(feed.running, reader) as live:
        opened = live.ready()
        assert opened.name == "ready"
        feed.post(stranger, "not followed")  # must never show
        sent_at = time.monotonic()
        first = feed.post(author, "live one")
        (event,) = live.wait_for({first}, timeout=10)
        took = event.at - sent_at
        assert took <= VISIBLE_WITHIN_S, f"the post took {took:.3f}s to arrive"
        assert event.data["author"] == author and event.data["seq"] == opened.data["seq"] + 1
        assert event.id
        resume_from = event.id

    later = [feed.post(author, "while away 1"), feed.post(author, "while away 2")]
    eventually(lambda: feed.timeline(reader)[:2] == later[::-1], what="both projected")

    with live_stream(feed.running, reader, last_event_id=resume_from) as resumed:
        assert resumed.ready().name == "ready"
        caught_up = resumed.wait_for(set(later), timeout=10)
        time.sleep(0.5)  # anything else (a repeat, the first post again) would follow
        caught_up = resumed.posts()
        assert [e.data["post_id"] for e in caught_up] == later
        assert [e.data["seq"] for e in caught_up] == [event.data["seq"] + 1, event.data["seq"] + 2]
