"""The life of one post, told from its records on the log: published (by
whom, when, pushed or pulled), each edit, its fan-out per bucket, the
backfills that carried it, its reactions, its deletion and the removals.

Pure: given the feed's records (decoded, with where they sit on the log), it
keeps those that name the post and sums them up. Reading the log is
audit_command.py's.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from onelog.logged import Logged
from schemas.envelope import Record
from schemas.feed import records as r

# Past this many backfills, the text counts them (--json lists them all).
BACKFILLS_LISTED = 10


@dataclass(frozen=True)
class LifeLine:
    time: str
    recorded_at: int
    record_type: str
    topic: str
    partition: int
    offset: int
    text: str
    fields: dict[str, Any]


@dataclass
class Reactions:
    likes: int = 0
    unlikes: int = 0
    shares: int = 0
    comments: int = 0
    rejected: int = 0
    first: str = ""
    last: str = ""


@dataclass
class PostLife:
    post_id: str
    author: str = ""
    published: str = ""  # when, or "" if no PostPublished names it
    delivery: str = ""  # push | pull
    # Pulled: how many followed the author when it was published (from the
    # fan-out's FollowerAdded/Removed recorded before it): who merge it at read.
    pulled_followers: int | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)  # version, at
    # Pushed: timeline entries written, by bucket.
    fanned_out: dict[int, int] = field(default_factory=dict)
    backfills: list[str] = field(default_factory=list)
    reactions: Reactions = field(default_factory=Reactions)
    deleted: str = ""  # when, or ""
    removed: dict[int, int] = field(default_factory=dict)  # entries removed, by bucket
    purged_from: int = 0  # timelines an unfollow or block purged it from
    rejected: list[str] = field(default_factory=list)
    lines: list[LifeLine] = field(default_factory=list)

    @property
    def timeline_entries(self) -> int:
        return sum(self.fanned_out.values())


def _time_us(us: int) -> str:
    return datetime.fromtimestamp(us / 1_000_000, UTC).isoformat(timespec="milliseconds")


def _time_ms(ms: int) -> str:
    return _time_us(ms * 1000)


def _refs(entries: list[r.PostRef]) -> set[str]:
    return {entry.post_id for entry in entries}


def names_post(record: Record, post_id: str) -> bool:
    """True when the record is about the post: it names it, or carries it in a backfill or purge."""
    if getattr(record, "post_id", None) == post_id:
        return True
    match record:
        case r.BackfillBucket() | r.BucketBackfilled() | r.TimelineBackfilled():
            return post_id in _refs(record.entries)
        case r.FollowAnswered():
            return post_id in _refs(record.backfill)
        case r.TimelinePurged():
            return post_id in record.post_ids
    return False


_REACTION_WORDS: dict[type[Record], str] = {
    r.PostLiked: "liked",
    r.PostUnliked: "unliked",
    r.PostShared: "shared",
    r.CommentAdded: "commented",
}
_REACTION_COUNTS: dict[type[Record], str] = {
    r.PostLiked: "likes",
    r.PostUnliked: "unlikes",
    r.PostShared: "shares",
    r.CommentAdded: "comments",
}


def describe(record: Record) -> str:
    """One line for a person; what the record says that matters."""
    match record:
        case r.PublishPost():
            return f"asked by {record.member}: {len(record.text)} characters"
        case r.PostPublished():
            return f"published by {record.member}, delivery {record.delivery}"
        case r.EditPost():
            return f"edit asked by {record.actor}"
        case r.PostEdited():
            return f"edited: version {record.version}"
        case r.DeletePost():
            return f"deletion asked by {record.actor}"
        case r.PostDeleted():
            return "deleted"
        case r.FanOutPost():
            return f"fan out to bucket {record.bucket}"
        case r.TimelineEntriesAdded():
            return f"bucket {record.bucket}: into {len(record.readers)} timelines"
        case r.FanOutDelete():
            return f"remove from bucket {record.bucket}"
        case r.TimelineEntriesRemoved():
            return f"bucket {record.bucket}: out of {len(record.readers)} timelines"
        case r.FollowAnswered():
            return f"{record.member} followed by {record.other}: backfill asked"
        case r.TimelineBackfilled():
            return f"backfilled into {record.member}'s timeline (a follow of {record.author})"
        case r.BackfillBucket():
            return f"bucket {record.bucket}: backfill asked (the author is pushed again)"
        case r.BucketBackfilled():
            return f"bucket {record.bucket}: backfilled into {len(record.readers)} timelines"
        case r.TimelinePurged():
            return f"purged from {record.member}'s timeline (unfollowed {record.author})"
        case r.PostOpened() | r.PostClosed():
            return f"{'opened' if isinstance(record, r.PostOpened) else 'closed'} for reactions"
        case r.ReactionRequested():
            return f"{record.reaction} asked by {record.member}"
        case r.LikePost() | r.UnlikePost() | r.SharePost() | r.CommentOnPost():
            return f"{type(record).__name__} by {record.member}"
        case r.PostLiked() | r.PostUnliked() | r.PostShared() | r.CommentAdded():
            return f"{_REACTION_WORDS[type(record)]} by {record.member}"
        case r.ReactionRejected():
            return f"{record.command} by {record.member} refused: {record.reason}"
        case r.CommandRejected():
            return f"{record.command} refused: {record.reason}"
    return type(record).__name__


def _learn(life: PostLife, record: Record, when: str) -> None:
    match record:
        case r.PublishPost():
            life.author = life.author or record.member
        case r.PostPublished():
            life.author, life.delivery = record.member, record.delivery
            life.published = _time_ms(record.published_at_ms)
        case r.PostEdited():
            life.edits.append({"version": record.version, "at": _time_ms(record.edited_at_ms)})
        case r.PostDeleted():
            life.deleted = when
        case r.TimelineEntriesAdded():
            life.fanned_out[record.bucket] = life.fanned_out.get(record.bucket, 0) + len(
                record.readers
            )
        case r.TimelineEntriesRemoved():
            life.removed[record.bucket] = life.removed.get(record.bucket, 0) + len(record.readers)
        case r.TimelineBackfilled():
            life.backfills.append(f"{when} follow: {record.member}'s timeline")
        case r.BucketBackfilled():
            life.backfills.append(
                f"{when} pushed again: bucket {record.bucket}, {len(record.readers)} timelines"
            )
        case r.TimelinePurged():
            life.purged_from += 1
        case r.PostLiked() | r.PostUnliked() | r.PostShared() | r.CommentAdded():
            name = _REACTION_COUNTS[type(record)]
            setattr(life.reactions, name, getattr(life.reactions, name) + 1)
            life.reactions.first = life.reactions.first or when
            life.reactions.last = when
        case r.ReactionRejected():
            life.reactions.rejected += 1
        case r.CommandRejected():
            life.rejected.append(f"{record.command}: {record.reason}")


def _depth(event_id: str, cause_of: dict[str, str | None]) -> int:
    """How many of the post's own records lie between this one and its first cause."""
    steps = 0
    parent = cause_of.get(event_id)
    while parent is not None and parent in cause_of and steps < 64:
        steps += 1
        parent = cause_of.get(parent)
    return steps


