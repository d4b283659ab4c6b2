"""The feed's member stage on the batched engine and the real broker: commands
in on feed.commands; facts, hops, fan-out and engagement records out. Both
hops of a follow or a block go through the real feed.graph topic and are read
back by the same stage on the other member's partition. The stage is built
with small rules (K = 2) so a few follows cross K; a restart mid-way restores
every member from the changelog and decides as the pure core does without one."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from infra.settings import Settings
from schemas.envelope import Record
from schemas.feed import (
    AuthorDeliveryChanged,
    BackfillBucket,
    Block,
    CommandRejected,
    CreateMember,
    DeletePost,
    EditPost,
    FanOutDelete,
    FanOutPost,
    Follow,
    FollowAnswered,
    Followed,
    FollowerAdded,
    FollowerRemoved,
    MemberCreated,
    PostClosed,
    PostDeleted,
    PostEdited,
    PostOpened,
    PostPublished,
    PublishPost,
    TimelineBackfilled,
    TimelinePurged,
    Unfollow,
    Unfollowed,
)
from schemas.feed.topics import FEED_ENGAGEMENT, FEED_FACTS, FEED_FANOUT, FEED_GRAPH
from streams.engine.loop import StageLoop
from streams.feed.fanout_policy import FanoutPolicy, follower_bucket
from streams.feed.member_stage import member_stage
from streams.feed.member_state import MemberRules
from tests.support.log import LogReader, LogWriter, Seen, command, records
from tests.unit.streams.feed.member_driver import Driver

pytestmark = pytest.mark.integration

RULES = MemberRules(
    policy=FanoutPolicy(push_limit=2, buckets=4, backfill_posts=5),
    timeline_cap=50,
    post_max_chars=40,
)
STAGE = member_stage(RULES)
READY_TIMEOUT_S = 60


@contextmanager
def running(settings: Settings, worker_id: str) -> Iterator[StageLoop]:
    """The member stage's loop in a thread, ready (partitions assigned, states
    restored) before the test goes on."""
    loop = StageLoop(STAGE, dataclasses.replace(settings, worker_id=worker_id))
    thread = threading.Thread(target=loop.run, name=f"feed-member-{worker_id}")
    thread.start()
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not loop.status.ready:
            assert time.monotonic() < deadline, "the member stage did not get ready"
            assert thread.is_alive(), "the member stage's loop died"
            time.sleep(0.1)
        yield loop
    finally:
        loop.stop()
        thread.join(60)
        assert not thread.is_alive(), "the member stage's loop did not stop"


class Feed:
    """Fresh members on the real log, and what the stage wrote about them."""

    def __init__(self, settings: Settings, *names: str) -> None:
        tag = uuid.uuid4().hex[:8]
        self.ids = {name: f"{name}-{tag}" for name in names}
        self.writer = LogWriter(settings.kafka_bootstrap)
        topics = [FEED_FACTS.name, FEED_GRAPH.name, FEED_FANOUT.name, FEED_ENGAGEMENT.name]
        self.reader = LogReader(settings.kafka_bootstrap, topics, from_end=True)
        self.sent: list[tuple[type[Record], dict[str, Any]]] = []

    def send(self, model: type[Record], **payload: Any) -> None:
        self.sent.append((model, payload))
        self.writer.send(command(model, **payload))

    def _ours(self, seen: Seen) -> bool:
        ids = self.ids.values()
        fields = ("member", "other", "author", "follower")
        return any(getattr(seen.record, f, None) in ids for f in fields)

    def wait(self, done: Callable[[list[Seen]], bool], timeout: float = 60) -> list[Seen]:
        return self.reader.wait_for(self._ours, done, timeout=timeout)

    def wait_count(self, model: type[Record], n: int, **match: Any) -> list[Seen]:
        """Until at least `n` records of `model` whose fields equal `match`."""
        return self.wait(lambda seen: len(self.of(seen, model, **match)) >= n)

    @staticmethod
    def of(seen: list[Seen], model: type[Record], **match: Any) -> list[Any]:
        return [
            r for r in records(seen, model) if all(getattr(r, k) == v for k, v in match.items())
        ]

    def create(self) -> None:
        for name, member in self.ids.items():
            self.send(CreateMember, member=member, handle=name)
        self.wait_count(MemberCreated, len(self.ids))

    def close(self) -> None:
        self.reader.close()


def _rejected(feed: Feed, member: str, command_name: str, n: int = 1) -> list[str]:
    seen = feed.wait_count(CommandRejected, n, member=member, command=command_name)
    return [r.reason for r in feed.of(seen, CommandRejected, member=member, command=command_name)]


@pytest.fixture
def stage(infrastructure: Settings) -> Iterator[Settings]:
    with running(infrastructure, "member-t"):
        yield infrastructure


def test_follow_block_unfollow_and_posts_through_both_hops(stage: Settings) -> None:
    feed = Feed(stage, "ann", "bob", "cat", "dan")
    ann, bob, cat, dan = feed.ids.values()
    feed.create()

    feed.send(PublishPost, member=ann, post_id="p1-" + ann, text="first")
    feed.wait_count(PostPublished, 1, member=ann)
    feed.send(Follow, member=bob, other=ann)
    seen = feed.wait_count(Followed, 1, member=bob, other=ann)
    # The first hop on ann's key, the answer on bob's, both on the real feed.graph.
    hops = [(s.topic, type(s.record).__name__, s.record.envelope.key) for s in seen if s.record]
    assert (FEED_GRAPH.name, "FollowRequested", ann) in hops
    assert (FEED_GRAPH.name, "FollowAnswered", bob) in hops
    (answer,) = feed.of(seen, FollowAnswered, other=bob)
    assert answer.accepted and answer.delivery == "push"
    (added,) = feed.of(seen, FollowerAdded, author=ann)
    assert (added.follower, added.bucket) == (bob, follower_bucket(bob, RULES.policy))
    (backfilled,) = feed.of(seen, TimelineBackfilled, member=bob)
    assert [e.post_id for e in backfilled.entries] == ["p1-" + ann]

    feed.send(Follow, member=bob, other=ann)
    assert _rejected(feed, bob, "Follow") == ["already_following"]

    # Blocks, both ways: ann blocks cat; neither may follow the other.
    feed.send(Block, member=ann, other=cat)
    feed.send(Follow, member=cat, other=ann)
    feed.send(Follow, member=ann, other=cat)
    assert _rejected(feed, cat, "Follow") == ["blocked"]
    assert _rejected(feed, ann, "Follow") == ["blocked"]
    # A block drops the blocked member's follow: dan's edge goes, ann uncounts him.
    feed.send(Follow, member=dan, other=ann)
    feed.wait_count(Followed, 1, member=dan, other=ann)
    feed.send(Block, member=ann, other=dan)
    seen = feed.wait_count(Unfollowed, 1, member=dan, other=ann)
    assert feed.of(seen, Unfollowed, member=dan)[0].cause == "block"
    seen = feed.wait_count(FollowerRemoved, 1, author=ann, follower=dan)

    # A post fans out once per non-empty bucket: bob's only.
    p2 = "p2-" + ann
    feed.send(PublishPost, member=ann, post_id=p2, text="second")
    seen = feed.wait_count(PostOpened, 1, post_id=p2)
    time.sleep(0.5)  # anything more arrives right behind
    seen = feed.wait(lambda s: True)
    assert [(f.bucket, f.post_id) for f in feed.of(seen, FanOutPost, author=ann)] == [
        (follower_bucket(bob, RULES.policy), p2)
    ]
    (published,) = feed.of(seen, PostPublished, post_id=p2)
    assert (published.delivery, published.text) == ("push", "second")

    # Edit and delete by the author only; too long refused.
    feed.send(EditPost, member=ann, post_id=p2, actor=bob, text="not mine")
    assert _rejected(feed, ann, "EditPost") == ["not_the_author"]
    feed.send(EditPost, member=ann, post_id=p2, actor=ann, text="second, edited")
    (edited,) = feed.of(feed.wait_count(PostEdited, 1, post_id=p2), PostEdited, post_id=p2)
    assert (edited.version, edited.text) == (2, "second, edited")
    feed.send(PublishPost, member=ann, post_id="p3-" + ann, text="x" * (RULES.post_max_chars + 1))
    assert _rejected(feed, ann, "PublishPost") == ["too_long"]
    feed.send(DeletePost, member=ann, post_id=p2, actor=ann)
    seen = feed.wait_count(FanOutDelete, 1, post_id=p2)
    assert feed.of(seen, PostDeleted, post_id=p2) and feed.of(seen, PostClosed, post_id=p2)
    feed.send(DeletePost, member=ann, post_id=p2, actor=ann)
    assert _rejected(feed, ann, "DeletePost") == ["post_not_found"]

    # Unfollow: bob's edge goes, ann uncounts him and purges her posts from his timeline.
    feed.send(Unfollow, member=bob, other=ann)
    seen = feed.wait_count(TimelinePurged, 1, member=bob, author=ann)
    assert feed.of(seen, Unfollowed, member=bob, other=ann)[0].cause == "unfollow"
    assert feed.of(seen, FollowerRemoved, author=ann, follower=bob)
    (purged,) = feed.of(seen, TimelinePurged, member=bob)
    assert purged.post_ids == ["p1-" + ann]  # p2 was deleted
    feed.close()


def _followed(feed: Feed, member: str, other: str) -> None:
    feed.send(Follow, member=member, other=other)
    feed.wait_count(Followed, 1, member=member, other=other)


def test_crossing_k_and_a_restart_that_restores_every_member(infrastructure: Settings) -> None:
    feed = Feed(infrastructure, "kay", "fa", "fb", "fc")
    kay, fa, fb, fc = feed.ids.values()
    with running(infrastructure, "member-t"):
        feed.create()
        _followed(feed, fa, kay)
        _followed(feed, fb, kay)
        k1 = "k1-" + kay
        feed.send(PublishPost, member=kay, post_id=k1, text="pushed")
        seen = feed.wait_count(FanOutPost, 1, post_id=k1)
        time.sleep(0.5)
        seen = feed.wait(lambda s: True)
        buckets = {follower_bucket(f, RULES.policy) for f in (fa, fb)}
        assert {f.bucket for f in feed.of(seen, FanOutPost, post_id=k1)} == buckets
        # The third follower takes kay over K = 2: pulled, decided with that follow.
        _followed(feed, fc, kay)
        seen = feed.wait_count(AuthorDeliveryChanged, 1, member=kay)
        (changed,) = feed.of(seen, AuthorDeliveryChanged, member=kay)
        assert (changed.delivery, changed.buckets) == ("pull", [])
        (answer,) = feed.of(seen, FollowAnswered, other=fc)
        assert answer.delivery == "pull" and answer.backfill == []
        k2 = "k2-" + kay
        feed.send(PublishPost, member=kay, post_id=k2, text="pulled")
        feed.wait_count(PostPublished, 1, post_id=k2)

    with running(infrastructure, "member-t") as restarted:
        # Every member of this test is among the states the changelog restored.
        assert restarted.status.restored_states >= len(feed.ids)
        k3 = "k3-" + kay
        feed.send(PublishPost, member=kay, post_id=k3, text="still pulled")
        seen = feed.wait_count(PostPublished, 1, post_id=k3)
        assert [p.delivery for p in feed.of(seen, PostPublished, post_id=k3)] == ["pull"]
        assert not feed.of(seen, FanOutPost, post_id=k3)
        feed.send(Follow, member=fa, other=kay)
        assert _rejected(feed, fa, "Follow") == ["already_following"]
        # Back to K: pushed again, and each bucket backfilled with what was pulled.
        feed.send(Unfollow, member=fc, other=kay)
        seen = feed.wait_count(AuthorDeliveryChanged, 2, member=kay)
        back = feed.of(seen, AuthorDeliveryChanged, member=kay)[-1]
        assert (back.delivery, sorted(back.buckets)) == ("push", sorted(buckets))
        seen = feed.wait_count(BackfillBucket, len(buckets), author=kay)
        for backfill in feed.of(seen, BackfillBucket, author=kay):
            assert [e.post_id for e in backfill.entries] == [k3, k2]
        feed.send(EditPost, member=kay, post_id=k1, actor=kay, text="pushed, edited")
        (edited,) = feed.of(feed.wait_count(PostEdited, 1, post_id=k1), PostEdited)
        assert edited.version == 2
        time.sleep(0.5)  # anything more arrives right behind
        seen = feed.wait(lambda s: True)

    # The same commands through the pure core, never restarted: the same decisions.
    driver = Driver(RULES)
    for model, payload in feed.sent:
        driver.send(model, **payload)
    decided = Counter(type(s.record).__name__ for s in seen if s.record is not None)
    assert decided == Counter(kind.__name__ for kind, _ in driver.log)
    feed.close()
