"""The feed's live read model: each record becomes Redis writes (pure).

Three topics feed it (feed.facts keyed by member, feed.fanout and
feed.timelines keyed by author/bucket, feed.reactions keyed by post_id), and
only one partition's records come in a fixed order. So every key written
from several partitions takes only writes whose result does not depend on
how the partitions interleave (docs/add-a-domain.md §4; proven by
tests/integration/projections/feed/test_interleavings.py):

- a reader's timeline gets entries from every followee's buckets and from
  the reader's own facts (backfills): `zadd_capped` only (`zadd_capped_many`
  for the readers of one record, the same op on each key). Adds and the trim to
  the newest TIMELINE_CAP commute while a post's score (its published_at_ms)
  never changes; removals would not, so unfollow, block and delete are
  applied at read (keys.py);
- follower and following counts, likes, shares, comments and affinity are
  sums (`hincrby`), which commute;
- the blocked-by set of a member gets one member per blocker, each from the
  blocker's partition alone: adds and removes of different members commute;
- a member's rejections come from the member's partition (CommandRejected)
  and from every post's (ReactionRejected): a sorted set by the time the log
  recorded the rejection (ties by the text), trimmed like a timeline, not a
  list whose order would be the interleaving's;
- a post's body is written by the author's partition alone, yet ranked
  (`hset_ranked`: published 1, each edit its version, deletion above all) so
  a fact read again never takes the body back; the member's delivery is kept
  by its `since_ms` (`hset_latest`).

Live (announce only, never replay, not compared by verify): each reader of a
TimelineEntriesAdded gets an entry on feed:live:<reader>, and a post of a
pulled author one on feed:live-author:<author>, fields post_id, author,
published_at_ms.

The writes vocabulary: projections/redis_sink.py. Keys: keys.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.feed import keys
from projections.json_text import compact_json
from projections.redis_sink import Write
from schemas.envelope import Record
from schemas.feed import records as fd

Value = dict[str, Any]
Handler = Callable[[Value, bool], list[Write]]

# A post's body by rank: as published, then each edit by its version (2, 3,
# ...), deletion above any version, so nothing read later brings it back.
PUBLISHED_RANK = 1
DELETED_RANK = 2**52


def redis_writes(record: Record, announce: bool = True) -> list[Write]:
    """The writes one feed record makes; [] for records with no live model."""
    return writes_of(type(record), record.model_dump(), announce)


def writes_of(model: type[Record], value: Value, announce: bool = True) -> list[Write]:
    """The writes of a decoded record of type `model`. `announce=False` (a
    rebuild) leaves out the live streams."""
    handler = _HANDLERS.get(model)
    return handler(value, announce) if handler else []


def _json(value: Any) -> str:
    return compact_json(value, sort_keys=True)


def _recorded_ms(v: Value) -> int:
    """When the log recorded the record (the envelope's µs), in ms."""
    return int(v["envelope"]["recorded_at"]) // 1000


def _zadd(key: str, score: int, member: str, cap: int) -> Write:
    return ["zadd_capped", key, str(score), member, str(cap)]


def _live_entry(key: str, post_id: str, author: str, published_at_ms: int) -> Write:
    return [
        "xadd_capped", key, str(keys.LIVE_KEPT),
        "post_id", post_id, "author", author, "published_at_ms", str(published_at_ms),
    ]  # fmt: skip


# --- members and the graph -------------------------------------------------------


def _member_created(v: Value, _announce: bool) -> list[Write]:
    member = keys.member(v["member"])
    return [
        ["hset", member, "handle", v["handle"], "created_at_ms", str(_recorded_ms(v))],
        # Push until a crossing of K says otherwise; the latest since_ms wins.
        ["hset_latest", member, "delivery_since_ms", "0", "delivery", "push"],
    ]


def _delivery_changed(v: Value, _announce: bool) -> list[Write]:
    return [
        [
            "hset_latest", keys.member(v["member"]),
            "delivery_since_ms", str(v["since_ms"]), "delivery", v["delivery"],
        ]
    ]  # fmt: skip


def _followed(v: Value, _announce: bool) -> list[Write]:
    return [
        ["sadd", keys.following(v["member"]), v["other"]],
        ["hincrby", keys.member(v["member"]), "following", "1"],
    ]


def _unfollowed(v: Value, _announce: bool) -> list[Write]:
    return [
        ["srem", keys.following(v["member"]), v["other"]],
        ["hincrby", keys.member(v["member"]), "following", "-1"],
    ]


def _follower_added(v: Value, _announce: bool) -> list[Write]:
    return [["hincrby", keys.member(v["author"]), "followers", "1"]]


def _follower_removed(v: Value, _announce: bool) -> list[Write]:
    return [["hincrby", keys.member(v["author"]), "followers", "-1"]]


def _blocked(v: Value, _announce: bool) -> list[Write]:
    return [
        ["sadd", keys.blocking(v["member"]), v["other"]],
        ["sadd", keys.blocked_by(v["other"]), v["member"]],
    ]


def _unblocked(v: Value, _announce: bool) -> list[Write]:
    return [
        ["srem", keys.blocking(v["member"]), v["other"]],
        ["srem", keys.blocked_by(v["other"]), v["member"]],
    ]


# --- timelines (adds only: keys.py says why) ---------------------------------------


# A record reaches up to 1,000 readers: one `_many` write names them all, as
# the sink's script spent most of a fan-out decoding and dispatching a write
# per key, not in the ZADDs and XADDs themselves (docs/benchmarks.md, Feed).
_TIMELINE_CAP = str(keys.TIMELINE_CAP)
_LIVE_KEPT = str(keys.LIVE_KEPT)


def _zadd_many(timelines: list[str], score: int, member: str) -> Write:
    return ["zadd_capped_many", str(score), member, _TIMELINE_CAP, *timelines]


def _entries_added(v: Value, announce: bool) -> list[Write]:
    post_id, author, at, readers = v["post_id"], v["author"], v["published_at_ms"], v["readers"]
    if not readers:
        return []
    writes = [_zadd_many([keys.timeline(r) for r in readers], at, post_id)]
    if announce:
        writes.append([
            "xadd_capped_many", _LIVE_KEPT, "3",
            "post_id", post_id, "author", author, "published_at_ms", str(at),
            *[keys.live(r) for r in readers],
        ])  # fmt: skip
    return writes


def _bucket_backfilled(v: Value, _announce: bool) -> list[Write]:
    """Each entry on every reader's timeline, an entry at a time (adds and
    the trim commute, so the order of (reader, entry) pairs does not matter)."""
    readers = v["readers"]
    if not readers:
        return []
    timelines = [keys.timeline(r) for r in readers]
    return [_zadd_many(timelines, e["published_at_ms"], e["post_id"]) for e in v["entries"]]


def _timeline_backfilled(v: Value, _announce: bool) -> list[Write]:
    timeline = keys.timeline(v["member"])
    return [
        _zadd(timeline, e["published_at_ms"], e["post_id"], keys.TIMELINE_CAP) for e in v["entries"]
    ]


# --- posts ----------------------------------------------------------------------


def _post_published(v: Value, announce: bool) -> list[Write]:
    post_id, author, at = v["post_id"], v["member"], v["published_at_ms"]
    writes: list[Write] = [
        [
            "hset_ranked", keys.post(post_id), str(PUBLISHED_RANK),
            "author", author, "published_at_ms", str(at), "version", "1",
            "text", v["text"], "links", _json(v["links"]), "media", _json(v["media"]),
            "delivery", v["delivery"], "deleted", "0",
        ],
        _zadd(keys.author_posts(author), at, post_id, keys.AUTHOR_POSTS_KEPT),
    ]  # fmt: skip
    if announce and v["delivery"] == "pull":
        writes.append(_live_entry(keys.live_author(author), post_id, author, at))
    return writes


def _post_edited(v: Value, _announce: bool) -> list[Write]:
    return [
        [
            "hset_ranked", keys.post(v["post_id"]), str(v["version"]),
            "version", str(v["version"]), "edited_at_ms", str(v["edited_at_ms"]),
            "text", v["text"], "links", _json(v["links"]), "media", _json(v["media"]),
        ]
    ]  # fmt: skip


def _post_deleted(v: Value, _announce: bool) -> list[Write]:
    return [
        [
            "hset_ranked", keys.post(v["post_id"]), str(DELETED_RANK),
            "deleted", "1", "deleted_at_ms", str(_recorded_ms(v)),
            "text", "", "links", "[]", "media", "[]",
        ]
    ]  # fmt: skip


# --- reactions ------------------------------------------------------------------


def _reaction(count: str, delta: int) -> Handler:
    """A decided reaction: the post's counter and the reactor's affinity with
    the author move by `delta`."""

    def writes(v: Value, _announce: bool) -> list[Write]:
        return [
            ["hincrby", keys.counts(v["post_id"]), count, str(delta)],
            ["hincrby", keys.affinity(v["member"]), v["author"], str(delta)],
        ]

    return writes


def _comment_added(v: Value, announce: bool) -> list[Write]:
    comment = {
        "comment_id": v["comment_id"],
        "member": v["member"],
        "text": v["text"],
        "at_ms": _recorded_ms(v),
    }
    return [
        *_reaction("comments", 1)(v, announce),
        ["lpush_capped", keys.comments(v["post_id"]), _json(comment), str(keys.COMMENTS_KEPT)],
    ]


def _rejected(v: Value, _announce: bool) -> list[Write]:
    """CommandRejected or ReactionRejected, on the member's rejections."""
    at = _recorded_ms(v)
    rejection = {
        "command_id": v["command_id"],
        "command": v["command"],
        "reason": v["reason"],
        "at_ms": at,
    }
    if "post_id" in v:
        rejection["post_id"] = v["post_id"]
    return [_zadd(keys.rejections(v["member"]), at, _json(rejection), keys.REJECTIONS_KEPT)]


_HANDLERS: dict[type[Record], Handler] = {
    fd.MemberCreated: _member_created,
    fd.AuthorDeliveryChanged: _delivery_changed,
    fd.Followed: _followed,
    fd.Unfollowed: _unfollowed,
    fd.FollowerAdded: _follower_added,
    fd.FollowerRemoved: _follower_removed,
    fd.Blocked: _blocked,
    fd.Unblocked: _unblocked,
    fd.TimelineEntriesAdded: _entries_added,
    fd.BucketBackfilled: _bucket_backfilled,
    fd.TimelineBackfilled: _timeline_backfilled,
    fd.PostPublished: _post_published,
    fd.PostEdited: _post_edited,
    fd.PostDeleted: _post_deleted,
    fd.PostLiked: _reaction("likes", 1),
    fd.PostUnliked: _reaction("likes", -1),
    fd.PostShared: _reaction("shares", 1),
    fd.CommentAdded: _comment_added,
    fd.CommandRejected: _rejected,
    fd.ReactionRejected: _rejected,
}
