"""The hybrid fan-out on the whole platform (K = ONELOG_FEED_PUSH_LIMIT, set
for the suite in tests/e2e/conftest.py): an author followed by more than K is
pulled, their post writes no timeline entry and reaches every follower by the
merge at read; one unfollow back to K pushes their next post again, with no
manual step, and brings the pulled post into the timelines (backfill)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import FEED_RULES, Platform, eventually, onelog
from tests.e2e.feed_support import Feed, open_feed, run_tag

pytestmark = pytest.mark.e2e

K = int(FEED_RULES["ONELOG_FEED_PUSH_LIMIT"])


@pytest.fixture(scope="module")
def feed(running_platform: Platform) -> Iterator[Feed]:
    with open_feed(running_platform) as opened:
        yield opened


def _delivery(feed: Feed, member: str) -> str | None:
    return (feed.member(member) or {}).get("delivery")


def _audit(feed: Feed, post_id: str) -> dict[str, object]:
    done = onelog(feed.running, "audit", "post", post_id)
    assert done.returncode == 0, done.stderr
    life: dict[str, object] = json.loads(done.stdout)
    return life


def test_a_celebrity_is_merged_at_read_then_pushed_again_below_k(feed: Feed) -> None:
    tag = run_tag()
    star, stranger = f"star-{tag}", f"x-{tag}"
    followers = [f"c{n}-{tag}" for n in range(K + 1)]
    feed.create_members([star, stranger, *followers])
    feed.follow(followers, star)
    eventually(lambda: _delivery(feed, star) == "pull", timeout=30, what="the star pulled")

    pulled = feed.post(star, "too many of you to push")
    eventually(
        lambda: all(feed.many(lambda f: pulled in feed.timeline(f), followers)),
        timeout=60,
        what="the pulled post merged into every follower's timeline",
    )
    assert pulled in feed.timeline(followers[0], "ranked")
    assert feed.timeline(stranger) == []
    life = _audit(feed, pulled)
    assert life["delivery"] == "pull" and not life["fanned_out"], life
    assert life["pulled_followers"] == K + 1, life
    # No entry written for it: the fan-out cost has no row of it.
    assert feed.fanout_entries(pulled) == 0

    # One unfollow brings the star back to K: pushed again, nobody asked for it.
    leaver, stayers = followers[0], followers[1:]
    feed.accepted(feed.http.delete(f"/v1/feed/members/{leaver}/follows/{star}"))
    eventually(lambda: _delivery(feed, star) == "push", timeout=30, what="the star pushed again")
    pushed = feed.post(star, "back to pushing")
    eventually(
        lambda: feed.fanout_entries(pushed) == K,
        timeout=60,
        what=f"the pushed post's fan-out cost at {K} entries",
    )

    def every_timeline_has_it() -> list[list[str]] | None:
        found = feed.many(feed.timeline, stayers)
        return found if all(pushed in t for t in found) else None

    timelines = eventually(
        every_timeline_has_it, timeout=60, what="the pushed post in every follower's timeline"
    )
    # The post published while pulled is still there, newest first after the new one.
    assert all(t[:2] == [pushed, pulled] for t in timelines)
    assert feed.timeline(leaver) == [] and feed.timeline(stranger) == []
    life = _audit(feed, pushed)
    assert life["delivery"] == "push" and life["timeline_entries"] == K, life
