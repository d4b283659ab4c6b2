"""The feed's member stage, pure: `decide(state, record) -> facts` for one member.

It takes the member's commands (feed.commands) and the second hops other
members' partitions send it (feed.graph), and answers with facts
(feed.facts), hops (feed.graph), fan-out records (feed.fanout) and a post's
opening and closing for reactions (feed.engagement). A command it refuses is
answered by CommandRejected with one of rejections.py's reasons.

A command that names two members is two hops, never a lookup (docs/feed.md,
Stages): the actor's partition checks what the actor knows and sends the
other a hop, keyed by the other; the other's partition decides the rest. So
a Follow is accepted by the followee's partition (which counts the follower
and decides any crossing of K in the same step) and completed by the
follower's, which alone changes the follower's out-edges.

Time is each record's own `recorded_at` (the gateway's, for a command; the
hop's, for a hop), never the wall clock; every set is read in sorted order;
so the same records give the same facts.
"""

from __future__ import annotations

from typing import Any

from schemas.envelope import Record
from schemas.feed.records import (
    AuthorDeliveryChanged,
    BackfillBucket,
    Block,
    Blocked,
    BlockNoticed,
    CommandRejected,
    CommentOnPost,
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
    FollowRequested,
    LikePost,
    MemberCreated,
    PostClosed,
    PostDeleted,
    PostEdited,
    PostOpened,
    PostPublished,
    PublishPost,
    ReactionRequested,
    SharePost,
    TimelineBackfilled,
    TimelinePurged,
    Unblock,
    Unblocked,
    UnblockNoticed,
    Unfollow,
    Unfollowed,
    UnfollowNoticed,
    UnlikePost,
)
from streams.facts import Fact
from streams.feed import fanout_policy
from streams.feed.fanout_policy import AuthorPost, Delivery
from streams.feed.member_state import MemberRules, MemberState, RecentPost
from streams.feed.rejections import Rejection

DEFAULT_RULES = MemberRules()

_REACTIONS: dict[type[Record], str] = {
    LikePost: "like",
    UnlikePost: "unlike",
    SharePost: "share",
    CommentOnPost: "comment",
}


def new_state(member: str) -> MemberState:
    return MemberState(member)


def decide(state: MemberState, record: Record, rules: MemberRules = DEFAULT_RULES) -> list[Fact]:
    """The facts `record` leads to for this member; applies them to `state`."""
    facts: list[Fact] = []
    state.forgotten.clear()
    if isinstance(record, CreateMember):
        _create(state, record, facts)
    elif isinstance(record, Follow):
        _follow(state, record, facts)
    elif isinstance(record, Unfollow):
        _unfollow(state, record, facts)
    elif isinstance(record, Block):
        _block(state, record, facts)
    elif isinstance(record, Unblock):
        _unblock(state, record, facts)
    elif isinstance(record, PublishPost):
        _publish(state, record, rules, facts)
    elif isinstance(record, EditPost):
        _edit(state, record, rules, facts)
    elif isinstance(record, DeletePost):
        _delete(state, record, facts)
    elif isinstance(record, LikePost | UnlikePost | SharePost | CommentOnPost):
        _react(state, record, facts)
    elif isinstance(record, FollowRequested):
        _follow_requested(state, record, rules, facts)
    elif isinstance(record, FollowAnswered):
        _follow_answered(state, record, facts)
    elif isinstance(record, UnfollowNoticed):
        _unfollow_noticed(state, record, rules, facts)
    elif isinstance(record, BlockNoticed):
        _block_noticed(state, record, facts)
    elif isinstance(record, UnblockNoticed):
        state.blocked_by.discard(record.member)
    else:
        raise TypeError(f"the member stage takes no {type(record).__name__}")
    return facts


def _at_ms(record: Record) -> int:
    return record.envelope.recorded_at // 1000


def _reject(record: Record, member: str, reason: Rejection, facts: list[Fact]) -> None:
    facts.append((CommandRejected, {
        "member": member, "command_id": record.envelope.event_id,
        "command": type(record).__name__, "reason": reason.value,
    }))  # fmt: skip


# --- the member -------------------------------------------------------------------


def _create(state: MemberState, c: CreateMember, facts: list[Fact]) -> None:
    # A retried CreateMember (the gateway assigned the id) is no new member;
    # the handle stays the first one (no reason names a second).
    if state.exists:
        return
    state.handle = c.handle
    facts.append((MemberCreated, {"member": c.member, "handle": c.handle}))


