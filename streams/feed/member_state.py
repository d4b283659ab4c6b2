"""What the feed's member stage knows of one member, between two records.

Plain data, no behaviour but small queries, so the next step (the changelog
and its round trip) can write it as it is. Every set is read in sorted order
by the rules that change it (streams/feed/member_decide.py), so replaying the
same records gives the same facts.

What a member's partition alone can know: its own out-edges (followees, and
follows asked but not yet answered), its blocks both ways (those it made, and
those it has been told of), how many followers it has in each fan-out bucket
(the count, not who: the follower sets live in the fan-out stage, split by
bucket), its delivery (push or pull), and its newest posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from streams.feed.fanout_policy import FanoutPolicy

# The design's defaults (docs/feed.md, ONELOG_FEED_*): the timeline's cap is
# also how many of an author's posts the member stage keeps.
TIMELINE_CAP = 1_000
POST_MAX_CHARS = 500


@dataclass(frozen=True)
class MemberRules:
    """The member stage's configuration: the fan-out policy, how many recent
    posts an author keeps (and a pull -> push backfill brings at most), and
    the longest post text a member may publish."""

    policy: FanoutPolicy = field(default_factory=FanoutPolicy)
    timeline_cap: int = TIMELINE_CAP
    post_max_chars: int = POST_MAX_CHARS


@dataclass
class RecentPost:
    """One of the member's posts. A deleted one stays as a tombstone while it
    is among the newest, so a retried PublishPost of it is not a new post."""

    post_id: str
    published_at_ms: int
    version: int = 1
    deleted: bool = False


@dataclass
class MemberState:
    member: str
    # None until CreateMember: a member the stage has never been told of.
    handle: str | None = None
    followees: set[str] = field(default_factory=set)
    # The followee -> the Follow's event id, asked of the followee's partition
    # and not answered yet: a second Follow meanwhile is already_following.
    pending: dict[str, str] = field(default_factory=dict)
    blocking: set[str] = field(default_factory=set)
    # Members who block this one, as their partitions have told this one.
    blocked_by: set[str] = field(default_factory=set)
    # Follower count per fan-out bucket; a bucket at zero is absent.
    followers: dict[int, int] = field(default_factory=dict)
    delivery: str = "push"  # fanout_policy.Delivery's value
    # When the member was last made pulled: a return to push backfills since.
    pulled_since_ms: int = 0
    posts: dict[str, RecentPost] = field(default_factory=dict)
    # The posts the last decide forgot (beyond the cap): not part of what the
    # member is, only what its changelog must tombstone (streams/feed/member_log.py).
    forgotten: list[str] = field(default_factory=list, compare=False, repr=False)

    @property
    def exists(self) -> bool:
        return self.handle is not None

    @property
    def follower_count(self) -> int:
        return sum(self.followers.values())

    def buckets(self) -> list[int]:
        """The non-empty follower buckets, in order: one fan-out record each."""
        return sorted(b for b, n in self.followers.items() if n > 0)

    def blocks_either_way(self, other: str) -> bool:
        return other in self.blocking or other in self.blocked_by

    def live_posts(self) -> list[RecentPost]:
        """The posts not deleted, oldest first (ties by id)."""
        kept = [p for p in self.posts.values() if not p.deleted]
        return sorted(kept, key=lambda p: (p.published_at_ms, p.post_id))
