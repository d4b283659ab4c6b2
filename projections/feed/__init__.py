"""The social news feed's projection: timelines, post bodies, the graph and
counters in Redis (keys.py); posts, timeline entries, engagement and fan-out
cost in ClickHouse."""

from __future__ import annotations

from projections.feed import keys
from projections.projection import Projection
from schemas.feed import topics

PROJECTION = Projection(
    name="feed",
    topics=tuple(spec.name for spec in topics.FEED_TOPICS),
    redis_keys=keys.READ_MODEL,
    ddl=(),
    columns={},
    writes_of=lambda model, value, announce: [],
    rows_of=lambda model, value, message: [],
)
