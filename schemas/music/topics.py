"""The music service's topics, and why each key (docs/music.md, Records and topics).

The catalog is keyed by `catalog_id` ("<kind>:<id>") and compacted, so it
keeps the newest record of each entry for as long as the entry exists. A
listener's plays and the play stage's facts are keyed by `listener`, so one
listener's plays, deletions and sessions are decided in order on one
partition (co-partitioned: same key, same partition count). A playlist's
commands and facts are keyed by `playlist_id`, so concurrent edits are
ordered by the log. The recommender's facts are a listener's, keyed so too.
"""

from __future__ import annotations

from schemas.music.catalog import CATALOG
from schemas.music.playlists import PLAYLIST_COMMANDS, PLAYLIST_FACTS
from schemas.music.plays import PLAY_COMMANDS, PLAY_FACTS
from schemas.music.recommendations import DISCOVERY_TICKS, RECOMMENDATIONS
from schemas.topic_spec import TopicSpec, changelog, schema_names

# Artists, albums and tracks: compaction keeps the newest of each entry.
MUSIC_CATALOG = TopicSpec(
    "music.catalog",
    "music",
    key="catalog_id",
    record_types=schema_names(CATALOG),
    compacted=True,
)
# Listeners' plays and deletions (the gateway's), to the play stage...
MUSIC_PLAYS = TopicSpec(
    "music.plays", "music", key="listener", record_types=schema_names(PLAY_COMMANDS)
)
# ...and what it decided: a topic of its own, as a stage never reads its output.
MUSIC_LISTENS = TopicSpec(
    "music.listens", "music", key="listener", record_types=schema_names(PLAY_FACTS)
)
# Playlist edits (the gateway's), to the playlist stage, and its facts.
MUSIC_PLAYLIST_COMMANDS = TopicSpec(
    "music.playlist-commands",
    "music",
    key="playlist_id",
    record_types=schema_names(PLAYLIST_COMMANDS),
)
MUSIC_PLAYLISTS = TopicSpec(
    "music.playlists", "music", key="playlist_id", record_types=schema_names(PLAYLIST_FACTS)
)
# The recommender's facts (an acting agent's, from ClickHouse), a listener's each.
MUSIC_RECOMMENDATIONS = TopicSpec(
    "music.recommendations", "music", key="listener", record_types=schema_names(RECOMMENDATIONS)
)
# The weekly tick that has the recommender compute (the CLI's or a timer's):
# one partition, as the ticks are few and each is answered for every listener.
MUSIC_DISCOVERY_TICKS = TopicSpec(
    "music.discovery-ticks",
    "music",
    key="week",
    record_types=schema_names(DISCOVERY_TICKS),
    partitions=1,
)

MUSIC_PLAY_CHANGELOG = changelog("music.play-stage", "music", "listener")
MUSIC_PLAYLIST_CHANGELOG = changelog("music.playlist-stage", "music", "playlist_id")

MUSIC_TOPICS = (
    MUSIC_CATALOG,
    MUSIC_PLAYS,
    MUSIC_LISTENS,
    MUSIC_PLAYLIST_COMMANDS,
    MUSIC_PLAYLISTS,
    MUSIC_RECOMMENDATIONS,
    MUSIC_DISCOVERY_TICKS,
)
MUSIC_CHANGELOGS = (MUSIC_PLAY_CHANGELOG, MUSIC_PLAYLIST_CHANGELOG)
