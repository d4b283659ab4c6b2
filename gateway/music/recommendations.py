"""The recommendation reads of /v1/music (docs/music.md, Recommendations):

- "fans also like": artists whose listeners of the last 90 days overlap most
  with an artist's, and "because you played": tracks played in the same
  sessions as a track, the listener's own plays left out when one is named.
  Both from ClickHouse through the analytics endpoint, with the projection's
  SQL (projections/music/recommendations_sql.py), so `onelog sql` and these
  routes cannot disagree, and deleted plays count in neither.
- a listener's weekly discovery playlist, from Redis
  (music:discovery:<listener>, projected from DiscoveryPlaylistComputed).

An artist's or a track's neighbours are anyone's to read (music:read); a
listener's discovery playlist and "because you played" for a listener are
for keys acting for that listener.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import orjson
from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for
from gateway.fields import QueryParameters
from gateway.json_response import JSONResponse
from gateway.music import PREFIX
from gateway.music.commands import READ
from gateway.music.figures import rows
from gateway.music.principal import LISTENER
from gateway.music.requests import ListenerId, MusicId
from gateway.music.writes import music_read_model
from gateway.operation import Operation
from gateway.parameters import parameters
from gateway.responses import READ_RESPONSES
from gateway.services import admitted
from projections.music import keys
from projections.music.recommendations_sql import (
    FANS_WINDOW_MS,
    because_you_played_sql,
    fans_also_like_sql,
)
from projections.namespaced_reads import NamespacedReads

NEIGHBOURS_MAX = 50
_ANALYTICS_RESPONSES = {**READ_RESPONSES, 503: "ClickHouse did not answer (Retry-After)"}
Limit = Annotated[int, Field(ge=1, le=NEIGHBOURS_MAX, description="how many, best first")]


class FansQuery(QueryParameters):
    artist_id: MusicId
    limit: Limit = 20


class BecauseQuery(QueryParameters):
    track_id: MusicId
    listener: Annotated[
        ListenerId | None,
        Field(description="leave out the tracks this listener has played (a key acting for them)"),
    ] = None
    limit: Limit = 20


class DiscoveryQuery(QueryParameters):
    listener: ListenerId


class DiscoveryReads(NamespacedReads):
    """Contract: reads the discovery hash, never writes."""

    async def discovery(self, listener: str) -> dict[str, Any] | None:
        found = await self._redis.hmget(
            self._key(keys.discovery(listener)), "week", "tracks", "model"
        )
        week, tracks, model = found
        if week is None:
            return None
        return {"week": _text(week), "tracks": orjson.loads(tracks or b"[]"),
                "model": _text(model or b"")}  # fmt: skip


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def fans_also_like(request: Request) -> Response:
    """{"artist_id", "artists": [{"artist_id", "shared_listeners", "listeners",
    "jaccard"}]}: the artists whose listeners of the last 90 days overlap most."""
    await admitted(request, READ)
    query = parameters(request, FansQuery)
    since_ms = time.time_ns() // 1_000_000 - FANS_WINDOW_MS
    found = await rows(
        request.state.analytics, fans_also_like_sql(query.artist_id, since_ms, query.limit)
    )
    return JSONResponse({"artist_id": query.artist_id, "artists": found})


async def because_you_played(request: Request) -> Response:
    """{"track_id", "listener", "tracks": [{"track_id", "sessions"}]}: tracks
    played in the same sessions, by sessions shared."""
    _, key = await admitted(request, READ)
    query = parameters(request, BecauseQuery)
    if query.listener is not None:
        acts_for(key, LISTENER, query.listener, field="listener", where="path")
    sql = because_you_played_sql(query.track_id, query.listener, query.limit)
    found = await rows(request.state.analytics, sql)
    return JSONResponse({"track_id": query.track_id, "listener": query.listener, "tracks": found})


async def discovery(request: Request) -> Response:
    """{"listener", "discovery": {"week", "tracks", "model"} | null}: the
    newest weekly discovery playlist (null before the first is computed)."""
    services, key = await admitted(request, READ)
    query = parameters(request, DiscoveryQuery)
    acts_for(key, LISTENER, query.listener, field="listener", where="path")
    reads = DiscoveryReads(services.redis, music_read_model(services).namespace)
    return JSONResponse({"listener": query.listener,
                         "discovery": await reads.discovery(query.listener)})  # fmt: skip


def operations() -> list[Operation]:
    """The routes, listed by gateway/music/routes.py."""
    return [
        Operation("GET", PREFIX + "/artists/{artist_id}/fans-also-like", fans_also_like,
                  "Artists whose listeners of the last 90 days overlap most with this "
                  "artist's (Jaccard), deleted plays left out",
                  scope=READ, parameters=FansQuery, responses=_ANALYTICS_RESPONSES),
        Operation("GET", PREFIX + "/tracks/{track_id}/because-you-played", because_you_played,
                  "Tracks played in the same listening sessions as this one, by sessions "
                  "shared; with `listener`, those they have played left out",
                  scope=READ, parameters=BecauseQuery, responses=_ANALYTICS_RESPONSES),
        Operation("GET", PREFIX + "/listeners/{listener}/discovery", discovery,
                  "The listener's newest weekly discovery playlist: tracks they have not "
                  "played, best first (null before the first week is computed)",
                  scope=READ, parameters=DiscoveryQuery, responses=READ_RESPONSES),
    ]  # fmt: skip