class FollowerTimes:
    """When each author's followers came and went, as the fan-out heard it:
    enough to count them at a moment, without keeping who they were."""

    def __init__(self) -> None:
        self._added: dict[str, array[int]] = {}
        self._removed: dict[str, array[int]] = {}

    def note(self, record: Record) -> None:
        if isinstance(record, r.FollowerAdded):
            self._added.setdefault(record.author, array("q")).append(record.envelope.recorded_at)
        elif isinstance(record, r.FollowerRemoved):
            self._removed.setdefault(record.author, array("q")).append(record.envelope.recorded_at)

    def count_at(self, author: str, recorded_at_us: int) -> int:
        """Followers recorded no later than the moment, less those removed by then."""

        def by(times: array[int] | None) -> int:
            return bisect.bisect_right(sorted(times), recorded_at_us) if times else 0

        return by(self._added.get(author)) - by(self._removed.get(author))


def post_life(post_id: str, logged: Iterable[Logged]) -> PostLife:
    """Every record about the post, in the order it was decided, summed up."""
    mine: list[Logged] = []
    followers = FollowerTimes()
    command_ids: set[str] = set()
    # Refusals of an edit or a deletion name the command, not the post.
    rejections: list[tuple[str, Logged]] = []
    for item in logged:
        record = item.record
        followers.note(record)
        if names_post(record, post_id):
            mine.append(item)
            if isinstance(record, (r.EditPost, r.DeletePost, r.PublishPost)):
                command_ids.add(record.envelope.event_id)
        elif isinstance(record, r.CommandRejected):
            rejections.append((record.command_id, item))
    mine += [item for command_id, item in rejections if command_id in command_ids]

    cause_of = {item.record.envelope.event_id: item.record.envelope.causation_id for item in mine}
    published = next((i.record for i in mine if isinstance(i.record, r.PostPublished)), None)
    published_us = published.envelope.recorded_at if published is not None else 0

    def recorded_us(record: Record) -> int:
        """When it happened, as far as the log tells: a record that carries
        the post without naming it (a follow's backfill, a purge) has the
        time of the follow or unfollow that caused it, which may be older
        than the post; it happened after the post existed."""
        if getattr(record, "post_id", None) == post_id:
            return record.envelope.recorded_at
        return max(record.envelope.recorded_at, published_us)

    def order(item: Logged) -> tuple[int, bool, int, str, int, int]:
        envelope = item.record.envelope
        shown_us = recorded_us(item.record)
        return (
            shown_us,
            shown_us != envelope.recorded_at,  # lifted to the post's time: after it
            _depth(envelope.event_id, cause_of),
            item.topic,
            item.partition,
            item.offset,
        )

    life = PostLife(post_id)
    for item in sorted(mine, key=order):
        record = item.record
        when = _time_us(recorded_us(record))
        _learn(life, record, when)
        life.lines.append(
            LifeLine(
                time=when,
                recorded_at=record.envelope.recorded_at,
                record_type=type(record).__name__,
                topic=item.topic,
                partition=item.partition,
                offset=item.offset,
                text=describe(record),
                fields=record.model_dump(mode="json", exclude={"envelope"}),
            )
        )
    if published is not None and published.delivery == "pull":
        life.pulled_followers = followers.count_at(published.member, published.envelope.recorded_at)
    return life


