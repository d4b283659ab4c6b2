"""The fan-out stage's state as small parts on its changelog (the StateLog of
streams/state_log.py for `BucketFollowers`).

One part per follower, its sub-key the follower's id: present while they
follow, a tombstone once they leave. So a follow writes one small record,
never the bucket's whole set, which for a celebrity may be tens of thousands
of ids; a post writes no part at all. Compaction keeps one record per
current follower.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from schemas.envelope import Record
from schemas.feed.records import FollowerAdded, FollowerRemoved
from streams.facts import Fact
from streams.feed.fanout_decide import BucketFollowers

PRESENT = b"1"


class FanoutLog:
    """Writes and restores one bucket's followers as parts. Pure."""

    def touched(self, state: BucketFollowers, cause: Record, facts: Sequence[Fact]) -> list[str]:
        if isinstance(cause, FollowerAdded | FollowerRemoved):
            return [cause.follower]
        return []

    def entry(self, state: BucketFollowers, sub_key: str) -> bytes | None:
        return PRESENT if sub_key in state else None

    def restore(self, key: str, parts: Mapping[str, bytes]) -> BucketFollowers:
        # Parts come in no order; the state keeps its followers sorted.
        return BucketFollowers(key, sorted(parts))

    def parts(self, state: BucketFollowers) -> dict[str, bytes]:
        """Every live part of `state`: what a compacted changelog holds of it."""
        return dict.fromkeys(state.followers, PRESENT)
