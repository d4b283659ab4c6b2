"""The feed's Redis key layout, shared by the writer (redis.py) and the
reader (read.py). Keys are relative to the namespace: the sink and the reader
add `<ns>:`.

    feed:member:<m>              hash: handle, created_at_ms, following (count),
                                 followers (count), delivery (push | pull),
                                 delivery_since_ms
    feed:following:<m>           set of members m follows
    feed:blocking:<m>            set of members m blocks
    feed:blocked-by:<m>          set of members who block m
    feed:timeline:<m>            sorted set: post id -> published_at_ms, the
                                 pushed timeline, capped at TIMELINE_CAP
    feed:author-posts:<a>        sorted set: post id -> published_at_ms, the
                                 author's newest posts, capped (the merge of a
                                 pulled author, the backfill)
    feed:post:<id>               hash: author, published_at_ms, version, text,
                                 links (JSON), media (JSON), delivery, deleted
                                 ("1" once deleted: the body is cleared),
                                 edited_at_ms, deleted_at_ms, rank (the
                                 writer's: published 1, an edit its version,
                                 deletion above all, so a body never goes back)
    feed:counts:<id>             hash: likes, shares, comments
    feed:comments:<id>           list of comment JSON {comment_id, member, text,
                                 at_ms}, newest first, capped
    feed:affinity:<reader>       hash author -> interactions of reader with
                                 the author's posts (likes, shares, comments)
    feed:rejections:<m>          sorted set: rejection JSON {command_id, command,
                                 reason, at_ms, post_id (reactions only)} ->
                                 at_ms, the newest REJECTIONS_KEPT (ZREVRANGE
                                 for newest first). Not a list: CommandRejected
                                 (the member's partition) and ReactionRejected
                                 (each post's) interleave in no fixed order

Why timelines only grow (then are trimmed to the cap): writes to one reader's
timeline come from many partitions (every followee's buckets, the reader's
own facts) in no fixed order, and the projector and replay may interleave
them differently. Adds and a trim to the newest N commute (an entry trimmed
had N newer ones, which stay), removals would not. So unfollow, block and
delete are applied when reading (visibility.py, and the following set, the
body's `deleted`), and `onelog verify` finds every timeline equal.

Live only (written with announce, never by replay, not compared by verify):

    feed:live:<reader>           stream: one entry per post pushed to the reader
    feed:live-author:<a>         stream: one entry per post of a pulled author
"""

from __future__ import annotations

import os

# ONELOG_FEED_TIMELINE_CAP, as the member stage reads it (streams/feed/config.py,
# which projections may not import). Read once: the live projector and a
# replay of one deployment see the same environment, so they trim alike.
TIMELINE_CAP = int(os.environ.get("ONELOG_FEED_TIMELINE_CAP") or 1_000)
AUTHOR_POSTS_KEPT = 1_000
COMMENTS_KEPT = 100
REJECTIONS_KEPT = 100
LIVE_KEPT = 1_000

# The read model verify compares: every feed key but the live streams.
READ_MODEL: tuple[str, ...] = (
    "feed:member:",
    "feed:following:",
    "feed:blocking:",
    "feed:blocked-by:",
    "feed:timeline:",
    "feed:author-posts:",
    "feed:post:",
    "feed:counts:",
    "feed:comments:",
    "feed:affinity:",
    "feed:rejections:",
)


def member(m: str) -> str:
    return f"feed:member:{m}"


def following(m: str) -> str:
    return f"feed:following:{m}"


def blocking(m: str) -> str:
    return f"feed:blocking:{m}"


def blocked_by(m: str) -> str:
    return f"feed:blocked-by:{m}"


def timeline(reader: str) -> str:
    return f"feed:timeline:{reader}"


def author_posts(author: str) -> str:
    return f"feed:author-posts:{author}"


def post(post_id: str) -> str:
    return f"feed:post:{post_id}"


def counts(post_id: str) -> str:
    return f"feed:counts:{post_id}"


def comments(post_id: str) -> str:
    return f"feed:comments:{post_id}"


def affinity(reader: str) -> str:
    return f"feed:affinity:{reader}"


def rejections(m: str) -> str:
    return f"feed:rejections:{m}"


def live(reader: str) -> str:
    return f"feed:live:{reader}"


def live_author(author: str) -> str:
    return f"feed:live-author:{author}"
