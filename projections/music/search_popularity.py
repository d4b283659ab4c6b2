"""Popularity for search: counted streams per track, artist and album, from
ClickHouse (docs/music.md, Search), asked of the projector's SQL endpoint.

The views leave deleted plays out (music_streams_daily: the anti-join on
music_history_deletions), so a listener's deleted history stops lifting a
track in search too. The endpoint answers at most 100,000 rows a query, so
each kind asks for its 100,000 most streamed; the rest rank as 0, which only
orders ties among the least played.

A playlist's popularity is its followers, from its own facts (the indexer's
cards), not from here.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from projections.analytics_token import analytics_token

POPULAR_MAX = 100_000
POPULARITY_SQL: dict[str, str] = {
    "track": (
        "SELECT track_id AS id, sum(streams) AS streams FROM music_streams_daily"
        f" GROUP BY track_id ORDER BY streams DESC LIMIT {POPULAR_MAX}"
    ),
    "artist": (
        "SELECT artist_id AS id, sum(streams) AS streams FROM music_streams_daily"
        f" GROUP BY artist_id ORDER BY streams DESC LIMIT {POPULAR_MAX}"
    ),
    "album": (
        "SELECT t.album_id AS id, sum(s.streams) AS streams FROM music_streams_daily AS s"
        # A track's album as its newest publication says (a re-publish is a later row).
        " INNER JOIN (SELECT track_id, argMax(album_id, offset) AS album_id"
        " FROM music_catalog_tracks GROUP BY track_id) AS t ON s.track_id = t.track_id"
        f" GROUP BY t.album_id ORDER BY streams DESC LIMIT {POPULAR_MAX}"
    ),
}


def fetch_popularity(
    analytics_url: str, state_dir: Path, timeout_s: float = 10.0
) -> dict[str, int]:
    """Counted streams by search key ("track:<id>", "artist:<id>", "album:<id>").

    Raises httpx.HTTPError when the endpoint cannot answer (the projector
    down, a table not there yet): the caller keeps the popularity it had.
    """
    # The token is sent, never logged; httpx's errors name the URL only.
    headers = {"Authorization": f"Bearer {analytics_token(state_dir)}"}
    popularity: dict[str, int] = {}
    with httpx.Client(timeout=timeout_s) as client:
        for kind, sql in POPULARITY_SQL.items():
            response = client.post(f"{analytics_url}/sql", json={"query": sql}, headers=headers)
            response.raise_for_status()
            for row in response.json()["rows"]:
                popularity[f"{kind}:{row['id']}"] = int(row["streams"])
    return popularity
