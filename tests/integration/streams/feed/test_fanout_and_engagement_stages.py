"""The feed's fan-out and engagement stages on the batched engine and the real
broker. The test plays the member stage by writing what it writes
(FollowerAdded, FanOutPost, ... on feed.fanout; PostOpened,
ReactionRequested, ... on feed.engagement), sealed as a producer does and
keyed by each topic's key ("author/bucket" joined); it reads feed.timelines
and feed.reactions back. The fan-out stage runs in a process of its own,
which one test kills (-9) mid-stream and starts again."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from infra.partitioning import partition_for
from infra.settings import Settings
from schemas.envelope import Record
from schemas.feed import (
    CommentAdded,
    FanOutDelete,
    FanOutPost,
    FollowerAdded,
    FollowerRemoved,
    PostClosed,
    PostLiked,
    PostOpened,
    PostShared,
    PostUnliked,
    ReactionRejected,
    ReactionRequested,
    TimelineEntriesAdded,
    TimelineEntriesRemoved,
)
from schemas.feed.topics import FEED_REACTIONS, FEED_TIMELINES
from streams.engine.loop import StageLoop
from streams.feed.engagement_stage import ENGAGEMENT_STAGE
from streams.feed.fanout_decide import READERS_PER_RECORD
from streams.feed.fanout_policy import FanoutPolicy, follower_bucket
from streams.sealing import seal_command
from tests.support.log import LogReader, LogWriter, Seen, records
from tests.support.stage_process import StageProcess

pytestmark = pytest.mark.integration

POLICY = FanoutPolicy()
FANOUT = "streams.feed.fanout_stage:FANOUT_STAGE"


def _sealed(model: type[Record], **payload: Any) -> Record:
    return seal_command(model, payload, producer="test")


@pytest.fixture(scope="module")
def fanout(infrastructure: Settings) -> Iterator[StageProcess]:
    stage = StageProcess(infrastructure, FANOUT, f"fanout-t-{uuid.uuid4().hex[:6]}")
    stage.start()
    try:
        yield stage
    finally:
        stage.stop()


@pytest.fixture(scope="module")
def engagement(infrastructure: Settings) -> Iterator[Settings]:
    settings = dataclasses.replace(infrastructure, worker_id="engagement-t")
    loop = StageLoop(ENGAGEMENT_STAGE, settings)
    thread = threading.Thread(target=loop.run, name="feed-engagement-test")
    thread.start()
    try:
        yield infrastructure
    finally:
        loop.stop()
        thread.join(60)
        assert not thread.is_alive(), "the engagement stage's loop did not stop"


class Author:
    """A fresh author on the real log; their timeline records read back."""

    def __init__(self, settings: Settings) -> None:
        self.name = f"a{uuid.uuid4().hex[:10]}"
        self.partitions = settings.partitions
        self.writer = LogWriter(settings.kafka_bootstrap)
        self.reader = LogReader(settings.kafka_bootstrap, [FEED_TIMELINES.name], from_end=True)

    def bucket(self, follower: str) -> int:
        return follower_bucket(follower, POLICY)

    def follow(self, *followers: str) -> None:
        self.writer.send(*(_sealed(FollowerAdded, author=self.name, bucket=self.bucket(f),
                                   follower=f) for f in followers))  # fmt: skip

    def unfollow(self, follower: str) -> None:
        self.writer.send(
            _sealed(FollowerRemoved, author=self.name, bucket=self.bucket(follower),
                    follower=follower)
        )  # fmt: skip

    def post(self, post_id: str, buckets: set[int], at_ms: int = 1_000) -> None:
        self.writer.send(*(_sealed(FanOutPost, author=self.name, bucket=b, post_id=post_id,
                                   published_at_ms=at_ms) for b in sorted(buckets)))  # fmt: skip

    def delete(self, post_id: str, buckets: set[int]) -> None:
        self.writer.send(*(_sealed(FanOutDelete, author=self.name, bucket=b, post_id=post_id)
                           for b in sorted(buckets)))  # fmt: skip

    def wait_readers(
        self,
        model: type[TimelineEntriesAdded | TimelineEntriesRemoved],
        wanted: dict[str, int],
        timeout: float = 90,
    ) -> dict[str, Counter[str]]:
        """post id -> how often each reader was named, once every post in
        `wanted` (post id -> readers expected) has at least that many."""

        def ours(seen: Seen) -> bool:
            return isinstance(seen.record, model) and seen.record.author == self.name

        def done(seen: list[Seen]) -> bool:
            named = Counter(r.post_id for r in records(seen, model) for _ in r.readers)
            return all(named[p] >= n for p, n in wanted.items())

        seen = self.reader.wait_for(ours, done, timeout=timeout)
        time.sleep(1)  # anything doubled would come right behind
        seen = self.reader.wait_for(ours, done, timeout=timeout)
        for s in seen:  # on the partition of its key, as the projector expects
            assert isinstance(s.record, TimelineEntriesAdded | TimelineEntriesRemoved)
            key = s.record.envelope.key
            assert key == f"{self.name}/{s.record.bucket}"
            assert s.partition == partition_for(key.encode(), self.partitions)
        readers: dict[str, Counter[str]] = {}
        for r in records(seen, model):
            assert 0 < len(r.readers) <= READERS_PER_RECORD
            readers.setdefault(r.post_id, Counter()).update(r.readers)
        return readers

    def close(self) -> None:
        self.reader.close()


def test_a_post_reaches_exactly_its_buckets_readers_and_a_delete_names_them_again(
    fanout: StageProcess, infrastructure: Settings
) -> None:
    author = Author(infrastructure)
    followers = [f"f{i:03d}-{author.name}" for i in range(40)]
    author.follow(*followers)
    author.follow(followers[0])  # twice: one follower
    author.unfollow(followers[1])
    present = set(followers) - {followers[1]}
    buckets = {author.bucket(f) for f in present}
    assert len(buckets) > 4, "the followers spread over buckets"
    author.post("p1", buckets)
    added = author.wait_readers(TimelineEntriesAdded, {"p1": len(present)})
    assert added == {"p1": Counter(present)}, "each present follower once, no one else"
    for seen in author.reader.seen:
        record = seen.record
        assert isinstance(record, TimelineEntriesAdded)
        assert record.readers == sorted(r for r in present if author.bucket(r) == record.bucket)
    author.reader.seen.clear()
    author.delete("p1", buckets)
    removed = author.wait_readers(TimelineEntriesRemoved, {"p1": len(present)})
    assert removed == {"p1": Counter(present)}
    author.close()


def test_a_fan_out_killed_mid_stream_misses_and_doubles_no_reader(
    fanout: StageProcess, infrastructure: Settings
) -> None:
    author = Author(infrastructure)
    # One bucket past the split: each post is three records of readers.
    followers = [f"c{i:05d}" for i in range(60_000)]
    crowd = sorted(f for f in followers if author.bucket(f) == 7)[: 2 * READERS_PER_RECORD + 500]
    assert len(crowd) > 2 * READERS_PER_RECORD
    author.follow(*crowd)
    posts = [f"p{n:03d}" for n in range(200)]
    author.post(posts[0], {7})
    author.wait_readers(TimelineEntriesAdded, {posts[0]: len(crowd)})  # the stage is up
    # The posts keep coming, one every few ms, while the stage dies and comes back.
    sent_all = threading.Event()

    def send_the_rest() -> None:
        for n, post_id in enumerate(posts[1:], start=1):
            author.post(post_id, {7}, at_ms=1_000 + n)
            time.sleep(0.01)
        sent_all.set()

    sender = threading.Thread(target=send_the_rest, name="posts")
    sender.start()
    try:
        time.sleep(0.5)
        fanout.kill()
        assert not sent_all.is_set(), "the kill came after the last post: not mid-stream"
        time.sleep(0.5)
        fanout.start()
    finally:
        sender.join(120)
    assert sent_all.is_set()
    wanted = dict.fromkeys(posts, len(crowd))
    added = author.wait_readers(TimelineEntriesAdded, wanted, timeout=120)
    assert sorted(added) == posts
    for post_id in posts:
        assert added[post_id] == Counter(crowd), f"{post_id}: a reader missed or doubled"
    ids = Counter(s.record.envelope.event_id for s in author.reader.seen if s.record)
    assert max(ids.values()) == 1
    author.close()


Reaction = PostLiked | PostUnliked | PostShared | CommentAdded | ReactionRejected


class Post:
    """A fresh post on feed.engagement; its reactions read back."""

    def __init__(self, settings: Settings) -> None:
        self.post_id = f"post-{uuid.uuid4().hex[:12]}"
        self.author = "alice"
        self.writer = LogWriter(settings.kafka_bootstrap)
        self.reader = LogReader(settings.kafka_bootstrap, [FEED_REACTIONS.name], from_end=True)
        self.asked = 0

    def send(self, model: type[Record], **payload: Any) -> None:
        self.writer.send(_sealed(model, post_id=self.post_id, author=self.author, **payload))

    def react(self, member: str, reaction: str, **more: Any) -> None:
        self.asked += 1
        self.send(ReactionRequested, member=member, command_id=f"cmd-{self.asked}",
                  reaction=reaction, **more)  # fmt: skip

    def answers(self, timeout: float = 60) -> list[Reaction]:
        seen = self.reader.wait_for(
            lambda s: getattr(s.record, "post_id", None) == self.post_id,
            lambda seen: len(seen) >= self.asked,
            timeout=timeout,
        )
        return [s.record for s in seen if isinstance(s.record, Reaction)]

    def close(self) -> None:
        self.reader.close()


def test_reactions_are_counted_per_member_and_a_closed_post_refuses_them(
    engagement: Settings,
) -> None:
    post = Post(engagement)
    post.react("zed", "like")  # ahead of the opening: no such post yet
    post.send(PostOpened, published_at_ms=5)
    post.react("bob", "like")
    post.react("carol", "like")
    post.react("bob", "like")
    post.react("bob", "share")
    post.react("carol", "comment", comment_id="k1", text="well put")
    post.react("carol", "unlike")
    post.react("dave", "unlike")
    post.send(PostClosed)
    post.react("erin", "like")
    answers = post.answers()
    time.sleep(1)  # anything doubled would come right behind
    answers = post.answers()
    assert len(answers) == post.asked
    kinds = [(type(a).__name__, a.member) for a in answers]
    assert kinds == [
        ("ReactionRejected", "zed"), ("PostLiked", "bob"), ("PostLiked", "carol"),
        ("ReactionRejected", "bob"), ("PostShared", "bob"), ("CommentAdded", "carol"),
        ("PostUnliked", "carol"), ("ReactionRejected", "dave"), ("ReactionRejected", "erin"),
    ]  # fmt: skip
    rejected = {(r.member, r.command, r.reason) for r in answers if isinstance(r, ReactionRejected)}
    assert rejected == {
        ("zed", "LikePost", "post_not_found"), ("bob", "LikePost", "already_liked"),
        ("dave", "UnlikePost", "not_liked"), ("erin", "LikePost", "post_not_found"),
    }  # fmt: skip
    (comment,) = [a for a in answers if isinstance(a, CommentAdded)]
    assert (comment.comment_id, comment.text, comment.author) == ("k1", "well put", "alice")
    for a in answers:
        assert a.envelope.key == post.post_id
        if isinstance(a, PostLiked | PostUnliked | PostShared):
            assert a.author == "alice"
    post.close()
