"""The hybrid fan-out: which authors are pushed into followers' timelines and
which are pulled (merged in at read), and what changes when one crosses K.

- Push: an author with at most `push_limit` (K) followers. Each post is
  written into every follower's timeline when it is decided, one fan-out
  record per non-empty follower bucket (`follower_bucket`), so even K
  followers are written by several partitions at once.
- Pull: an author above K. A post is written once (its body, and the
  author's recent posts); each follower's read merges it in
  (streams/feed/timeline.py). A post costs the same for 10 followers or
  10 million.

No manual step at a crossing: the author's own partition counts its
followers (it decides every follow, unfollow and block that names the
author), so the follow that takes the count over K, or the unfollow that
brings it back, decides the crossing as part of the same transaction, and the
fact that records it is on the author's key, ahead of the author's next post.

- push -> pull (`Crossing.backfill_followers` False): no timeline is written.
  The author's older posts stay in followers' timelines (they were pushed
  and are still true); later ones arrive by merge; the read drops the
  duplicate id while both hold it.
- pull -> push (`backfill_followers` True): posts the author published while
  pulled are in no follower's timeline, so every follower's timeline gets
  them (`backfill`, at most the timeline's cap), one record per bucket, as a
  follow backfills. Until every bucket has done so, readers keep merging the
  author (`merge_until_backfilled`), so no post is missing in between.

`return_at` (default K) is the count at or below which a pulled author is
pushed again. Set lower, it keeps an author who hovers around K from paying a
backfill of every follower at each step across; between `return_at` and K an
author keeps the delivery they had (**open**: whether to ship with it below K).

Pure: follower counts, post times and ids are given.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Delivery(StrEnum):
    PUSH = "push"
    PULL = "pull"


@dataclass(frozen=True)
class FanoutPolicy:
    """The hybrid fan-out's configuration.

    `buckets`: how many parts an author's follower set is split into; fixed
    for the life of the log, because changing it moves followers between
    keys (**open**: re-bucketing). `backfill_posts`: how many of a followee's
    recent posts a follow brings into the follower's timeline.
    """

    push_limit: int = 10_000
    return_at: int | None = None
    buckets: int = 16
    backfill_posts: int = 20

    def __post_init__(self) -> None:
        for name in ("push_limit", "buckets", "backfill_posts"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, not {value!r}")
        if self.return_at is not None and not 0 <= self.return_at <= self.push_limit:
            raise ValueError(
                f"return_at must lie between 0 and push_limit ({self.push_limit}),"
                f" not {self.return_at!r}"
            )

    @property
    def push_again_at(self) -> int:
        return self.push_limit if self.return_at is None else self.return_at


def delivery_for(follower_count: int, was: Delivery | None, policy: FanoutPolicy) -> Delivery:
    """How an author with `follower_count` followers is delivered.

    `was`: the author's delivery before this count (None for a new author).
    Contract: above `push_limit` always PULL; at or below `push_again_at`
    always PUSH; in between, what it was (PUSH for a new author).
    """
    if follower_count > policy.push_limit:
        return Delivery.PULL
    if follower_count <= policy.push_again_at:
        return Delivery.PUSH
    return was or Delivery.PUSH


@dataclass(frozen=True)
class Crossing:
    """An author's delivery changed: what the timelines need.

    `backfill_followers`: every follower's timeline needs the author's posts
    published while pulled. `merge_until_backfilled`: readers keep merging
    the author's recent posts until every follower bucket has backfilled.
    """

    author: str
    before: Delivery
    after: Delivery

    @property
    def backfill_followers(self) -> bool:
        return self.after is Delivery.PUSH

    @property
    def merge_until_backfilled(self) -> bool:
        return self.after is Delivery.PUSH


def crossing(
    author: str, was: Delivery, follower_count: int, policy: FanoutPolicy
) -> Crossing | None:
    """The crossing that a new `follower_count` causes, or None if none."""
    after = delivery_for(follower_count, was, policy)
    return None if after is was else Crossing(author=author, before=was, after=after)


def follower_bucket(follower: str, policy: FanoutPolicy) -> int:
    """Which part of a followee's follower set holds `follower`.

    CRC-32 of the id, not `hash()`: Python salts string hashes per process,
    and every worker and every replay must put a follower in the same bucket.
    """
    return zlib.crc32(follower.encode()) % policy.buckets


@dataclass(frozen=True)
class AuthorPost:
    """One of an author's posts as the author's partition keeps it."""

    post_id: str
    published_at_ms: int


def backfill(
    posts: Iterable[AuthorPost], limit: int, since_ms: int | None = None
) -> tuple[AuthorPost, ...]:
    """The newest `limit` posts, published at or after `since_ms` if given.

    For a follow: the followee's recent posts (`since_ms` None, `limit` the
    policy's `backfill_posts`). For pull -> push: the posts published since
    the author went pulled (`limit` the timeline's cap). Newest first, ties
    by post id, so the result does not depend on the order given.
    """
    if limit < 0:
        raise ValueError(f"limit must be >= 0, not {limit!r}")
    chosen = [post for post in posts if since_ms is None or post.published_at_ms >= since_ms]
    chosen.sort(key=lambda post: (post.published_at_ms, post.post_id), reverse=True)
    return tuple(chosen[:limit])


def follow_backfills(followee_delivery: Delivery) -> bool:
    """Whether a follow writes the followee's recent posts into the follower's
    timeline: only for a pushed followee; a pulled one is merged at read."""
    return followee_delivery is Delivery.PUSH
