"""GET routes of /v1/music: a listener's recent plays, now playing and year in
review; the live charts; a playlist; search; an artist's royalties.

A listener's own reads name them in the path: a key that does not act for
them is a 403 naming `listener` (gateway/access.py). A private playlist is
read by its owner, its collaborators and its followers (acting as
`listener`), or by whoever holds one of its share tokens; to anyone else it
is a 404, as an unknown one (its existence is not told).
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for
from gateway.json_response import JSONResponse
from gateway.music.commands import ANALYTICS, READ
from gateway.music.figures import rows, royalties_sql, year_in_review, year_in_review_sql
from gateway.music.principal import LISTENER
from gateway.music.read_model import MusicReadModel
from gateway.music.requests import (
    ChartQuery,
    ListenerQuery,
    PlaylistQuery,
    RecentQuery,
    RoyaltiesQuery,
    SearchQuery,
    YearQuery,
)
from gateway.music.search_reader import search_reader
from gateway.music.share_tokens import share_key, token_id_of
from gateway.music.writes import music_read_model
from gateway.parameters import parameters
from gateway.problems import Problem
from gateway.services import Services, admitted
from projections.music.search_index import KINDS, index_folder


def unknown_playlist(playlist_id: str) -> Problem:
    return Problem(
        404,
        "unknown-playlist",
        f"no playlist {playlist_id!r} this key may read",
        errors=[{"field": "playlist_id", "parameter": "playlist_id",
                 "detail": "unknown, or private"}],
    )  # fmt: skip


async def recent(request: Request) -> Response:
    """{"plays": [...]}: the listener's counted plays, newest first."""
    services, key = await admitted(request, READ)
    query = parameters(request, RecentQuery)
    acts_for(key, LISTENER, query.listener, field="listener", where="path")
    found = await music_read_model(services).recent(query.listener, query.limit)
    return JSONResponse({"plays": found})


async def now_playing(request: Request) -> Response:
    """{"playing": {...} | null}: the play started and not ended."""
    services, key = await admitted(request, READ)
    query = parameters(request, ListenerQuery)
    acts_for(key, LISTENER, query.listener, field="listener", where="path")
    found = await music_read_model(services).now_playing(query.listener)
    return JSONResponse({"playing": found})


async def charts(request: Request) -> Response:
    """{"window", "kind", "country", "entries": [{"id", "streams"}]}: the top of
    the last hour or day, everywhere or in one country."""
    services, _ = await admitted(request, READ)
    query = parameters(request, ChartQuery)
    now_ms = time.time_ns() // 1_000_000
    found = await music_read_model(services).chart(
        query.window, query.kind, query.country, query.limit, now_ms
    )
    return JSONResponse(
        {
            "window": query.window,
            "kind": query.kind,
            "country": query.country,
            "entries": [{"id": member, "streams": streams} for member, streams in found],
        }
    )


async def _may_read(
    services: Services, model: MusicReadModel, key_listener: str | None, query: PlaylistQuery,
    owner: str, collaborators: list[str],
) -> bool:  # fmt: skip
    if query.share_token is not None:
        token_id = token_id_of(share_key(services.settings), query.playlist_id, query.share_token)
        if token_id is not None and await model.has_link(query.playlist_id, token_id):
            return True
    if key_listener is None:
        return False
    if key_listener == owner or key_listener in collaborators:
        return True
    return await model.follows(key_listener, query.playlist_id)


async def playlist(request: Request) -> Response:
    """The playlist (name, owner, visibility, version, followers, items in
    order); its version is the ETag an edit's If-Match sends."""
    services, key = await admitted(request, READ)
    query = parameters(request, PlaylistQuery)
    if query.listener is not None:
        acts_for(key, LISTENER, query.listener, field="listener", where="path")
    model = music_read_model(services)
    found = await model.playlist(query.playlist_id)
    if found is None:
        raise unknown_playlist(query.playlist_id)
    if found["visibility"] != "public" and not await _may_read(
        services, model, query.listener, query, found["owner"], found["collaborators"]
    ):
        raise unknown_playlist(query.playlist_id)
    return JSONResponse(found, headers={"ETag": f'"{found["version"]}"'})


async def search(request: Request) -> Response:
    """{"hits": [{"kind", "id", "title", "score", ...}]}: words and prefixes,
    one typo tolerated, by relevance then popularity."""
    services, _ = await admitted(request, READ)
    query = parameters(request, SearchQuery)
    kinds = tuple(query.kind.split(",")) if query.kind else KINDS
    hits = await search_reader(index_folder(services.settings)).search(query.q, kinds, query.limit)
    return JSONResponse(
        {
            "hits": [
                {
                    "kind": hit.document.kind,
                    "id": hit.document.entity_id,
                    "title": hit.document.title,
                    "artist_id": hit.document.artist_id or None,
                    "album_id": hit.document.album_id or None,
                    "owner": hit.document.owner or None,
                    "popularity": hit.document.popularity,
                    "score": hit.score,
                }
                for hit in hits
            ]
        }
    )


async def royalties(request: Request) -> Response:
    """{"artist_id", "months": [{"month", "streams", "listeners", "ms_played"}]}:
    counted streams per month, deleted plays left out."""
    _, _ = await admitted(request, ANALYTICS)
    query = parameters(request, RoyaltiesQuery)
    found = await rows(request.state.analytics, royalties_sql(query.artist_id, query.month))
    return JSONResponse({"artist_id": query.artist_id, "months": found})


async def year_review(request: Request) -> Response:
    """The listener's top artists, tracks and genres of a year, and minutes."""
    _, key = await admitted(request, READ)
    query = parameters(request, YearQuery)
    acts_for(key, LISTENER, query.listener, field="listener", where="path")
    found = await rows(request.state.analytics, year_in_review_sql(query.listener, query.year))
    return JSONResponse({"listener": query.listener, "year": query.year, **year_in_review(found)})
