"""What the play stage needs of the catalog, as a port, and the fold that
answers it from music.catalog's records.

The catalog is small enough (100,000 tracks x a few bytes) for every
partition of the play stage to hold a copy folded from the compacted topic
(docs/music.md, Plays), so deciding a play never looks anything up across
partitions or services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from schemas.envelope import Record
from schemas.music.catalog import CatalogEntryWithdrawn, TrackPublished


class Catalog(Protocol):
    """The tracks the play stage may count. Both answers are None for a track
    the catalog does not hold (never published, or withdrawn); answering must
    be pure and cheap: it is asked once per play decided."""

    def duration_ms(self, track_id: str) -> int | None: ...

    def artist_of(self, track_id: str) -> str | None: ...


@dataclass(frozen=True)
class TrackFacts:
    duration_ms: int
    artist_id: str


@dataclass
class FoldedCatalog:
    """The tracks as music.catalog's records have left them, newest last:
    a re-published track replaces its old facts, a withdrawal forgets it.
    Artists and albums are not needed to decide a play."""

    tracks: dict[str, TrackFacts] = field(default_factory=dict)

    def apply(self, record: Record) -> None:
        if isinstance(record, TrackPublished):
            self.tracks[record.track_id] = TrackFacts(record.duration_ms, record.artist_id)
        elif isinstance(record, CatalogEntryWithdrawn) and record.kind == "track":
            self.tracks.pop(record.entry_id, None)

    def duration_ms(self, track_id: str) -> int | None:
        track = self.tracks.get(track_id)
        return None if track is None else track.duration_ms

    def artist_of(self, track_id: str) -> str | None:
        track = self.tracks.get(track_id)
        return None if track is None else track.artist_id
