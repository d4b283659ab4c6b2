"""The social news feed's projection: timelines, post bodies, the graph and
counters in Redis (keys.py); posts, timeline entries, engagement and fan-out
cost in ClickHouse."""

from __future__ import annotations

from projections.feed import clickhouse, keys, redis
from projections.projection import Projection
from schemas.feed import topics

PROJECTION = Projection(
    name="feed",
    topics=tuple(spec.name for spec in topics.FEED_TOPICS),
    redis_keys=keys.READ_MODEL,
    ddl=clickhouse.DDL,
    columns=clickhouse.COLUMNS,
    writes_of=redis.writes_of,
    rows_of=clickhouse.rows_of,
)
