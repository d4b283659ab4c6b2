"""The music service's projection: the catalog, recent plays, now playing,
live charts and playlists in Redis; plays, sessions and the catalog in
ClickHouse (docs/music.md). A skeleton the projection piece fills."""

from __future__ import annotations

from projections.projection import Projection
from schemas.music import topics

PROJECTION = Projection(
    name="music",
    topics=tuple(spec.name for spec in topics.MUSIC_TOPICS),
    redis_keys=(),
    ddl=(),
    columns={},
    writes_of=lambda model, value, announce: [],
    rows_of=lambda model, value, message: [],
)
