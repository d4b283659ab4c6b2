"""The music service's analytics in ClickHouse: tables, views, and the pure
record -> rows function that fills them. Table, view and column names are
public: analysts, the recommender and search's popularity read them.

music_plays               one row per play decided: PlayCounted (counted 1,
                          reason "") and PlayNotCounted (counted 0, its
                          reason; artist_id "" and duration_ms 0, which the
                          fact does not carry). day is the UTC date of
                          started_at_ms
music_history_deletions   one row per ListeningHistoryDeleted: the listener,
                          the cut (before_ms) and how many live-chart plays
                          it took back
music_sessions            one row per SessionEnded, as the play stage closed it
music_catalog_tracks      one row per TrackPublished (genres a JSON list); a
                          re-publish is a later row, so read a track's newest
                          by its offset (one track is always on one partition:
                          the topic's key). Withdrawals stay out: a withdrawn
                          track's past plays keep their genres

Views, every one leaving deleted plays out: a play of a listener who asked
to delete their history before a cut, started before it, is in none of them,
however the cut and the play came in (replay rebuilds the deletions with the
plays, so a rebuild keeps them deleted). Later cuts cover earlier ones, so a
listener's cut is the greatest of theirs (music_deletion_cuts) and the
anti-join is one equi-join and a comparison:

music_deletion_cuts       listener -> before_ms, the greatest cut
music_streams             the counted plays kept: music_plays' columns
music_streams_daily       day, track_id, artist_id: streams, listeners,
                          ms_played
music_royalties_monthly   month (its first day), artist_id: streams,
                          listeners, ms_played: the analyst's export of what
                          each artist is paid on
music_listening_sessions  listener, session_id: started_at_ms, ended_at_ms
                          (the last kept play's start plus its time played),
                          plays, ms_played, over the kept plays of each
                          session (one partly deleted keeps the rest; open
                          sessions too). music_sessions holds the stage's own
                          figures, deletions not applied
music_year_in_review      listener, year, kind (artist | track | genre |
                          total), item (the id or genre; "" for total):
                          streams and minutes. A listener's top five artists
                          of 2026: WHERE kind = 'artist' AND year = 2026
                          ORDER BY streams DESC LIMIT 5

Duplicates collapse in ReplacingMergeTree on the record's position (topic,
partition, offset), so views read with FINAL. Every row carries its position
(analytics_row.py). Times: `*_ms` integer milliseconds since the epoch.
"""

from __future__ import annotations

from typing import Any

from projections.analytics_row import POSITION, POSITION_DDL, position
from projections.json_text import compact_json
from projections.log_record import LogRecord
from projections.projection import Row, Value
from schemas.envelope import Record
from schemas.music import catalog as cat
from schemas.music import plays as pd

PLAYS = "music_plays"
HISTORY_DELETIONS = "music_history_deletions"
SESSIONS = "music_sessions"
CATALOG_TRACKS = "music_catalog_tracks"

_UTC_DAY = "toDate(fromUnixTimestamp64Milli(started_at_ms, 'UTC'), 'UTC')"

