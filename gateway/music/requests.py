"""What a listener (or an operator) sends to /v1/music: request bodies and
parameters.

These are not the wire records (schemas/music/): no envelope, and what the
gateway assigns or knows (a playlist's and an item's id, a track's duration
and artist from the catalog) is absent. The bounds are the records', so a
body the gateway accepts always encodes. A playlist request names the acting
`listener` in its body: the key must act for them (gateway/access.py), and
the record's `actor` is theirs.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from gateway.fields import (
    JSON_INT_MAX,
    PRINTABLE,
    WHOLE,
    PathParameters,
    QueryParameters,
    RequestModel,
)
from schemas.music.ids import COUNTRY_PATTERN, ID_PATTERN
from schemas.music.playlists import (
    DESCRIPTION_MAX_CHARS,
    ITEMS_PER_EDIT_MAX,
    NAME_MAX_CHARS,
    Visibility,
)
from schemas.music.plays import CONTEXT_ID_PATTERN, MS_PLAYED_MAX, Device, PlayContext

# ListenBrainz's limit, and the issue's: plays per request.
PLAYS_MAX = 1000
SEARCH_LIMIT_MAX = 50
CHART_LIMIT_MAX = 100
RECENT_MAX = 50
# A share token: the link's id, a dot, and its MAC (gateway/music/share_tokens.py).
SHARE_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{43}$"

ListenerId = Annotated[
    str,
    StringConstraints(strict=True, pattern=ID_PATTERN),
    Field(description="a listener's id (letters, digits, _ and -; at most 64)"),
]
MusicId = Annotated[
    str,
    StringConstraints(strict=True, pattern=ID_PATTERN),
    Field(description="an id (letters, digits, _ and -; at most 64)"),
]
Millis = Annotated[
    StrictInt, Field(ge=0, le=JSON_INT_MAX, description="ms since the Unix epoch"), WHOLE
]
Played = Annotated[
    StrictInt, Field(ge=0, le=MS_PLAYED_MAX, description="ms the track played"), WHOLE
]
Country = Annotated[
    str,
    StringConstraints(strict=True, pattern=COUNTRY_PATTERN),
    Field(description="ISO 3166-1 alpha-2, upper case (ZZ: unknown)"),
]
ContextId = Annotated[
    str,
    StringConstraints(strict=True, pattern=CONTEXT_ID_PATTERN),
    Field(description='the album, playlist or artist played from ("" for none)'),
]
Name = Annotated[
    str,
    StringConstraints(strict=True, min_length=1, max_length=NAME_MAX_CHARS, pattern=PRINTABLE),
    Field(description=f"1 to {NAME_MAX_CHARS} printable characters"),
]
Description = Annotated[
    str,
    StringConstraints(strict=True, max_length=DESCRIPTION_MAX_CHARS, pattern=PRINTABLE),
    Field(description=f"at most {DESCRIPTION_MAX_CHARS} printable characters"),
]
ItemIds = Annotated[
    list[MusicId],
    Field(min_length=1, max_length=ITEMS_PER_EDIT_MAX, description="the playlist's item ids"),
]
AfterItem = Annotated[
    MusicId | None,
    Field(description="the item they go after; null or absent: first"),
]


# --- plays ---------------------------------------------------------------------


class PlayRequest(BaseModel):
    """One play: a start, or an end or skip after `ms_played` (required then)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    listener: ListenerId
    track_id: MusicId
    started_at_ms: Millis
    kind: Literal["started", "ended", "skipped"]
    ms_played: Played | None = None
    context: PlayContext | None = None
    context_id: ContextId | None = None
    device: Device | None = None
    country: Country | None = None


class PlaysRequest(BaseModel):
    """Up to 1,000 plays of any listeners the key acts for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    plays: Annotated[list[PlayRequest], Field(min_length=1, max_length=PLAYS_MAX)]


class DeleteHistoryPath(PathParameters):
    listener: ListenerId
    # A query parameter: a number written as text.
    before_ms: Annotated[
        int, Field(ge=0, le=JSON_INT_MAX, description="plays started before this (ms) are deleted")
    ]


class EmptyRequest(RequestModel):
    """Nothing but an optional time."""


# --- playlists -------------------------------------------------------------------


class PlaylistPath(PathParameters):
    playlist_id: MusicId


class CreatePlaylistRequest(RequestModel):
    listener: ListenerId
    name: Name
    description: Description = ""
    visibility: Visibility = "private"


class RenameRequest(RequestModel):
    listener: ListenerId
    name: Name


class DescribeRequest(RequestModel):
    listener: ListenerId
    description: Description


class ActorRequest(RequestModel):
    """Who acts: the listener."""

    listener: ListenerId


class AddTracksRequest(RequestModel):
    listener: ListenerId
    track_ids: Annotated[
        list[MusicId], Field(min_length=1, max_length=ITEMS_PER_EDIT_MAX, description="in order")
    ]
    after_item: AfterItem = None


class RemoveTracksRequest(RequestModel):
    listener: ListenerId
    item_ids: ItemIds


class MoveTracksRequest(RequestModel):
    listener: ListenerId
    item_ids: ItemIds
    after_item: AfterItem = None


class VisibilityRequest(RequestModel):
    listener: ListenerId
    visibility: Visibility


class FollowRequest(RequestModel):
    listener: ListenerId
    share_token: Annotated[
        str | None,
        StringConstraints(strict=True, pattern=SHARE_TOKEN_PATTERN),
        Field(description="a share link's token, to follow a private playlist"),
    ] = None


class CollaboratorRequest(RequestModel):
    listener: ListenerId
    collaborator: ListenerId


class FollowerPath(PathParameters):
    playlist_id: MusicId
    listener: ListenerId


class CollaboratorPath(PathParameters):
    playlist_id: MusicId
    collaborator: ListenerId


# --- reads -------------------------------------------------------------------------


class ListenerQuery(QueryParameters):
    listener: ListenerId


class RecentQuery(QueryParameters):
    listener: ListenerId
    limit: Annotated[int, Field(ge=1, le=RECENT_MAX)] = 20


class ChartQuery(QueryParameters):
    window: Literal["hour", "day"] = "hour"
    kind: Literal["tracks", "artists"] = "tracks"
    country: Country | None = None
    limit: Annotated[int, Field(ge=1, le=CHART_LIMIT_MAX)] = 50


class PlaylistQuery(QueryParameters):
    playlist_id: MusicId
    listener: Annotated[
        ListenerId | None, Field(description="who reads (a private playlist's owner, ...)")
    ] = None
    share_token: Annotated[
        str | None,
        StringConstraints(strict=True, pattern=SHARE_TOKEN_PATTERN),
        Field(description="a share link's token"),
    ] = None


class SearchQuery(QueryParameters):
    q: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=PRINTABLE)]
    kind: Annotated[
        str | None,
        StringConstraints(
            pattern=r"^(track|artist|album|playlist)(,(track|artist|album|playlist))*$"
        ),
        Field(description="comma-separated kinds: track, artist, album, playlist; default all"),
    ] = None
    limit: Annotated[int, Field(ge=1, le=SEARCH_LIMIT_MAX)] = 20


class RoyaltiesQuery(QueryParameters):
    artist_id: MusicId
    month: Annotated[
        str | None,
        StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
        Field(description="YYYY-MM; default every month"),
    ] = None


class YearQuery(QueryParameters):
    listener: ListenerId
    year: Annotated[int, Field(ge=1970, le=9999)]