def _backfill_text(backfills: list[str]) -> list[str]:
    """A few backfills one by one; many (a popular author's post, followed
    by thousands while it was new) as a count with the first and last."""
    if len(backfills) <= BACKFILLS_LISTED:
        return [f"backfill:   {line}" for line in backfills]
    return [
        f"backfill:   {len(backfills)} backfills, first {backfills[0]}",
        f"            last {backfills[-1]}",
    ]


def life_text(life: PostLife) -> str:
    head = [f"post {life.post_id} by {life.author or '?'}"]
    if life.published:
        head.append(f"published:  {life.published} ({life.delivery})")
    else:
        head.append("published:  not (no PostPublished on the log)")
    for edit in life.edits:
        head.append(f"edited:     version {edit['version']} at {edit['at']}")
    if life.delivery == "pull":
        head.append(
            f"fan-out:    none (pulled): merged at read by the author's "
            f"{life.pulled_followers} followers of the time"
        )
    elif life.fanned_out:
        head.append(
            f"fan-out:    {life.timeline_entries} timelines in {len(life.fanned_out)} buckets ("
            + ", ".join(f"{b}: {n}" for b, n in sorted(life.fanned_out.items()))
            + ")"
        )
    head += _backfill_text(life.backfills)
    reactions = life.reactions
    head.append(
        f"reactions:  {reactions.likes} likes, {reactions.unlikes} unlikes, {reactions.shares} "
        f"shares, {reactions.comments} comments, {reactions.rejected} refused"
        + (f" (first {reactions.first}, last {reactions.last})" if reactions.first else "")
    )
    if life.deleted:
        removed = sum(life.removed.values())
        head.append(
            f"deleted:    {life.deleted}: out of {removed} timelines in {len(life.removed)} buckets"
        )
    if life.purged_from:
        head.append(f"purged:     from {life.purged_from} timelines (unfollow or block)")
    head += [f"refused:    {line}" for line in life.rejected]
    body = [f"{line.time}  {line.record_type:22} {line.text}" for line in life.lines]
    return "\n".join([*head, "", *body])