# --- the graph, first hop: the actor's partition ----------------------------------


def _two_member_refusal(state: MemberState, other: str) -> Rejection | None:
    if not state.exists:
        return Rejection.UNKNOWN_MEMBER
    if other == state.member:
        return Rejection.SELF
    return None


def _follow(state: MemberState, c: Follow, facts: list[Fact]) -> None:
    reason = _two_member_refusal(state, c.other)
    if reason is None and (c.other in state.followees or c.other in state.pending):
        reason = Rejection.ALREADY_FOLLOWING
    if reason is None and state.blocks_either_way(c.other):
        reason = Rejection.BLOCKED
    if reason is not None:
        _reject(c, c.member, reason, facts)
        return
    state.pending[c.other] = c.envelope.event_id
    facts.append((FollowRequested, {
        "member": c.member, "other": c.other, "command_id": c.envelope.event_id,
    }))  # fmt: skip


def _unfollow(state: MemberState, c: Unfollow, facts: list[Fact]) -> None:
    reason = _two_member_refusal(state, c.other)
    if reason is None and c.other not in state.followees and c.other not in state.pending:
        reason = Rejection.NOT_FOLLOWING
    if reason is not None:
        _reject(c, c.member, reason, facts)
        return
    _drop_out_edge(state, c.other, "unfollow", facts)


def _drop_out_edge(state: MemberState, followee: str, cause: str, facts: list[Fact]) -> None:
    """Stop following `followee`, or cancel a follow asked of them. A pending
    follow's answer, if it accepts, is undone when it arrives (_follow_answered).
    A pending follow a block cancels never was: it is refused, as `blocked`."""
    command_id = state.pending.pop(followee, None)
    if command_id is not None:
        if cause == "block":
            facts.append((CommandRejected, {
                "member": state.member, "command_id": command_id, "command": "Follow",
                "reason": Rejection.BLOCKED.value,
            }))  # fmt: skip
        else:
            facts.append((Unfollowed, {"member": state.member, "other": followee, "cause": cause}))
        return
    if followee not in state.followees:
        return
    state.followees.discard(followee)
    facts.append((Unfollowed, {"member": state.member, "other": followee, "cause": cause}))
    facts.append((UnfollowNoticed, {"member": state.member, "other": followee, "cause": cause}))


def _block(state: MemberState, c: Block, facts: list[Fact]) -> None:
    reason = _two_member_refusal(state, c.other)
    if reason is None and c.other in state.blocking:
        reason = Rejection.ALREADY_BLOCKED
    if reason is not None:
        _reject(c, c.member, reason, facts)
        return
    # A block of an id no member has is kept too: this partition cannot ask
    # without a third hop, and it blocks no one until such a member exists.
    state.blocking.add(c.other)
    facts.append((Blocked, {"member": c.member, "other": c.other}))
    _drop_out_edge(state, c.other, "block", facts)
    facts.append((BlockNoticed, {"member": c.member, "other": c.other}))


def _unblock(state: MemberState, c: Unblock, facts: list[Fact]) -> None:
    reason = _two_member_refusal(state, c.other)
    if reason is None and c.other not in state.blocking:
        reason = Rejection.NOT_BLOCKED
    if reason is not None:
        _reject(c, c.member, reason, facts)
        return
    state.blocking.discard(c.other)
    facts.append((Unblocked, {"member": c.member, "other": c.other}))
    facts.append((UnblockNoticed, {"member": c.member, "other": c.other}))


# --- the graph, second hop: the other's partition ---------------------------------


def _follow_requested(
    state: MemberState, h: FollowRequested, rules: MemberRules, facts: list[Fact]
) -> None:
    """The followee decides: it exists, and no block either way; then it
    counts the follower and answers with its delivery and, when pushed, its
    newest posts for the follower's timeline."""
    reason: Rejection | None = None
    if not state.exists:
        reason = Rejection.UNKNOWN_MEMBER
    elif state.blocks_either_way(h.member):
        reason = Rejection.BLOCKED
    if reason is not None:
        facts.append((FollowAnswered, {
            "member": state.member, "other": h.member, "command_id": h.command_id,
            "accepted": False, "reason": reason.value, "delivery": state.delivery,
            "backfill": [],
        }))  # fmt: skip
        return
    bucket = fanout_policy.follower_bucket(h.member, rules.policy)
    state.followers[bucket] = state.followers.get(bucket, 0) + 1
    facts.append((FollowerAdded, {"author": state.member, "bucket": bucket, "follower": h.member}))
    _redecide_delivery(state, _at_ms(h), rules, facts)
    entries: list[dict[str, Any]] = []
    if fanout_policy.follow_backfills(Delivery(state.delivery)):
        newest = fanout_policy.backfill(_author_posts(state), rules.policy.backfill_posts)
        entries = _refs(newest)
    facts.append((FollowAnswered, {
        "member": state.member, "other": h.member, "command_id": h.command_id,
        "accepted": True, "reason": None, "delivery": state.delivery, "backfill": entries,
    }))  # fmt: skip


