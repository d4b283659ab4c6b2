"""The archive of a reader's timeline: every entry ever written to it, from
ClickHouse's feed_timeline_entries through the analytics endpoint (as the
deploy system reads its DORA figures, gateway/deploy/dora.py). A page reads
it once the capped Redis timeline has run out, so scrolling back never hits
a wall. The read-time filters (body, following, blocks) apply as for Redis.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

from gateway.analytics import AnalyticsEndpoint
from gateway.problems import Problem
from streams.feed.timeline import ChronoKey, Entry

log = logging.getLogger(__name__)


def sql_string(text: str) -> str:
    """A ClickHouse string literal of `text` (quotes and backslashes escaped)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def archive_sql(reader: str, after: ChronoKey, snapshot_ms: int, window: int) -> str:
    """The reader's newest `window` entries strictly older than `after`
    (published at or before `snapshot_ms`), each post once, newest first."""
    published_at_ms, post_id = after
    # DISTINCT: a post may reach a reader by two sources (fan-out, backfill),
    # and the projector may insert a row twice; author and time never change.
    return (
        "SELECT DISTINCT post_id, author, published_at_ms "
        "FROM feed_timeline_entries "
        f"WHERE reader = {sql_string(reader)} "
        f"AND published_at_ms <= {int(snapshot_ms)} "
        f"AND (published_at_ms < {int(published_at_ms)} OR (published_at_ms = "
        f"{int(published_at_ms)} AND post_id < {sql_string(post_id)})) "
        f"ORDER BY published_at_ms DESC, post_id DESC LIMIT {int(window)}"
    )


def archive_entries(rows: list[dict[str, Any]]) -> tuple[Entry, ...]:
    """The rows as entries (64-bit integers may come quoted in JSON)."""
    return tuple(
        Entry(str(row["post_id"]), str(row["author"]), int(row["published_at_ms"])) for row in rows
    )


async def archived_entries(
    endpoint: AnalyticsEndpoint, reader: str, after: ChronoKey, snapshot_ms: int, window: int
) -> tuple[Entry, ...]:
    """The archive's entries below `after` (a 503 problem if ClickHouse is away).

    The endpoint names `query` in a refusal, as an analyst sent it; here the
    gateway wrote the query, so a refusal is the gateway's fault (a 500),
    never the reader's: the reader's request names no query.
    """
    try:
        text = await endpoint.rows(archive_sql(reader, after, snapshot_ms, window))
    except Problem as problem:
        if problem.status == 503:
            raise
        log.error("the archive refused the timeline's query: %s", problem.detail)
        raise Problem(500, "internal", "the gateway failed to read the archive") from None
    return archive_entries(orjson.loads(text).get("rows", []))
