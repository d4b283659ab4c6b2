"""The feed's fan-out stage, pure: one author's follower bucket, and the
timeline entries its posts become.

The state of a key "author/bucket" is that bucket's follower set, kept
sorted. FollowerAdded and FollowerRemoved change it and answer nothing; a
follower added twice is one follower, and removing one who is absent changes
nothing, so a repeated record cannot skew the set. FanOutPost, FanOutDelete
and BackfillBucket are answered on feed.timelines with the bucket's readers
in sorted order, split into records of at most READERS_PER_RECORD readers (a
celebrity's bucket may hold tens of thousands: one record each would be
megabytes); an empty bucket is answered by nothing, as it has no timeline to
write.

Every follower present when a post is decided is a reader of exactly one of
its records; one who follows later gets the post by the follow's backfill
(the member stage), not from here.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, insort
from dataclasses import dataclass, field

import orjson

from schemas.envelope import Record
from schemas.feed.records import (
    BackfillBucket,
    BucketBackfilled,
    FanOutDelete,
    FanOutPost,
    FollowerAdded,
    FollowerRemoved,
    TimelineEntriesAdded,
    TimelineEntriesRemoved,
)
from streams.facts import Fact

READERS_PER_RECORD = 1_000


@dataclass
class BucketFollowers:
    """One author's followers in one fan-out bucket, sorted, each once."""

    key: str  # "author/bucket", the stage's state key
    followers: list[str] = field(default_factory=list)

    def add(self, follower: str) -> bool:
        """Add `follower`; False if already there."""
        at = bisect_left(self.followers, follower)
        if at < len(self.followers) and self.followers[at] == follower:
            return False
        insort(self.followers, follower)
        return True

    def remove(self, follower: str) -> bool:
        """Remove `follower`; False if absent."""
        at = bisect_left(self.followers, follower)
        if at == len(self.followers) or self.followers[at] != follower:
            return False
        del self.followers[at]
        return True

    def __contains__(self, follower: object) -> bool:
        if not isinstance(follower, str):
            return False
        at = bisect_left(self.followers, follower)
        return at < len(self.followers) and self.followers[at] == follower

    def state_hash(self) -> str:
        """A digest of the whole state: a restored one must equal the live one."""
        return hashlib.sha256(orjson.dumps([self.key, self.followers])).hexdigest()


def new_state(key: str) -> BucketFollowers:
    return BucketFollowers(key)


def reader_chunks(readers: list[str], size: int = READERS_PER_RECORD) -> list[list[str]]:
    """`readers` in order, cut into consecutive lists of at most `size`."""
    return [readers[at : at + size] for at in range(0, len(readers), size)]


def decide(state: BucketFollowers, record: Record) -> list[Fact]:
    """The timeline records `record` leads to for this bucket; applies it to `state`."""
    if isinstance(record, FollowerAdded):
        state.add(record.follower)
        return []
    if isinstance(record, FollowerRemoved):
        state.remove(record.follower)
        return []
    chunks = reader_chunks(state.followers)
    if isinstance(record, FanOutPost):
        return [(TimelineEntriesAdded, {
            "author": record.author, "bucket": record.bucket, "post_id": record.post_id,
            "published_at_ms": record.published_at_ms, "readers": readers,
        }) for readers in chunks]  # fmt: skip
    if isinstance(record, FanOutDelete):
        return [(TimelineEntriesRemoved, {
            "author": record.author, "bucket": record.bucket, "post_id": record.post_id,
            "readers": readers,
        }) for readers in chunks]  # fmt: skip
    if isinstance(record, BackfillBucket):
        entries = [entry.model_dump() for entry in record.entries]
        return [(BucketBackfilled, {
            "author": record.author, "bucket": record.bucket, "entries": entries,
            "readers": readers,
        }) for readers in chunks]  # fmt: skip
    raise TypeError(f"the fan-out stage takes no {type(record).__name__}")
