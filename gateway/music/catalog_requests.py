"""What an operator sends to POST /v1/music/catalog, one entry per NDJSON
line: an artist, an album or a track published (new or changed), or an entry
withdrawn. The bounds are the catalog records' (schemas/music/catalog.py);
the key `catalog_id` is the gateway's to derive, never the sender's."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, StrictInt, StringConstraints

from gateway.fields import PRINTABLE, WHOLE, RequestModel
from gateway.music.requests import MusicId
from schemas.music.catalog import (
    DURATION_MAX_MS,
    GENRES_MAX,
    RELEASE_DATE_PATTERN,
    TITLE_MAX_CHARS,
)
from schemas.music.ids import CatalogKind

Title = Annotated[
    str,
    StringConstraints(strict=True, min_length=1, max_length=TITLE_MAX_CHARS, pattern=PRINTABLE),
    Field(description=f"1 to {TITLE_MAX_CHARS} printable characters"),
]
Genre = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=64, pattern=PRINTABLE)
]
Genres = Annotated[list[Genre], Field(max_length=GENRES_MAX, description="lower-case words")]
ReleaseDate = Annotated[
    str,
    StringConstraints(strict=True, pattern=RELEASE_DATE_PATTERN),
    Field(description="1977, 1977-05 or 1977-05-25"),
]
Duration = Annotated[StrictInt, Field(ge=1, le=DURATION_MAX_MS, description="ms"), WHOLE]


class ArtistRequest(RequestModel):
    artist_id: MusicId
    name: Title
    genres: Genres = Field(default_factory=list)


class AlbumRequest(RequestModel):
    album_id: MusicId
    artist_id: MusicId
    title: Title
    release_date: ReleaseDate
    genres: Genres = Field(default_factory=list)


class TrackRequest(RequestModel):
    track_id: MusicId
    album_id: MusicId
    artist_id: MusicId
    title: Title
    duration_ms: Duration
    release_date: ReleaseDate
    genres: Genres = Field(default_factory=list)
    explicit: StrictBool = False


class WithdrawRequest(RequestModel):
    kind: CatalogKind
    entry_id: MusicId
