"""The member stage's state as small parts on its changelog (the StateLog of
streams/state_log.py for `MemberState`).

Parts of one member, each orjson:

    profile             the handle (none until CreateMember)
    delivery            [delivery, pulled_since_ms] (none while push and never pulled)
    followee:<id>       1: the member follows <id>
    pending:<id>        the Follow's command id, asked of <id> and not answered yet
    blocking:<id>       1: the member blocks <id>
    blocked-by:<id>     1: <id> blocks the member, as <id>'s partition told it
    bucket:<n>          the member's follower count in fan-out bucket <n> (none at zero)
    post:<id>           [published_at_ms, version, deleted] of one recent post

A part that no longer holds anything is a tombstone, so a follow, a block or
a post writes one or two small records, never the member's whole graph. A
post the cap forgets is tombstoned from `MemberState.forgotten`, the only
trace the decide leaves of it. Member ids hold no ":" (MEMBER_ID_PATTERN),
post ids are the gateway's ULIDs, so a sub-key splits at its first ":".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from schemas.envelope import Record
from schemas.feed.records import (
    AuthorDeliveryChanged,
    Block,
    BlockNoticed,
    CreateMember,
    DeletePost,
    EditPost,
    Follow,
    FollowAnswered,
    FollowerAdded,
    FollowerRemoved,
    PublishPost,
    Unblock,
    UnblockNoticed,
    Unfollow,
)
from streams.facts import Fact
from streams.feed.member_state import MemberState, RecentPost

PROFILE = "profile"
DELIVERY = "delivery"
FOLLOWEE = "followee:"
PENDING = "pending:"
BLOCKING = "blocking:"
BLOCKED_BY = "blocked-by:"
BUCKET = "bucket:"
POST = "post:"

_PRESENT = orjson.dumps(1)
_NEVER_PULLED = ("push", 0)


class MemberLog:
    """Writes and restores one member's state as parts. Pure."""

    def touched(self, state: MemberState, cause: Record, facts: Sequence[Fact]) -> list[str]:
        parts: list[str] = []
        if isinstance(cause, CreateMember):
            parts.append(PROFILE)
        elif isinstance(cause, Follow | Unfollow | Block | Unblock):
            # The actor's first hop: its out-edge to `other` and its own block.
            # No facts: refused, nothing changed.
            if facts:
                parts += [FOLLOWEE + cause.other, PENDING + cause.other, BLOCKING + cause.other]
        elif isinstance(cause, FollowAnswered):
            # Back on the follower's partition; `member` is the followee.
            parts += [FOLLOWEE + cause.member, PENDING + cause.member]
        elif isinstance(cause, BlockNoticed):
            # Remembered even when it drops no edge (and so gives no fact).
            parts += [BLOCKED_BY + cause.member, FOLLOWEE + cause.member, PENDING + cause.member]
        elif isinstance(cause, UnblockNoticed):
            parts.append(BLOCKED_BY + cause.member)
        elif isinstance(cause, PublishPost | EditPost | DeletePost) and facts:
            parts.append(POST + cause.post_id)
            parts += [POST + post_id for post_id in state.forgotten]
        # A follow counted or uncounted here (FollowRequested, UnfollowNoticed)
        # names its bucket in its fact, and a crossing of K its delivery.
        for kind, payload in facts:
            if kind is FollowerAdded or kind is FollowerRemoved:
                parts.append(f"{BUCKET}{payload['bucket']}")
            elif kind is AuthorDeliveryChanged:
                parts.append(DELIVERY)
        return parts

    def entry(self, state: MemberState, sub_key: str) -> bytes | None:
        if sub_key == PROFILE:
            return None if state.handle is None else orjson.dumps(state.handle)
        if sub_key == DELIVERY:
            delivery = (state.delivery, state.pulled_since_ms)
            return None if delivery == _NEVER_PULLED else orjson.dumps(delivery)
        kind, _, name = sub_key.partition(":")
        if kind == "followee":
            return _PRESENT if name in state.followees else None
        if kind == "pending":
            command_id = state.pending.get(name)
            return None if command_id is None else orjson.dumps(command_id)
        if kind == "blocking":
            return _PRESENT if name in state.blocking else None
        if kind == "blocked-by":
            return _PRESENT if name in state.blocked_by else None
        if kind == "bucket":
            count = state.followers.get(int(name))
            return None if not count else orjson.dumps(count)
        if kind == "post":
            post = state.posts.get(name)
            if post is None:
                return None
            return orjson.dumps([post.published_at_ms, post.version, post.deleted])
        raise ValueError(f"{sub_key!r} is no part of a member's state")

    def restore(self, key: str, parts: Mapping[str, bytes]) -> MemberState:
        state = MemberState(key)
        posts: list[RecentPost] = []
        for sub_key, value in parts.items():
            data: Any = orjson.loads(value)
            kind, _, name = sub_key.partition(":")
            if sub_key == PROFILE:
                state.handle = data
            elif sub_key == DELIVERY:
                state.delivery, state.pulled_since_ms = data
            elif kind == "followee":
                state.followees.add(name)
            elif kind == "pending":
                state.pending[name] = data
            elif kind == "blocking":
                state.blocking.add(name)
            elif kind == "blocked-by":
                state.blocked_by.add(name)
            elif kind == "bucket":
                state.followers[int(name)] = data
            elif kind == "post":
                posts.append(RecentPost(name, data[0], data[1], data[2]))
            else:
                raise ValueError(f"{sub_key!r} is no part of a member's state")
        # The live state holds its posts in publishing order; oldest first is
        # that order whenever the gateway's clock did not step back.
        for post in sorted(posts, key=lambda p: (p.published_at_ms, p.post_id)):
            state.posts[post.post_id] = post
        return state

    def parts(self, state: MemberState) -> dict[str, bytes]:
        """Every live part of `state`: what a compacted changelog holds of it."""
        names = [PROFILE, DELIVERY]
        names += [FOLLOWEE + m for m in state.followees] + [PENDING + m for m in state.pending]
        names += [BLOCKING + m for m in state.blocking]
        names += [BLOCKED_BY + m for m in state.blocked_by]
        names += [f"{BUCKET}{b}" for b in state.followers] + [POST + p for p in state.posts]
        entries = {name: self.entry(state, name) for name in names}
        return {name: value for name, value in entries.items() if value is not None}
