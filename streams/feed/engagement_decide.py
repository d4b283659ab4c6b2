"""The feed's engagement stage, pure: one post's reactions, keyed by post_id.

The state of a post: whether the author's partition opened it (PostOpened:
its author and time) and closed it (PostClosed: deleted), who likes it, and
how often it was shared and commented on. A ReactionRequested (the actor's
partition has already checked blocks) becomes PostLiked, PostUnliked,
PostShared or CommentAdded on feed.reactions, or ReactionRejected with
rejections.py's reason:

- post_not_found: the post was never opened here, was closed, or is not by
  the author the request names (the actor's partition checked blocks against
  that author, so a wrong one must not pass);
- already_liked: a like of a post the member likes;
- not_liked: an unlike of a post the member does not like.

A reaction that arrives before its post's PostOpened is refused as
post_not_found, not kept for later. The two come from different partitions
(the author's and the actor's) but land on one partition here (both keyed by
post_id), so this is only a question of order on that partition. The gateway
sends a reaction only for a post it has read from the read model (the route
takes the author from feed:post:<id>), which the projector writes from
PostPublished; the member stage writes PostPublished and PostOpened in one
transaction, so by the time any reaction is asked, PostOpened is already on
this partition, ahead of it. Contract: a producer that bypasses that check
(a batch loader, a test) may see post_not_found for a post whose opening it
raced. Keeping early reactions instead would hold state forever for posts
that never come.

Deterministic: no clock; the facts depend on the records alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import orjson

from schemas.envelope import Record
from schemas.feed.records import (
    CommentAdded,
    PostClosed,
    PostLiked,
    PostOpened,
    PostShared,
    PostUnliked,
    ReactionRejected,
    ReactionRequested,
)
from streams.facts import Fact
from streams.feed.rejections import Rejection

# The command each reaction came from, as ReactionRejected names it.
COMMAND_OF_REACTION = {
    "like": "LikePost",
    "unlike": "UnlikePost",
    "share": "SharePost",
    "comment": "CommentOnPost",
}


@dataclass
class PostEngagement:
    post_id: str
    opened: bool = False
    author: str = ""
    published_at_ms: int = 0
    closed: bool = False
    likers: set[str] = field(default_factory=set)
    shares: int = 0
    comments: int = 0

    @property
    def likes(self) -> int:
        return len(self.likers)

    @property
    def open(self) -> bool:
        return self.opened and not self.closed

    def state_hash(self) -> str:
        """A digest of the whole state: a restored one must equal the live one."""
        whole = [
            self.post_id, self.opened, self.author, self.published_at_ms, self.closed,
            sorted(self.likers), self.shares, self.comments,
        ]  # fmt: skip
        return hashlib.sha256(orjson.dumps(whole)).hexdigest()


def new_state(post_id: str) -> PostEngagement:
    return PostEngagement(post_id)


def decide(state: PostEngagement, record: Record) -> list[Fact]:
    """The reactions `record` leads to for this post; applies it to `state`."""
    if isinstance(record, PostOpened):
        # A closed post stays closed: its id is never a new post.
        if not state.opened and not state.closed:
            state.opened = True
            state.author = record.author
            state.published_at_ms = record.published_at_ms
        return []
    if isinstance(record, PostClosed):
        state.closed = True
        return []
    if isinstance(record, ReactionRequested):
        return _react(state, record)
    raise TypeError(f"the engagement stage takes no {type(record).__name__}")


def refusal(state: PostEngagement, r: ReactionRequested) -> Rejection | None:
    """Why the post's state refuses `r`, or None if it is accepted."""
    if not state.open or r.author != state.author:
        return Rejection.POST_NOT_FOUND
    if r.reaction == "like" and r.member in state.likers:
        return Rejection.ALREADY_LIKED
    if r.reaction == "unlike" and r.member not in state.likers:
        return Rejection.NOT_LIKED
    return None


def _react(state: PostEngagement, r: ReactionRequested) -> list[Fact]:
    reason = refusal(state, r)
    if reason is not None:
        return [(ReactionRejected, {
            "post_id": r.post_id, "member": r.member, "command_id": r.command_id,
            "command": COMMAND_OF_REACTION[r.reaction], "reason": reason.value,
        })]  # fmt: skip
    post_id, author, member = r.post_id, state.author, r.member
    if r.reaction == "like":
        state.likers.add(member)
        return [(PostLiked, {"post_id": post_id, "author": author, "member": member})]
    if r.reaction == "unlike":
        state.likers.discard(member)
        return [(PostUnliked, {"post_id": post_id, "author": author, "member": member})]
    if r.reaction == "share":
        state.shares += 1
        return [(PostShared, {"post_id": post_id, "author": author, "member": member})]
    state.comments += 1
    return [(CommentAdded, {
        "post_id": post_id, "author": author, "member": member,
        "comment_id": r.comment_id, "text": r.text,
    })]  # fmt: skip
