"""Recommendations as query text (docs/music.md, Recommendations): what the
gateway sends to the analytics SQL endpoint, what the discovery recommender
reads its matrix with, and what a person may paste into `onelog sql`.

Plain SELECTs over the views named bare, as the analyst check
(projections/analyst_sql.py) asks. Every query reads `music_streams`, the
counted plays kept (clickhouse.py), so a listener's deleted history moves no
recommendation: their plays before the cut are in no neighbour count.

Ids are checked against the music id pattern (letters, digits, `_`, `-`)
before they enter the text, so a literal can hold no quote or backslash.
"""

from __future__ import annotations

import re

from schemas.music.ids import ID_PATTERN

# "Fans also like" looks at the last 90 days of listening (docs/music.md).
FANS_WINDOW_MS = 90 * 24 * 60 * 60 * 1000
# What the analytics endpoint answers at most per query: the matrix is read
# in pages of this many rows.
PAGE_ROWS_MAX = 100_000

_ID = re.compile(ID_PATTERN)


def _id(value: str, what: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"{what} {value!r} is not a music id")
    return f"'{value}'"


def _limit(limit: int) -> int:
    if not 1 <= limit <= PAGE_ROWS_MAX:
        raise ValueError(f"limit {limit} is not within 1..{PAGE_ROWS_MAX}")
    return limit


def fans_also_like_sql(artist_id: str, since_ms: int, limit: int = 20) -> str:
    """Artists whose listeners overlap most with `artist_id`'s since
    `since_ms` (a play's start), by Jaccard over the two sets of listeners:
    shared / (theirs + ours - shared). Ties by shared listeners, then id.

    Columns: artist_id, shared_listeners, listeners (the other artist's),
    jaccard (Float64 in 0..1). No row for an artist with no listener in the
    window, nor for the artist itself.
    """
    artist = _id(artist_id, "artist")
    return f"""
WITH
    recent AS (
        SELECT DISTINCT artist_id, listener
        FROM music_streams
        WHERE started_at_ms >= {int(since_ms)}
    ),
    fans AS (SELECT listener FROM recent WHERE artist_id = {artist}),
    overlap AS (
        SELECT artist_id, count() AS shared_listeners
        FROM recent
        WHERE listener IN (SELECT listener FROM fans) AND artist_id != {artist}
        GROUP BY artist_id
    ),
    sizes AS (
        SELECT artist_id, count() AS listeners
        FROM recent
        WHERE artist_id IN (SELECT artist_id FROM overlap)
        GROUP BY artist_id
    )
SELECT
    o.artist_id AS artist_id,
    o.shared_listeners AS shared_listeners,
    s.listeners AS listeners,
    o.shared_listeners / (s.listeners + (SELECT count() FROM fans) - o.shared_listeners)
        AS jaccard
FROM overlap AS o
INNER JOIN sizes AS s ON o.artist_id = s.artist_id
ORDER BY jaccard DESC, shared_listeners DESC, artist_id ASC
LIMIT {_limit(limit)}
"""


def because_you_played_sql(track_id: str, listener: str | None = None, limit: int = 20) -> str:
    """Tracks played in the same listening sessions as `track_id` (counted
    plays kept, in a session), by the number of sessions they share with it;
    ties by id. With `listener`, the tracks that listener has played (kept)
    are left out: a recommendation is something new to them.

    Columns: track_id, sessions. The track itself is never a row.
    """
    track = _id(track_id, "track")
    own = (
        ""
        if listener is None
        else "\n  AND track_id NOT IN (SELECT track_id FROM music_streams"
        f" WHERE listener = {_id(listener, 'listener')})"
    )
    return f"""
WITH
    with_track AS (
        SELECT DISTINCT listener, session_id
        FROM music_streams
        WHERE track_id = {track} AND session_id != ''
    )
SELECT track_id, uniqExact(listener, session_id) AS sessions
FROM music_streams
WHERE session_id != ''
  AND (listener, session_id) IN (SELECT listener, session_id FROM with_track)
  AND track_id != {track}{own}
GROUP BY track_id
ORDER BY sessions DESC, track_id ASC
LIMIT {_limit(limit)}
"""


def listener_track_streams_sql(limit: int = PAGE_ROWS_MAX, offset: int = 0) -> str:
    """One page of the listener x track matrix of counted streams kept:
    columns listener, track_id, streams, in (listener, track_id) order so
    pages taken one after another cover every cell once."""
    if offset < 0:
        raise ValueError(f"offset {offset} is negative")
    return f"""
SELECT listener, track_id, count() AS streams
FROM music_streams
GROUP BY listener, track_id
ORDER BY listener ASC, track_id ASC
LIMIT {_limit(limit)} OFFSET {int(offset)}
"""
