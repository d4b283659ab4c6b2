"""kill -9 of the worker (where the fan-out stage runs) while a pushed author
with K followers posts a burst: started again, every follower's timeline
holds each post exactly once; the fan-out wrote each (reader, post) entry once
(ClickHouse's archive and fan-out cost, where a record decided twice would be
a second row at another offset), and a follower's live stream, open
throughout, carries no post twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from infra import processes
from onelog import platform
from tests.e2e.conftest import FEED_RULES, Platform, eventually
from tests.e2e.feed_support import Feed, live_stream, open_feed, run_tag

pytestmark = pytest.mark.e2e

K = int(FEED_RULES["ONELOG_FEED_PUSH_LIMIT"])
BURST = 12  # below the timeline cap: every follower keeps every post
KILL_AFTER = 4


@pytest.fixture(scope="module")
def feed(running_platform: Platform) -> Iterator[Feed]:
    with open_feed(running_platform) as opened:
        yield opened


def test_kill_9_of_the_worker_mid_burst_loses_and_doubles_nothing(feed: Feed) -> None:
    settings = feed.running.settings
    tag = run_tag()
    author = f"a-{tag}"
    followers = [f"k{n}-{tag}" for n in range(K)]  # at K: still pushed
    feed.create_members([author, *followers])
    feed.follow(followers, author)
    assert (feed.member(author) or {}).get("delivery") == "push"

    with live_stream(feed.running, followers[-1]) as live:
        live.ready()
        posts = [feed.post(author, f"burst {n}") for n in range(KILL_AFTER)]
        # Mid-fan-out: the first posts' entries are being written (2,000 a post).
        assert processes.kill(settings.state_dir, platform.worker_name(1))
        posts += [feed.post(author, f"burst {n}") for n in range(KILL_AFTER, BURST)]
        worker = platform.start_worker(settings, 1)
        platform.wait_for_worker(settings, worker, 1)

        def holds_the_burst(follower: str) -> bool:
            timeline = feed.timeline(follower)
            return len(timeline) == BURST and set(timeline) == set(posts)

        eventually(
            lambda: all(feed.many(holds_the_burst, followers)),
            timeout=180,
            what="every post in every follower's timeline, once",
        )
        live.wait_for(set(posts), timeout=60)
        # Anything decided twice would reach the stream soon after the first copy.
        eventually(
            lambda: all(feed.fanout_entries(p) == K for p in posts),
            timeout=60,
            what=f"the fan-out cost of every post at {K}",
        )
        doubled = [p for p, n in Counter(live.post_ids()).items() if n > 1]
        assert not doubled, f"posts twice on the live stream: {doubled}"
        seqs = [event.data["seq"] for event in live.posts()]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs

    quoted = ", ".join(f"'{p}'" for p in posts)
    rows = feed.sql(
        "SELECT count() AS entries, uniqExact(reader, post_id) AS pairs "
        f"FROM feed_timeline_entries FINAL WHERE post_id IN ({quoted}) AND source = 'fanout'"
    )
    assert (int(rows[0]["entries"]), int(rows[0]["pairs"])) == (K * BURST, K * BURST), rows
