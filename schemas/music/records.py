"""Every music record, gathered from the modules of each topic: the catalog
(catalog.py), plays and the play stage's facts (plays.py), playlists'
commands and facts (playlists.py). `ALL` is what the domain declares.
"""

from __future__ import annotations

from schemas.envelope import Record
from schemas.music.catalog import (
    CATALOG,
    AlbumPublished,
    ArtistPublished,
    CatalogEntryWithdrawn,
    TrackPublished,
)
from schemas.music.playlists import PLAYLIST_COMMANDS, PLAYLIST_FACTS
from schemas.music.plays import (
    PLAY_COMMANDS,
    PLAY_FACTS,
    CountedPlayRef,
    DeleteListeningHistory,
    ListeningHistoryDeleted,
    PlayCounted,
    PlayEnded,
    PlayNotCounted,
    PlaySkipped,
    PlayStarted,
    SessionEnded,
)

ALL: tuple[type[Record], ...] = (
    CATALOG + PLAY_COMMANDS + PLAY_FACTS + PLAYLIST_COMMANDS + PLAYLIST_FACTS
)

__all__ = [
    "ALL",
    "CATALOG",
    "PLAYLIST_COMMANDS",
    "PLAYLIST_FACTS",
    "PLAY_COMMANDS",
    "PLAY_FACTS",
    "AlbumPublished",
    "ArtistPublished",
    "CatalogEntryWithdrawn",
    "CountedPlayRef",
    "DeleteListeningHistory",
    "ListeningHistoryDeleted",
    "PlayCounted",
    "PlayEnded",
    "PlayNotCounted",
    "PlaySkipped",
    "PlayStarted",
    "SessionEnded",
    "TrackPublished",
]