def _follow_answered(state: MemberState, h: FollowAnswered, facts: list[Fact]) -> None:
    """Back on the follower's partition: complete the follow, or refuse it."""
    followee = h.member
    if state.pending.get(followee) != h.command_id:
        # Cancelled meanwhile (an unfollow, or a block either way): a counted
        # follower is taken back, so the followee's count stays true.
        if h.accepted:
            cause = "block" if state.blocks_either_way(followee) else "unfollow"
            facts.append((UnfollowNoticed, {
                "member": state.member, "other": followee, "cause": cause,
            }))  # fmt: skip
        return
    del state.pending[followee]
    if not h.accepted:
        reason = Rejection(h.reason or Rejection.UNKNOWN_MEMBER)
        facts.append((CommandRejected, {
            "member": state.member, "command_id": h.command_id, "command": "Follow",
            "reason": reason.value,
        }))  # fmt: skip
        return
    state.followees.add(followee)
    facts.append((Followed, {"member": state.member, "other": followee}))
    if h.backfill:
        facts.append((TimelineBackfilled, {
            "member": state.member, "author": followee,
            "entries": [ref.model_dump() for ref in h.backfill],
        }))  # fmt: skip


def _unfollow_noticed(
    state: MemberState, h: UnfollowNoticed, rules: MemberRules, facts: list[Fact]
) -> None:
    """The former followee uncounts the follower, and takes its own recent
    posts out of the follower's timeline (it alone knows them)."""
    bucket = fanout_policy.follower_bucket(h.member, rules.policy)
    if state.followers.get(bucket, 0) <= 0:
        return  # never counted here (no such member when asked): nothing to undo
    state.followers[bucket] -= 1
    if state.followers[bucket] == 0:
        del state.followers[bucket]
    facts.append((FollowerRemoved, {
        "author": state.member, "bucket": bucket, "follower": h.member,
    }))  # fmt: skip
    facts.append((TimelinePurged, {
        "member": h.member, "author": state.member,
        "post_ids": [p.post_id for p in state.live_posts()],
    }))  # fmt: skip
    _redecide_delivery(state, _at_ms(h), rules, facts)


def _block_noticed(state: MemberState, h: BlockNoticed, facts: list[Fact]) -> None:
    """The blocked member's side: remember the block, and stop following the
    blocker (its own out-edge, which only this partition changes)."""
    state.blocked_by.add(h.member)
    _drop_out_edge(state, h.member, "block", facts)


# --- delivery ---------------------------------------------------------------------


def _redecide_delivery(
    state: MemberState, at_ms: int, rules: MemberRules, facts: list[Fact]
) -> None:
    """The follow or unfollow that moved the count decides a crossing of K in
    the same step, on the author's key, ahead of the author's next post."""
    was = Delivery(state.delivery)
    crossed = fanout_policy.crossing(state.member, was, state.follower_count, rules.policy)
    if crossed is None:
        return
    state.delivery = crossed.after.value
    buckets = state.buckets() if crossed.backfill_followers else []
    facts.append((AuthorDeliveryChanged, {
        "member": state.member, "delivery": state.delivery, "since_ms": at_ms,
        "buckets": buckets,
    }))  # fmt: skip
    if not crossed.backfill_followers:
        state.pulled_since_ms = at_ms
        return
    missed = fanout_policy.backfill(_author_posts(state), rules.timeline_cap, state.pulled_since_ms)
    entries = _refs(missed)
    for bucket in buckets:
        facts.append((BackfillBucket, {
            "author": state.member, "bucket": bucket, "entries": entries,
        }))  # fmt: skip


def _author_posts(state: MemberState) -> list[AuthorPost]:
    return [AuthorPost(p.post_id, p.published_at_ms) for p in state.live_posts()]


def _refs(posts: tuple[AuthorPost, ...]) -> list[dict[str, Any]]:
    return [{"post_id": p.post_id, "published_at_ms": p.published_at_ms} for p in posts]


