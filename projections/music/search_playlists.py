"""What search knows of a playlist, folded from the playlist stage's facts.

A playlist is found by its name while it is public. (A playlist cannot be
deleted yet: no record says so; when one does, its card and document go.) The facts that change
its visibility carry no name (PlaylistVisibilityChanged), so the indexer
keeps a small card per playlist, private ones too, and derives the search
document from the card: a public card is a document, a private one is none
(and leaves the index). Pure: the indexer, rebuild and the tests fold alike.

Every fact sets absolute values (a name, a visibility, a follower count), so
folding a playlist's facts again from an earlier offset over a newer card
ends on the same card: a restart that re-reads records changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from projections.music.search_index import SearchDocument, playlist_key
from schemas.envelope import Record
from schemas.music.playlists import (
    PlaylistCreated,
    PlaylistFollowed,
    PlaylistRenamed,
    PlaylistUnfollowed,
    PlaylistVisibilityChanged,
)


@dataclass(frozen=True)
class PlaylistCard:
    """A playlist as search sees it; followers are its popularity."""

    playlist_id: str
    owner: str
    name: str
    public: bool
    followers: int = 0


def evolve_card(card: PlaylistCard | None, record: Record) -> PlaylistCard | None:
    """The card after one playlist fact; facts search does not show (items,
    descriptions, share links, rejections) leave it as it was."""
    if isinstance(record, PlaylistCreated):
        return PlaylistCard(
            playlist_id=record.playlist_id,
            owner=record.owner,
            name=record.name,
            public=record.visibility == "public",
        )
    if card is None:
        # A fact before its playlist's creation cannot happen on one
        # partition; a card is never invented from a partial fact.
        return None
    if isinstance(record, PlaylistRenamed):
        return replace(card, name=record.name)
    if isinstance(record, PlaylistVisibilityChanged):
        return replace(card, public=record.visibility == "public")
    if isinstance(record, PlaylistFollowed | PlaylistUnfollowed):
        return replace(card, followers=record.followers)
    return card


def playlist_document(card: PlaylistCard) -> SearchDocument | None:
    """The card's search document while the playlist is public; None (not
    in the index) while it is private."""
    if not card.public:
        return None
    return SearchDocument(
        key=playlist_key(card.playlist_id),
        kind="playlist",
        entity_id=card.playlist_id,
        title=card.name,
        popularity=card.followers,
        owner=card.owner,
    )


def playlist_id_of(record: Record) -> str | None:
    """The playlist a fact is about, None for a record that is not a playlist fact."""
    playlist_id = getattr(record, "playlist_id", None)
    return playlist_id if isinstance(playlist_id, str) else None
