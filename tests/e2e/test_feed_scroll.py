"""Scrolling back past the timeline's cap (ONELOG_FEED_TIMELINE_CAP, small for
the suite: tests/e2e/conftest.py): Redis keeps the newest entries, the older
pages come from the ClickHouse archive, and the scroll reaches the first post
with no wall and no repeat, in order, chronological and ranked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import FEED_RULES, Platform, eventually
from tests.e2e.feed_support import Feed, open_feed, run_tag

pytestmark = pytest.mark.e2e

CAP = int(FEED_RULES["ONELOG_FEED_TIMELINE_CAP"])
AUTHORS = 3
POSTS_EACH = 15  # 45 posts: more than twice the cap
PAGE = 7


@pytest.fixture(scope="module")
def feed(running_platform: Platform) -> Iterator[Feed]:
    with open_feed(running_platform) as opened:
        yield opened


def _scroll(feed: Feed, reader: str, mode: str) -> list[dict[str, Any]]:
    """Every page from the first until next_cursor is null (bounded)."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        page = feed.page(reader, mode, limit=PAGE, cursor=cursor)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError(f"no end after 100 pages: {len(items)} items")


def test_scrolling_back_past_the_cap_reaches_every_post_in_order(feed: Feed) -> None:
    tag = run_tag()
    authors, reader = [f"a{n}-{tag}" for n in range(AUTHORS)], f"r-{tag}"
    feed.create_members([*authors, reader])
    for author in authors:
        feed.follow([reader], author)
    posts = [feed.post(authors[n % AUTHORS], f"post {n}") for n in range(AUTHORS * POSTS_EACH)]
    assert len(posts) > 2 * CAP
    # Every entry archived (and so every one projected) before the scroll.
    eventually(
        lambda: (
            int(
                feed.sql(
                    "SELECT uniqExact(post_id) AS n FROM feed_timeline_entries FINAL "
                    f"WHERE reader = '{reader}'"
                )[0]["n"]
            )
            == len(posts)
        ),
        timeout=60,
        what="every entry in the archive",
    )

    chronological = _scroll(feed, reader, "chronological")
    ids = [item["post_id"] for item in chronological]
    assert len(ids) == len(set(ids)), "a post repeated"
    assert set(ids) == set(posts), f"missing: {set(posts) - set(ids)}"
    keys = [(item["published_at_ms"], item["post_id"]) for item in chronological]
    assert keys == sorted(keys, reverse=True), "out of order"

    ranked = [item["post_id"] for item in _scroll(feed, reader, "ranked")]
    assert len(ranked) == len(set(ranked)), "a post repeated in the ranked scroll"
    assert set(ranked) == set(posts)
    # Below the ranked window the feed goes on chronologically from the archive.
    assert ranked[CAP:] == ids[CAP:]
