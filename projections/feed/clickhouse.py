"""The feed's analytics models in ClickHouse: tables, views, and the pure
record -> rows functions that fill them. Table and column names are public:
the gateway reads feed_timeline_entries (older pages), the CLI's
`onelog audit post` reads feed_posts and feed_fanout_cost.

feed_posts              one row per PostPublished (kind published, version 1),
                        PostEdited (edited, its version) and PostDeleted
                        (deleted, version 0: the author's partition knows it,
                        the record does not); at_ms is when it happened
feed_timeline_entries   one row per (reader, post) written to a timeline:
                        source fanout (TimelineEntriesAdded), backfill
                        (BucketBackfilled) or follow (TimelineBackfilled).
                        The archive older pages read, with the read-time
                        filters (body, follow, blocks) as the timeline; a post
                        may reach a reader by two sources, so read DISTINCT
                        post_id
feed_timeline_removals  one row per (reader, post) a TimelineEntriesRemoved
                        (cause delete) or TimelinePurged (cause purge) names:
                        Redis applies these at read, the archive records them
feed_engagement         one row per decided reaction: kind like | unlike |
                        share | comment, with the reactor (member) and at_ms
feed_fanout_cost        one row per TimelineEntriesAdded: entries = its readers
feed_member_activity    one row per member's action (created, followed,
                        unfollowed, blocked, unblocked, posted, edited,
                        deleted, liked, unliked, shared, commented); day is
                        the UTC date of at_ms

Views, for the questions of issue 11 §8:

feed_top_posts               top posts: per post likes (net of unlikes),
                             shares, comments and engagement (their sum);
                             ORDER BY engagement DESC LIMIT n
feed_engagement_per_hour     engagement over time: reactions per UTC hour and kind
feed_fanout_per_post         fan-out cost per post: timeline entries written,
                             buckets and records
feed_active_members_per_day  active members per day: distinct members who
                             did anything, and their actions
posts (with versions and deletion): feed_posts itself.

Duplicates collapse in ReplacingMergeTree on the record's position (topic,
partition, offset; with the reader where one record makes a row per reader):
a record read twice is the same row, so views read with FINAL. Every row
carries its position (analytics_row.py). Times: `*_ms` integer milliseconds.
"""

from __future__ import annotations

from typing import Any

from projections.analytics_row import POSITION, POSITION_DDL, position
from projections.json_text import compact_json
from projections.log_record import LogRecord
from projections.projection import Row, Value
from schemas.envelope import Record
from schemas.feed import records as fd

POSTS = "feed_posts"
TIMELINE_ENTRIES = "feed_timeline_entries"
TIMELINE_REMOVALS = "feed_timeline_removals"
ENGAGEMENT = "feed_engagement"
FANOUT_COST = "feed_fanout_cost"
MEMBER_ACTIVITY = "feed_member_activity"

