"""Every music record, gathered from the modules of each topic: the catalog
(catalog.py), plays and the play stage's facts (plays.py), playlists'
commands and facts (playlists.py), the weekly discovery tick and playlists
(recommendations.py). `ALL` is what the domain declares.
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
from schemas.music.recommendations import (
    DISCOVERY_TICKS,
    RECOMMENDATIONS,
    DiscoveryPlaylistComputed,
    RecomputeDiscovery,
)

ALL: tuple[type[Record], ...] = (
    CATALOG
    + PLAY_COMMANDS
    + PLAY_FACTS
    + PLAYLIST_COMMANDS
    + PLAYLIST_FACTS
    + DISCOVERY_TICKS
    + RECOMMENDATIONS
)

__all__ = [
    "ALL",
    "CATALOG",
    "DISCOVERY_TICKS",
    "PLAYLIST_COMMANDS",
    "PLAYLIST_FACTS",
    "PLAY_COMMANDS",
    "PLAY_FACTS",
    "RECOMMENDATIONS",
    "AlbumPublished",
    "ArtistPublished",
    "CatalogEntryWithdrawn",
    "CountedPlayRef",
    "DeleteListeningHistory",
    "DiscoveryPlaylistComputed",
    "ListeningHistoryDeleted",
    "PlayCounted",
    "PlayEnded",
    "PlayNotCounted",
    "PlaySkipped",
    "PlayStarted",
    "RecomputeDiscovery",
    "SessionEnded",
    "TrackPublished",
]
