"""The engagement stage's state as small parts on its changelog (the StateLog
of streams/state_log.py for `PostEngagement`).

Parts of one post, each orjson:

    post            [opened, author, published_at_ms, closed]
    counts          [shares, comments] (likes are the likers, counted)
    liker:<member>  present while the member likes the post, else a tombstone

So a like writes one small part, never the post's whole liker set; a post
with no reactions yet writes only `post`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from schemas.envelope import Record
from schemas.feed.records import PostClosed, PostOpened, ReactionRejected, ReactionRequested
from streams.facts import Fact
from streams.feed.engagement_decide import PostEngagement

POST = "post"
COUNTS = "counts"
LIKER = "liker:"
PRESENT = b"1"


class EngagementLog:
    """Writes and restores one post's engagement as parts. Pure."""

    def touched(self, state: PostEngagement, cause: Record, facts: Sequence[Fact]) -> list[str]:
        if isinstance(cause, PostOpened | PostClosed):
            return [POST]
        # A refused reaction changes nothing.
        if isinstance(cause, ReactionRequested) and facts and facts[0][0] is not ReactionRejected:
            if cause.reaction in ("like", "unlike"):
                return [LIKER + cause.member]
            return [COUNTS]
        return []

    def entry(self, state: PostEngagement, sub_key: str) -> bytes | None:
        # An empty part is a tombstone: restoring without it gives the same.
        if sub_key == POST:
            if not state.opened and not state.closed:
                return None
            return orjson.dumps([state.opened, state.author, state.published_at_ms, state.closed])
        if sub_key == COUNTS:
            if state.shares == 0 and state.comments == 0:
                return None
            return orjson.dumps([state.shares, state.comments])
        if sub_key.startswith(LIKER):
            return PRESENT if sub_key.removeprefix(LIKER) in state.likers else None
        raise ValueError(f"{sub_key!r} is no part of a post's engagement")

    def restore(self, key: str, parts: Mapping[str, bytes]) -> PostEngagement:
        state = PostEngagement(key)
        for sub_key, value in parts.items():
            if sub_key.startswith(LIKER):
                state.likers.add(sub_key.removeprefix(LIKER))
                continue
            data: Any = orjson.loads(value)
            if sub_key == POST:
                state.opened, state.author, state.published_at_ms, state.closed = data
            elif sub_key == COUNTS:
                state.shares, state.comments = data
            else:
                raise ValueError(f"{sub_key!r} is no part of a post's engagement")
        return state

    def parts(self, state: PostEngagement) -> dict[str, bytes]:
        """Every live part of `state`: what a compacted changelog holds of it."""
        names = [POST, COUNTS] + [LIKER + m for m in sorted(state.likers)]
        entries = {name: self.entry(state, name) for name in names}
        return {name: value for name, value in entries.items() if value is not None}