DDL: tuple[str, ...] = (
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.music_plays ({POSITION_DDL},
    listener String,
    track_id String,
    artist_id String,
    started_at_ms Int64,
    ms_played Int64,
    duration_ms Int64,
    skipped UInt8,
    counted UInt8,
    reason LowCardinality(String),
    context LowCardinality(String),
    context_id String,
    device LowCardinality(String),
    country LowCardinality(String),
    session_id String,
    day Date DEFAULT {_UTC_DAY}
) ENGINE = ReplacingMergeTree
ORDER BY (listener, started_at_ms, topic, partition, offset)
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.music_history_deletions ({POSITION_DDL},
    listener String,
    before_ms Int64,
    removed UInt32
) ENGINE = ReplacingMergeTree
ORDER BY (listener, topic, partition, offset)
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.music_sessions ({POSITION_DDL},
    listener String,
    session_id String,
    started_at_ms Int64,
    ended_at_ms Int64,
    plays UInt32,
    ms_played Int64
) ENGINE = ReplacingMergeTree
ORDER BY (listener, started_at_ms, topic, partition, offset)
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.music_catalog_tracks ({POSITION_DDL},
    track_id String,
    artist_id String,
    album_id String,
    title String,
    genres String,
    duration_ms Int64,
    release_date String,
    explicit UInt8
) ENGINE = ReplacingMergeTree
ORDER BY (track_id, topic, partition, offset)
""",
    """
CREATE VIEW IF NOT EXISTS {db}.music_deletion_cuts AS
SELECT listener, max(before_ms) AS before_ms
FROM {db}.music_history_deletions FINAL
GROUP BY listener
""",
    # A listener with no cut joins none: before_ms is then 0 (join_use_nulls
    # off), and every play started at or after 0.
    """
CREATE VIEW IF NOT EXISTS {db}.music_streams AS
SELECT p.*
FROM {db}.music_plays AS p FINAL
LEFT JOIN {db}.music_deletion_cuts AS d ON p.listener = d.listener
WHERE p.counted = 1 AND p.started_at_ms >= d.before_ms
SETTINGS join_use_nulls = 0
""",
    """
CREATE VIEW IF NOT EXISTS {db}.music_streams_daily AS
SELECT
    day,
    track_id,
    artist_id,
    count() AS streams,
    uniqExact(listener) AS listeners,
    sum(ms_played) AS ms_played
FROM {db}.music_streams
GROUP BY day, track_id, artist_id
""",
    """
CREATE VIEW IF NOT EXISTS {db}.music_royalties_monthly AS
SELECT
    toStartOfMonth(day) AS month,
    artist_id,
    count() AS streams,
    uniqExact(listener) AS listeners,
    sum(ms_played) AS ms_played
FROM {db}.music_streams
GROUP BY month, artist_id
""",
    """
CREATE VIEW IF NOT EXISTS {db}.music_listening_sessions AS
SELECT
    listener,
    session_id,
    min(start_ms) AS started_at_ms,
    max(start_ms + played_ms) AS ended_at_ms,
    count() AS plays,
    sum(played_ms) AS ms_played
FROM (
    SELECT listener, session_id, started_at_ms AS start_ms, ms_played AS played_ms
    FROM {db}.music_streams
    WHERE session_id != ''
)
GROUP BY listener, session_id
""",
    """
CREATE VIEW IF NOT EXISTS {db}.music_year_in_review AS
WITH
    kept AS (
        SELECT listener, toYear(day) AS year, track_id, artist_id, ms_played
        FROM {db}.music_streams
    ),
    track_genres AS (
        SELECT track_id, argMax(genres, offset) AS genres
        FROM {db}.music_catalog_tracks FINAL
        GROUP BY track_id
    )
SELECT listener, year, 'artist' AS kind, artist_id AS item,
       count() AS streams, intDiv(sum(ms_played), 60000) AS minutes
FROM kept GROUP BY listener, year, artist_id
UNION ALL
SELECT listener, year, 'track' AS kind, track_id AS item,
       count() AS streams, intDiv(sum(ms_played), 60000) AS minutes
FROM kept GROUP BY listener, year, track_id
UNION ALL
SELECT k.listener, k.year, 'genre' AS kind,
       arrayJoin(JSONExtract(g.genres, 'Array(String)')) AS item,
       count() AS streams, intDiv(sum(k.ms_played), 60000) AS minutes
FROM kept AS k INNER JOIN track_genres AS g ON k.track_id = g.track_id
GROUP BY k.listener, k.year, item
UNION ALL
SELECT listener, year, 'total' AS kind, '' AS item,
       count() AS streams, intDiv(sum(ms_played), 60000) AS minutes
FROM kept GROUP BY listener, year
""",
)

# `day` is computed by ClickHouse from started_at_ms (its DEFAULT).
PLAY_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "listener",
    "track_id",
    "artist_id",
    "started_at_ms",
    "ms_played",
    "duration_ms",
    "skipped",
    "counted",
    "reason",
    "context",
    "context_id",
    "device",
    "country",
    "session_id",
)
HISTORY_DELETION_COLUMNS: tuple[str, ...] = (*POSITION, "listener", "before_ms", "removed")
SESSION_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "listener",
    "session_id",
    "started_at_ms",
    "ended_at_ms",
    "plays",
    "ms_played",
)
CATALOG_TRACK_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "track_id",
    "artist_id",
    "album_id",
    "title",
    "genres",
    "duration_ms",
    "release_date",
    "explicit",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    PLAYS: PLAY_COLUMNS,
    HISTORY_DELETIONS: HISTORY_DELETION_COLUMNS,
    SESSIONS: SESSION_COLUMNS,
    CATALOG_TRACKS: CATALOG_TRACK_COLUMNS,
}


def rows_of(model: type[Record], value: Value, message: LogRecord) -> list[Row]:
    """The (table, row) pairs a decoded record adds; [] for the rest (the
    archive keeps every record)."""
    at = position(value, message)
    v = value
    if model is pd.PlayCounted:
        return [(PLAYS, _play_row(at, v, v["artist_id"], v["duration_ms"], 1, "", v["session_id"]))]
    if model is pd.PlayNotCounted:
        return [(PLAYS, _play_row(at, v, "", 0, 0, v["reason"], ""))]
    if model is pd.ListeningHistoryDeleted:
        return [(HISTORY_DELETIONS, (*at, v["listener"], v["before_ms"], len(v["removed"])))]
    if model is pd.SessionEnded:
        session = (v["session_id"], v["started_at_ms"], v["ended_at_ms"], v["plays"])
        return [(SESSIONS, (*at, v["listener"], *session, v["ms_played"]))]
    if model is cat.TrackPublished:
        track = (v["track_id"], v["artist_id"], v["album_id"], v["title"])
        more = (v["duration_ms"], v["release_date"], int(v["explicit"]))
        return [(CATALOG_TRACKS, (*at, *track, compact_json(v["genres"]), *more))]
    return []


def _play_row(
    at: tuple[Any, ...],
    v: Value,
    artist_id: str,
    duration_ms: int,
    counted: int,
    reason: str,
    session_id: str,
) -> tuple[Any, ...]:
    return (
        *at,
        v["listener"],
        v["track_id"],
        artist_id,
        v["started_at_ms"],
        v["ms_played"],
        duration_ms,
        int(v["skipped"]),
        counted,
        reason,
        v["context"],
        v["context_id"],
        v["device"],
        v["country"],
        session_id,
    )
