"""The music service's HTTP operations under /v1/music: plays, the history
deletion, the catalog, the playlists' commands, and the reads. The
recommendation routes are their own module's (gateway/music/recommendations.py),
listed here when it is there."""

from __future__ import annotations

import importlib.util
from dataclasses import replace

from gateway.batch import ndjson_batch
from gateway.music import PREFIX, plays, reads
from gateway.music.commands import ANALYTICS, CATALOG, CATALOG_LINES, COMMANDS, READ, WRITE
from gateway.music.requests import (
    ChartQuery,
    ListenerQuery,
    PlaylistQuery,
    PlaysRequest,
    RecentQuery,
    RoyaltiesQuery,
    SearchQuery,
    YearQuery,
)
from gateway.music.writes import authorize, music_command_endpoint
from gateway.operation import Operation, command_operations
from gateway.responses import READ_RESPONSES, WRITE_RESPONSES

_L = "/listeners/{listener}"
_PLAYLIST_RESPONSES = {
    **WRITE_RESPONSES,
    400: 'malformed JSON or header (If-Match: the playlist\'s version, e.g. "3")',
    403: "the key lacks the scope or does not act for `listener`, or the listener may not "
    "do this to the playlist (`not-allowed`), or a share token not of this playlist",
}
_PLAYS_RESPONSES = {
    200: "one answer per play, in order: 202 with event_id, partition and offset, or the "
    "problem (422 naming plays.<i>.<field>, 403 naming plays.<i>.listener, 503)",
    **{s: t for s, t in WRITE_RESPONSES.items() if s not in (202, 409)},
    400: "malformed JSON, a header, or an Idempotency-Key (not supported here)",
    422: 'not {"plays": [1 to 1,000 plays]}',
}
_ANALYTICS_RESPONSES = {**READ_RESPONSES, 503: "ClickHouse did not answer (Retry-After)"}


def _command_operations() -> list[Operation]:
    def documented(op: Operation) -> Operation:
        if "/playlists" in op.path:
            return replace(op, responses=_PLAYLIST_RESPONSES)
        return op

    return [documented(op) for op in command_operations(PREFIX, COMMANDS, music_command_endpoint)]


def _recommendation_operations() -> list[Operation]:
    # Another piece's module: its routes are listed once it is there.
    if importlib.util.find_spec("gateway.music.recommendations") is None:
        return []
    module = importlib.import_module("gateway.music.recommendations")
    found: list[Operation] = module.operations()
    return found


def operations() -> list[Operation]:
    return [
        Operation("POST", PREFIX + "/plays", plays.plays,
                  "Up to 1,000 plays (started, ended, skipped) of the listeners the key acts "
                  "for; an end is stamped with its track's duration and artist from the catalog",
                  scope=WRITE, body=PlaysRequest, responses=_PLAYS_RESPONSES),
        *_command_operations(),
        Operation("POST", PREFIX + "/catalog",
                  ndjson_batch(CATALOG_LINES, CATALOG, authorize),
                  "Publish or withdraw catalog entries, one per NDJSON line: {\"command\": "
                  "artist | album | track | withdraw, ...fields}",
                  scope=CATALOG, body_media_type="application/x-ndjson",
                  responses={200: "one NDJSON result line per input line", **WRITE_RESPONSES},
                  response_media_type="application/x-ndjson"),
        Operation("GET", PREFIX + _L + "/recent", reads.recent,
                  "The listener's counted plays, newest first",
                  scope=READ, parameters=RecentQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + _L + "/now-playing", reads.now_playing,
                  "What the listener is playing now (null for nothing)",
                  scope=READ, parameters=ListenerQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + _L + "/year-in-review", reads.year_review,
                  "The listener's top artists, tracks and genres of a year, and minutes",
                  scope=READ, parameters=YearQuery, responses=_ANALYTICS_RESPONSES),
        Operation("GET", PREFIX + "/charts", reads.charts,
                  "The most played tracks or artists of the last hour or day, everywhere or "
                  "in one country",
                  scope=READ, parameters=ChartQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/playlists/{playlist_id}", reads.playlist,
                  "A playlist and its items in order (ETag: its version); a private one for "
                  "its owner, collaborators and followers (as `listener`) or a share token",
                  scope=READ, parameters=PlaylistQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/search", reads.search,
                  "Tracks, artists, albums and public playlists by words and prefixes, one "
                  "typo tolerated, by relevance then popularity",
                  scope=READ, parameters=SearchQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/artists/{artist_id}/royalties", reads.royalties,
                  "An artist's counted streams per month (deleted plays left out)",
                  scope=ANALYTICS, parameters=RoyaltiesQuery, responses=_ANALYTICS_RESPONSES),
        *_recommendation_operations(),
    ]  # fmt: skip
