"""The music service's projection: the catalog, recent plays, now playing,
live charts and playlists in Redis; plays, sessions and the catalog in
ClickHouse (docs/music.md).

Writes: projections/music/redis.py (keys, and why they commute, in keys.py).
Tables and views: projections/music/clickhouse.py."""

from __future__ import annotations

from projections.music import clickhouse, keys, redis
from projections.projection import Projection
from schemas.music import topics

PROJECTION = Projection(
    name="music",
    topics=tuple(spec.name for spec in topics.MUSIC_TOPICS),
    redis_keys=keys.READ_MODEL,
    ddl=clickhouse.DDL,
    columns=clickhouse.COLUMNS,
    writes_of=redis.writes_of,
    rows_of=clickhouse.rows_of,
)
