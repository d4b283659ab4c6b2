"""The social news feed's records: members, the graph, posts, fan-out,
timelines, reactions.

Every record names the field its topic is keyed by (topics.py beside this
module): `member` on feed.commands and feed.facts, the receiving `other` on
feed.graph, `author` and `bucket` on feed.fanout and feed.timelines,
`post_id` on feed.engagement. Members are named by id (`member`, `other`,
`author`, `reader`, `follower`); a command that concerns two members is
`member` (the actor) and `other`. Times are integer milliseconds since the
epoch (`*_ms`); a post's time is the gateway's `recorded_at` of the post. The
design: docs/feed.md.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.envelope import Record

# The design's post length (the default of ONELOG_FEED_POST_MAX_CHARS). The
# member stage decides it, as `too_long`, so a person is told why; the records
# only bound a text at TEXT_MAX_CHARS, which the setting may not exceed.
POST_MAX_CHARS = 500
TEXT_MAX_CHARS = 5_000
LINKS_MAX = 10
MEDIA_MAX = 10
URL_MAX_CHARS = 2_048
# Lowercase, so that two handles that look alike are the same handle.
HANDLE_PATTERN = r"^[a-z0-9_]{1,30}$"
# No "/": the fan-out's key is "author/bucket" and must split back in two.
MEMBER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"

MemberId = Annotated[str, Field(pattern=MEMBER_ID_PATTERN)]
Delivery = Literal["push", "pull"]  # streams/feed/fanout_policy.py, Delivery
UnfollowCause = Literal["unfollow", "block"]
MediaKind = Literal["image", "video", "audio"]
# Why a command was refused, one word each; the sentence a person reads is
# streams/feed/rejections.py's `explain` (a unit test holds the two equal).
RejectReason = Literal[
    "unknown_member",
    "already_following",
    "not_following",
    "post_not_found",
    "not_the_author",
    "too_long",
    "blocked",
    "self",
    "already_blocked",
    "not_blocked",
    "already_liked",
    "not_liked",
]

_NS = "onelog.feed."


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MediaRef(_Part):
    """A picture, video or sound a post shows, stored outside the log."""

    media_id: str = Field(max_length=200, description="its id in the media store")
    kind: MediaKind


class PostRef(_Part):
    """A post as a timeline holds it: the id, and the time it is ordered by."""

    post_id: str
    published_at_ms: int = Field(ge=0)


# --- members' commands: feed.commands, key member -----------------------------


class CreateMember(Record):
    schema_name = _NS + "CreateMember"
    member: MemberId = Field(description="assigned by the gateway")
    handle: str = Field(pattern=HANDLE_PATTERN, description="the name others see, lowercase")


class Follow(Record):
    schema_name = _NS + "Follow"
    member: MemberId = Field(description="the follower")
    other: MemberId = Field(description="the member to follow")


class Unfollow(Record):
    schema_name = _NS + "Unfollow"
    member: MemberId
    other: MemberId


class Block(Record):
    schema_name = _NS + "Block"
    member: MemberId = Field(description="the blocker")
    other: MemberId


class Unblock(Record):
    schema_name = _NS + "Unblock"
    member: MemberId
    other: MemberId


class PublishPost(Record):
    """Post, as the member. The post id is a ULID from the gateway, so a
    retried request is the same post."""

    schema_name = _NS + "PublishPost"
    member: MemberId = Field(description="the author")
    post_id: str
    text: str = Field(max_length=TEXT_MAX_CHARS)
    links: list[str] = Field(default_factory=list, max_length=LINKS_MAX)
    media: list[MediaRef] = Field(default_factory=list, max_length=MEDIA_MAX)


class EditPost(Record):
    """Replace a post's body; decided on the author's partition."""

    schema_name = _NS + "EditPost"
    member: MemberId = Field(description="the author the route names")
    post_id: str
    actor: MemberId = Field(description="who asks; not_the_author unless the author")
    text: str = Field(max_length=TEXT_MAX_CHARS)
    links: list[str] = Field(default_factory=list, max_length=LINKS_MAX)
    media: list[MediaRef] = Field(default_factory=list, max_length=MEDIA_MAX)


class DeletePost(Record):
    schema_name = _NS + "DeletePost"
    member: MemberId = Field(description="the author the route names")
    post_id: str
    actor: MemberId


class LikePost(Record):
    schema_name = _NS + "LikePost"
    member: MemberId = Field(description="who likes it")
    post_id: str
    author: MemberId


class UnlikePost(Record):
    schema_name = _NS + "UnlikePost"
    member: MemberId
    post_id: str
    author: MemberId


class SharePost(Record):
    schema_name = _NS + "SharePost"
    member: MemberId
    post_id: str
    author: MemberId


class CommentOnPost(Record):
    schema_name = _NS + "CommentOnPost"
    member: MemberId
    post_id: str
    author: MemberId
    comment_id: str = Field(description="ULID from the gateway")
    text: str = Field(max_length=TEXT_MAX_CHARS)


# --- the second hop between members: feed.graph, key other -------------------
# `member` sends, `other` receives and decides; the answer swaps the two.


class FollowRequested(Record):
    """The follower's partition accepted a Follow; the followee's decides."""

    schema_name = _NS + "FollowRequested"
    member: MemberId = Field(description="the follower")
    other: MemberId = Field(description="the followee; the key")
    command_id: str = Field(description="the Follow's event id")


class FollowAnswered(Record):
    """The followee's answer, back to the follower's partition."""

    schema_name = _NS + "FollowAnswered"
    member: MemberId = Field(description="the followee")
    other: MemberId = Field(description="the follower; the key")
    command_id: str
    accepted: bool
    reason: RejectReason | None = Field(default=None, description="why not, if not accepted")
    delivery: Delivery = "push"
    backfill: list[PostRef] = Field(
        default_factory=list, description="the followee's newest posts when pushed"
    )


class UnfollowNoticed(Record):
    schema_name = _NS + "UnfollowNoticed"
    member: MemberId = Field(description="the former follower")
    other: MemberId = Field(description="the former followee; the key")
    cause: UnfollowCause


class BlockNoticed(Record):
    schema_name = _NS + "BlockNoticed"
    member: MemberId = Field(description="the blocker")
    other: MemberId = Field(description="the blocked; the key")


class UnblockNoticed(Record):
    schema_name = _NS + "UnblockNoticed"
    member: MemberId
    other: MemberId


# --- to the fan-out: feed.fanout, key author/bucket ---------------------------


class FollowerAdded(Record):
    schema_name = _NS + "FollowerAdded"
    author: MemberId
    bucket: int = Field(ge=0, description="fanout_policy.follower_bucket of the follower")
    follower: MemberId


class FollowerRemoved(Record):
    schema_name = _NS + "FollowerRemoved"
    author: MemberId
    bucket: int = Field(ge=0)
    follower: MemberId


class FanOutPost(Record):
    """Push one post into every follower in the bucket."""

    schema_name = _NS + "FanOutPost"
    author: MemberId
    bucket: int = Field(ge=0)
    post_id: str
    published_at_ms: int = Field(ge=0)


class FanOutDelete(Record):
    schema_name = _NS + "FanOutDelete"
    author: MemberId
    bucket: int = Field(ge=0)
    post_id: str


class BackfillBucket(Record):
    """The author is pushed again: the bucket's followers get the posts
    published while pulled."""

    schema_name = _NS + "BackfillBucket"
    author: MemberId
    bucket: int = Field(ge=0)
    entries: list[PostRef]


# --- the fan-out's output: feed.timelines, key author/bucket ------------------


class TimelineEntriesAdded(Record):
    schema_name = _NS + "TimelineEntriesAdded"
    author: MemberId
    bucket: int = Field(ge=0)
    post_id: str
    published_at_ms: int = Field(ge=0)
    readers: list[str] = Field(description="the bucket's followers, each a timeline")


class TimelineEntriesRemoved(Record):
    schema_name = _NS + "TimelineEntriesRemoved"
    author: MemberId
    bucket: int = Field(ge=0)
    post_id: str
    readers: list[str]


class BucketBackfilled(Record):
    """One bucket's part of a pull -> push backfill is written; readers merge
    the author until every bucket has said so."""

    schema_name = _NS + "BucketBackfilled"
    author: MemberId
    bucket: int = Field(ge=0)
    entries: list[PostRef]
    readers: list[str]


# --- reactions: feed.engagement (asked) and feed.reactions (decided), key post_id


class PostOpened(Record):
    """A post exists for reactions (from the author's partition)."""

    schema_name = _NS + "PostOpened"
    post_id: str
    author: MemberId
    published_at_ms: int = Field(ge=0)


class PostClosed(Record):
    """The post was deleted: reactions to it are post_not_found."""

    schema_name = _NS + "PostClosed"
    post_id: str
    author: MemberId


class ReactionRequested(Record):
    """A reaction the actor's partition let through (no block either way)."""

    schema_name = _NS + "ReactionRequested"
    post_id: str
    author: MemberId
    member: MemberId = Field(description="who reacts")
    command_id: str
    reaction: Literal["like", "unlike", "share", "comment"]
    comment_id: str = Field(default="", description="comment only")
    text: str = Field(default="", max_length=TEXT_MAX_CHARS, description="comment only")


class PostLiked(Record):
    schema_name = _NS + "PostLiked"
    post_id: str
    author: MemberId
    member: MemberId


class PostUnliked(Record):
    schema_name = _NS + "PostUnliked"
    post_id: str
    author: MemberId
    member: MemberId


class PostShared(Record):
    schema_name = _NS + "PostShared"
    post_id: str
    author: MemberId
    member: MemberId


class CommentAdded(Record):
    schema_name = _NS + "CommentAdded"
    post_id: str
    author: MemberId
    member: MemberId
    comment_id: str
    text: str = Field(max_length=TEXT_MAX_CHARS)


class ReactionRejected(Record):
    """A reaction refused where the post's state decides it."""

    schema_name = _NS + "ReactionRejected"
    post_id: str
    member: MemberId
    command_id: str = Field(description="the command's event id")
    command: str = Field(description="its record type, e.g. LikePost")
    reason: RejectReason


# --- the members' facts: feed.facts, key member -------------------------------


class MemberCreated(Record):
    schema_name = _NS + "MemberCreated"
    member: MemberId
    handle: str = Field(pattern=HANDLE_PATTERN)


class Followed(Record):
    """`member` now follows `other` (decided by both partitions, written by the follower's)."""

    schema_name = _NS + "Followed"
    member: MemberId = Field(description="the follower")
    other: MemberId = Field(description="the followee")


class Unfollowed(Record):
    schema_name = _NS + "Unfollowed"
    member: MemberId = Field(description="the former follower")
    other: MemberId
    cause: UnfollowCause


class Blocked(Record):
    schema_name = _NS + "Blocked"
    member: MemberId = Field(description="the blocker")
    other: MemberId


class Unblocked(Record):
    schema_name = _NS + "Unblocked"
    member: MemberId
    other: MemberId


class PostPublished(Record):
    schema_name = _NS + "PostPublished"
    member: MemberId = Field(description="the author")
    post_id: str
    published_at_ms: int = Field(ge=0)
    text: str = Field(max_length=TEXT_MAX_CHARS)
    links: list[str] = Field(max_length=LINKS_MAX)
    media: list[MediaRef] = Field(max_length=MEDIA_MAX)
    delivery: Delivery = Field(description="push: fanned out; pull: merged at read")


class PostEdited(Record):
    """The post's new body; timelines hold ids, so it shows everywhere at once."""

    schema_name = _NS + "PostEdited"
    member: MemberId = Field(description="the author")
    post_id: str
    version: int = Field(ge=2, description="1 is as published; each edit adds one")
    edited_at_ms: int = Field(ge=0)
    text: str = Field(max_length=TEXT_MAX_CHARS)
    links: list[str] = Field(max_length=LINKS_MAX)
    media: list[MediaRef] = Field(max_length=MEDIA_MAX)


class PostDeleted(Record):
    schema_name = _NS + "PostDeleted"
    member: MemberId = Field(description="the author")
    post_id: str


class AuthorDeliveryChanged(Record):
    """The author's follower count crossed K (streams/feed/fanout_policy.py),
    decided with the follow or unfollow that moved it."""

    schema_name = _NS + "AuthorDeliveryChanged"
    member: MemberId = Field(description="the author")
    delivery: Delivery = Field(description="the delivery from now on")
    since_ms: int = Field(ge=0)
    buckets: list[int] = Field(
        description="pull -> push: the buckets that backfill; readers merge until each has"
    )


class TimelineBackfilled(Record):
    """A follow brought the followee's newest posts into the follower's timeline."""

    schema_name = _NS + "TimelineBackfilled"
    member: MemberId = Field(description="the reader, whose timeline it is")
    author: MemberId
    entries: list[PostRef]


class TimelinePurged(Record):
    """An unfollow or block took the author's recent posts out of the reader's
    timeline (to free the cap: blocks are applied at read)."""

    schema_name = _NS + "TimelinePurged"
    member: MemberId = Field(description="the reader, whose timeline it is")
    author: MemberId
    post_ids: list[str]


class CommandRejected(Record):
    schema_name = _NS + "CommandRejected"
    member: MemberId = Field(description="the command's key")
    command_id: str = Field(description="the command's event id")
    command: str = Field(description="its record type, e.g. Follow")
    reason: RejectReason


COMMANDS: tuple[type[Record], ...] = (
    CreateMember,
    Follow,
    Unfollow,
    Block,
    Unblock,
    PublishPost,
    EditPost,
    DeletePost,
    LikePost,
    UnlikePost,
    SharePost,
    CommentOnPost,
)
GRAPH: tuple[type[Record], ...] = (
    FollowRequested,
    FollowAnswered,
    UnfollowNoticed,
    BlockNoticed,
    UnblockNoticed,
)
FANOUT: tuple[type[Record], ...] = (
    FollowerAdded,
    FollowerRemoved,
    FanOutPost,
    FanOutDelete,
    BackfillBucket,
)
TIMELINES: tuple[type[Record], ...] = (
    TimelineEntriesAdded,
    TimelineEntriesRemoved,
    BucketBackfilled,
)
ENGAGEMENT: tuple[type[Record], ...] = (
    PostOpened,
    PostClosed,
    ReactionRequested,
)
REACTIONS: tuple[type[Record], ...] = (
    PostLiked,
    PostUnliked,
    PostShared,
    CommentAdded,
    ReactionRejected,
)
FACTS: tuple[type[Record], ...] = (
    MemberCreated,
    Followed,
    Unfollowed,
    Blocked,
    Unblocked,
    PostPublished,
    PostEdited,
    PostDeleted,
    AuthorDeliveryChanged,
    TimelineBackfilled,
    TimelinePurged,
    CommandRejected,
)
ALL: tuple[type[Record], ...] = (
    COMMANDS + GRAPH + FANOUT + TIMELINES + ENGAGEMENT + REACTIONS + FACTS
)