DDL: tuple[str, ...] = (
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.feed_posts ({POSITION_DDL},
    post_id String,
    author String,
    kind LowCardinality(String),
    version UInt32,
    published_at_ms Int64,
    at_ms Int64,
    text String,
    links String,
    media String,
    delivery LowCardinality(String),
    deleted UInt8
) ENGINE = ReplacingMergeTree
ORDER BY (post_id, topic, partition, offset)
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.feed_timeline_entries ({POSITION_DDL},
    reader String,
    post_id String,
    author String,
    published_at_ms Int64,
    source LowCardinality(String)
) ENGINE = ReplacingMergeTree
ORDER BY (reader, published_at_ms, post_id, topic, partition, offset)
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.feed_timeline_removals ({POSITION_DDL},
    reader String,
    post_id String,
    author String,
    cause LowCardinality(String)
) ENGINE = ReplacingMergeTree
ORDER BY (reader, post_id, topic, partition, offset)
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.feed_engagement ({POSITION_DDL},
    post_id String,
    author String,
    member String,
    kind LowCardinality(String),
    comment_id String,
    at_ms Int64
) ENGINE = ReplacingMergeTree
ORDER BY (post_id, topic, partition, offset)
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.feed_fanout_cost ({POSITION_DDL},
    post_id String,
    author String,
    bucket UInt32,
    entries UInt32,
    published_at_ms Int64
) ENGINE = ReplacingMergeTree
ORDER BY (post_id, topic, partition, offset)
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.feed_member_activity ({POSITION_DDL},
    member String,
    action LowCardinality(String),
    at_ms Int64,
    day Date DEFAULT toDate(fromUnixTimestamp64Milli(at_ms, 'UTC'), 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (member, topic, partition, offset)
""",
    """
CREATE VIEW IF NOT EXISTS {db}.feed_top_posts AS
SELECT
    post_id,
    any(author) AS author,
    countIf(kind = 'like') - countIf(kind = 'unlike') AS likes,
    countIf(kind = 'share') AS shares,
    countIf(kind = 'comment') AS comments,
    likes + shares + comments AS engagement
FROM {db}.feed_engagement FINAL
GROUP BY post_id
""",
    """
CREATE VIEW IF NOT EXISTS {db}.feed_engagement_per_hour AS
SELECT
    toStartOfHour(fromUnixTimestamp64Milli(at_ms, 'UTC')) AS hour,
    kind,
    count() AS reactions
FROM {db}.feed_engagement FINAL
GROUP BY hour, kind
""",
    """
CREATE VIEW IF NOT EXISTS {db}.feed_fanout_per_post AS
SELECT
    post_id,
    any(author) AS author,
    sum(entries) AS entries,
    uniqExact(bucket) AS buckets,
    count() AS records
FROM {db}.feed_fanout_cost FINAL
GROUP BY post_id
""",
    """
CREATE VIEW IF NOT EXISTS {db}.feed_active_members_per_day AS
SELECT
    day,
    uniqExact(member) AS members,
    count() AS actions
FROM {db}.feed_member_activity FINAL
GROUP BY day
""",
)

POST_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "post_id",
    "author",
    "kind",
    "version",
    "published_at_ms",
    "at_ms",
    "text",
    "links",
    "media",
    "delivery",
    "deleted",
)
TIMELINE_ENTRY_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "reader",
    "post_id",
    "author",
    "published_at_ms",
    "source",
)
TIMELINE_REMOVAL_COLUMNS: tuple[str, ...] = (*POSITION, "reader", "post_id", "author", "cause")
ENGAGEMENT_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "post_id",
    "author",
    "member",
    "kind",
    "comment_id",
    "at_ms",
)
FANOUT_COST_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "post_id",
    "author",
    "bucket",
    "entries",
    "published_at_ms",
)
# `day` is computed by ClickHouse from at_ms (its DEFAULT).
MEMBER_ACTIVITY_COLUMNS: tuple[str, ...] = (*POSITION, "member", "action", "at_ms")
COLUMNS: dict[str, tuple[str, ...]] = {
    POSTS: POST_COLUMNS,
    TIMELINE_ENTRIES: TIMELINE_ENTRY_COLUMNS,
    TIMELINE_REMOVALS: TIMELINE_REMOVAL_COLUMNS,
    ENGAGEMENT: ENGAGEMENT_COLUMNS,
    FANOUT_COST: FANOUT_COST_COLUMNS,
    MEMBER_ACTIVITY: MEMBER_ACTIVITY_COLUMNS,
}

# The action a fact records for feed_member_activity, and whose it is.
_ACTIVITY: dict[type[Record], tuple[str, str]] = {
    fd.MemberCreated: ("created", "member"),
    fd.Followed: ("followed", "member"),
    fd.Unfollowed: ("unfollowed", "member"),
    fd.Blocked: ("blocked", "member"),
    fd.Unblocked: ("unblocked", "member"),
    fd.PostPublished: ("posted", "member"),
    fd.PostEdited: ("edited", "member"),
    fd.PostDeleted: ("deleted", "member"),
    fd.PostLiked: ("liked", "member"),
    fd.PostUnliked: ("unliked", "member"),
    fd.PostShared: ("shared", "member"),
    fd.CommentAdded: ("commented", "member"),
}
_REACTIONS: dict[type[Record], str] = {
    fd.PostLiked: "like",
    fd.PostUnliked: "unlike",
    fd.PostShared: "share",
    fd.CommentAdded: "comment",
}


def rows_of(model: type[Record], value: Value, message: LogRecord) -> list[Row]:
    """The (table, row) pairs a decoded record adds; [] for the rest (the
    archive keeps every record)."""
    rows: list[Row] = []
    at = position(value, message)
    recorded_ms = int(value["envelope"]["recorded_at"]) // 1000
    if model is fd.PostPublished:
        rows.append((POSTS, _post_row(at, value, "published", 1, value["published_at_ms"])))
    elif model is fd.PostEdited:
        rows.append(
            (POSTS, _post_row(at, value, "edited", value["version"], value["edited_at_ms"]))
        )
    elif model is fd.PostDeleted:
        rows.append((POSTS, _post_row(at, value, "deleted", 0, recorded_ms)))
    elif model is fd.TimelineEntriesAdded:
        rows += _entries(at, value, value["readers"], [value], "fanout")
        fanout = (value["post_id"], value["author"], value["bucket"], len(value["readers"]))
        rows.append((FANOUT_COST, (*at, *fanout, value["published_at_ms"])))
    elif model is fd.BucketBackfilled:
        rows += _entries(at, value, value["readers"], value["entries"], "backfill")
    elif model is fd.TimelineBackfilled:
        rows += _entries(at, value, [value["member"]], value["entries"], "follow")
    elif model is fd.TimelineEntriesRemoved:
        rows += [
            (TIMELINE_REMOVALS, (*at, reader, value["post_id"], value["author"], "delete"))
            for reader in value["readers"]
        ]
    elif model is fd.TimelinePurged:
        rows += [
            (TIMELINE_REMOVALS, (*at, value["member"], post_id, value["author"], "purge"))
            for post_id in value["post_ids"]
        ]
    kind = _REACTIONS.get(model)
    if kind is not None:
        reaction = (value["post_id"], value["author"], value["member"], kind)
        rows.append((ENGAGEMENT, (*at, *reaction, value.get("comment_id", ""), recorded_ms)))
    activity = _ACTIVITY.get(model)
    if activity is not None:
        action, whose = activity
        rows.append((MEMBER_ACTIVITY, (*at, value[whose], action, recorded_ms)))
    return rows


def _post_row(
    at: tuple[Any, ...], v: Value, kind: str, version: int, at_ms: int
) -> tuple[Any, ...]:
    deleted = kind == "deleted"
    return (
        *at,
        v["post_id"],
        v["member"],
        kind,
        version,
        v.get("published_at_ms", 0),
        at_ms,
        v.get("text", ""),
        compact_json(v.get("links", [])),
        compact_json(v.get("media", [])),
        v.get("delivery", ""),
        int(deleted),
    )


def _entries(
    at: tuple[Any, ...], v: Value, readers: list[str], refs: list[Value], source: str
) -> list[Row]:
    """A row per reader and post: each of `refs` has post_id and published_at_ms."""
    return [
        (TIMELINE_ENTRIES, (*at, reader, r["post_id"], v["author"], r["published_at_ms"], source))
        for reader in readers
        for r in refs
    ]