# --- posts: the author's partition ------------------------------------------------


def _publish(state: MemberState, c: PublishPost, rules: MemberRules, facts: list[Fact]) -> None:
    reason: Rejection | None = None
    if not state.exists:
        reason = Rejection.UNKNOWN_MEMBER
    elif len(c.text) > rules.post_max_chars:
        reason = Rejection.TOO_LONG
    if reason is not None:
        _reject(c, c.member, reason, facts)
        return
    if c.post_id in state.posts:
        return  # a retried request is the same post (its id is the gateway's ULID)
    at_ms = _at_ms(c)
    state.posts[c.post_id] = RecentPost(c.post_id, at_ms)
    _forget_beyond_cap(state, rules.timeline_cap)
    facts.append((PostPublished, {
        "member": c.member, "post_id": c.post_id, "published_at_ms": at_ms, "text": c.text,
        "links": list(c.links), "media": [m.model_dump() for m in c.media],
        "delivery": state.delivery,
    }))  # fmt: skip
    facts.append((PostOpened, {"post_id": c.post_id, "author": c.member, "published_at_ms": at_ms}))
    if state.delivery == Delivery.PUSH.value:
        for bucket in state.buckets():
            facts.append((FanOutPost, {
                "author": c.member, "bucket": bucket, "post_id": c.post_id,
                "published_at_ms": at_ms,
            }))  # fmt: skip


def _forget_beyond_cap(state: MemberState, cap: int) -> None:
    """Keep the newest `cap` posts (tombstones count: they are few and brief)."""
    if len(state.posts) <= cap:
        return
    oldest_first = sorted(state.posts.values(), key=lambda p: (p.published_at_ms, p.post_id))
    for post in oldest_first[: len(state.posts) - cap]:
        del state.posts[post.post_id]
        state.forgotten.append(post.post_id)


def _post_refusal(state: MemberState, c: EditPost | DeletePost) -> Rejection | None:
    if not state.exists:
        return Rejection.UNKNOWN_MEMBER
    post = state.posts.get(c.post_id)
    if post is None or post.deleted:
        return Rejection.POST_NOT_FOUND
    if c.actor != state.member:
        return Rejection.NOT_THE_AUTHOR
    return None


def _edit(state: MemberState, c: EditPost, rules: MemberRules, facts: list[Fact]) -> None:
    reason = _post_refusal(state, c)
    if reason is None and len(c.text) > rules.post_max_chars:
        reason = Rejection.TOO_LONG
    if reason is not None:
        _reject(c, c.member, reason, facts)
        return
    post = state.posts[c.post_id]
    post.version += 1
    facts.append((PostEdited, {
        "member": c.member, "post_id": c.post_id, "version": post.version,
        "edited_at_ms": _at_ms(c), "text": c.text, "links": list(c.links),
        "media": [m.model_dump() for m in c.media],
    }))  # fmt: skip


def _delete(state: MemberState, c: DeletePost, facts: list[Fact]) -> None:
    reason = _post_refusal(state, c)
    if reason is not None:
        _reject(c, c.member, reason, facts)
        return
    state.posts[c.post_id].deleted = True
    facts.append((PostDeleted, {"member": c.member, "post_id": c.post_id}))
    facts.append((PostClosed, {"post_id": c.post_id, "author": c.member}))
    # Every non-empty bucket, pushed or not: a post published while pulled
    # may have reached timelines by a pull -> push backfill since.
    for bucket in state.buckets():
        facts.append((FanOutDelete, {"author": c.member, "bucket": bucket, "post_id": c.post_id}))


# --- reactions: the actor's partition checks blocks, the post's decides -----------


def _react(
    state: MemberState, c: LikePost | UnlikePost | SharePost | CommentOnPost, facts: list[Fact]
) -> None:
    reason: Rejection | None = None
    if not state.exists:
        reason = Rejection.UNKNOWN_MEMBER
    elif state.blocks_either_way(c.author):
        reason = Rejection.BLOCKED
    if reason is not None:
        _reject(c, c.member, reason, facts)
        return
    comment_id, text = (c.comment_id, c.text) if isinstance(c, CommentOnPost) else ("", "")
    facts.append((ReactionRequested, {
        "post_id": c.post_id, "author": c.author, "member": c.member,
        "command_id": c.envelope.event_id, "reaction": _REACTIONS[type(c)],
        "comment_id": comment_id, "text": text,
    }))  # fmt: skip
