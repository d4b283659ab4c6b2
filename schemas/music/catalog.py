"""The catalog's records: artists, albums and tracks, on music.catalog.

The topic is compacted and keyed by `catalog_id` ("<kind>:<id>", e.g.
"track:t42"), so compaction keeps the newest record of each entry: a
re-published entry replaces the old one, a withdrawal ends it. Every record
carries the plain ids beside the key, so a reader never parses the key, and
the two are checked to agree. The play stage folds the tracks' durations and
artists from here (docs/music.md, Plays).

Release dates are ISO 8601 at the precision the label gave (Spotify's
`release_date_precision`): "1977", "1977-05" or "1977-05-25".
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from schemas.envelope import Record
from schemas.music.ids import NAMESPACE, CatalogKind, MusicId, catalog_id

CATALOG_ID_PATTERN = r"^(artist|album|track):[A-Za-z0-9_-]{1,64}$"
RELEASE_DATE_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
TITLE_MAX_CHARS = 300
GENRES_MAX = 10
# The longest track the catalog takes: 24 hours (the longest releases are a
# few hours; a bound keeps a typo from weighing in minutes listened).
DURATION_MAX_MS = 24 * 60 * 60 * 1000


class _CatalogEntry(Record):
    """An entry of the catalog, keyed by its kind and id."""

    catalog_id: str = Field(pattern=CATALOG_ID_PATTERN, description='"<kind>:<id>", the key')

    def _entry_key(self) -> str:
        raise NotImplementedError

    @model_validator(mode="after")
    def _key_names_the_entry(self) -> Self:
        if self.catalog_id != self._entry_key():
            raise ValueError(f"catalog_id must be {self._entry_key()!r}, the kind and the id")
        return self


class ArtistPublished(_CatalogEntry):
    """An artist, new or changed."""

    schema_name = NAMESPACE + "ArtistPublished"
    artist_id: MusicId
    name: str = Field(min_length=1, max_length=TITLE_MAX_CHARS)
    genres: list[str] = Field(default_factory=list, max_length=GENRES_MAX)

    def _entry_key(self) -> str:
        return catalog_id("artist", self.artist_id)


class AlbumPublished(_CatalogEntry):
    """An album (or single, or EP) of one artist, new or changed."""

    schema_name = NAMESPACE + "AlbumPublished"
    album_id: MusicId
    artist_id: MusicId
    title: str = Field(min_length=1, max_length=TITLE_MAX_CHARS)
    release_date: str = Field(
        pattern=RELEASE_DATE_PATTERN, description="1977, 1977-05 or 1977-05-25"
    )
    genres: list[str] = Field(default_factory=list, max_length=GENRES_MAX)

    def _entry_key(self) -> str:
        return catalog_id("album", self.album_id)


class TrackPublished(_CatalogEntry):
    """A track, new or changed: its duration decides the 30-second rule for
    tracks shorter than 30 s (streams/music/play_rules.py)."""

    schema_name = NAMESPACE + "TrackPublished"
    track_id: MusicId
    album_id: MusicId
    artist_id: MusicId = Field(description="the primary artist, whom its streams are paid to")
    title: str = Field(min_length=1, max_length=TITLE_MAX_CHARS)
    duration_ms: int = Field(ge=1, le=DURATION_MAX_MS)
    genres: list[str] = Field(default_factory=list, max_length=GENRES_MAX)
    release_date: str = Field(
        pattern=RELEASE_DATE_PATTERN, description="1977, 1977-05 or 1977-05-25"
    )
    explicit: bool = False

    def _entry_key(self) -> str:
        return catalog_id("track", self.track_id)


class CatalogEntryWithdrawn(_CatalogEntry):
    """An entry taken out of the catalog: no longer found, and a play of a
    withdrawn track is an unknown track."""

    schema_name = NAMESPACE + "CatalogEntryWithdrawn"
    kind: CatalogKind
    entry_id: MusicId

    def _entry_key(self) -> str:
        return catalog_id(self.kind, self.entry_id)


CATALOG: tuple[type[Record], ...] = (
    ArtistPublished,
    AlbumPublished,
    TrackPublished,
    CatalogEntryWithdrawn,
)
