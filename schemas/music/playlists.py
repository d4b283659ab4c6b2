"""The playlists' records: listeners' commands and the playlist stage's facts.

Commands go on music.playlist-commands and facts on music.playlists, both
keyed by `playlist_id`, so a playlist's edits are decided one after another
in the log's order on its partition (docs/music.md, Playlists). Every command
names its `actor` (the listener acting, as the gateway's key allows) and may
carry `expected_version` (HTTP If-Match): a command for another version is
refused as `version_conflict`. Every fact carries the playlist's `version`
after it. Positions are never indexes: an edit names the item it goes
"after" (None: first), and items have their own ids (ULIDs from the
gateway), so one track may be in a playlist twice.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.envelope import Record
from schemas.music.ids import ID_PATTERN, NAMESPACE, MusicId

# Spotify's bounds: a name of 100 characters, a description of 300, and at
# most 100 items added, removed or moved by one request.
NAME_MAX_CHARS = 100
DESCRIPTION_MAX_CHARS = 300
ITEMS_PER_EDIT_MAX = 100

# An id field. Optional ids and lists of ids spell the pattern out on the
# field (`str | None = Field(pattern=...)`) or check it (`_ItemIds`): the Avro
# mapping (schemas/avro.py) reads a plain type inside a union or a list.
Id = MusicId
_ID = re.compile(ID_PATTERN)
Visibility = Literal["public", "private"]
# Why a command was refused, one word each; the sentence a person reads is
# streams/music/playlist_rejections.py's `explain` (a unit test holds the two equal).
PlaylistRejectReason = Literal[
    "not_found",
    "not_allowed",
    "version_conflict",
    "unknown_track",
    "unknown_item",
    "too_many_items",
    "already_exists",
]

_NS = NAMESPACE


class PlaylistItem(BaseModel):
    """One entry of a playlist: its own id, and the track it plays."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    item_id: Id = Field(description="assigned by the gateway (a ULID)")
    track_id: Id
    # Stamped by the gateway from its catalog read model on AddTracks (None
    # when it lacks the track: the stage then refuses unknown_track), so the
    # stage decides from the record alone and replay gives the same facts.
    duration_ms: int | None = Field(default=None, ge=1, description="the track's, from the catalog")


class _ItemIds(Record):
    """A record naming items by id: each must be an id."""

    @field_validator("item_ids", check_fields=False)
    @classmethod
    def _each_an_id(cls, ids: list[str]) -> list[str]:
        bad = [i for i in ids if not _ID.match(i)]
        if bad:
            raise ValueError(f"not an id (pattern {ID_PATTERN}): {bad[0]!r}")
        return ids


# --- listeners' commands: music.playlist-commands, key playlist_id ------------


class CreatePlaylist(Record):
    """Create a playlist owned by the actor. The id is the gateway's, so a
    retried request is the same playlist."""

    schema_name = _NS + "CreatePlaylist"
    playlist_id: Id
    actor: Id = Field(description="the listener acting; the owner")
    name: str = Field(min_length=1, max_length=NAME_MAX_CHARS)
    description: str = Field(default="", max_length=DESCRIPTION_MAX_CHARS)
    visibility: Visibility = "private"
    expected_version: int | None = Field(default=None, ge=0, description="0: must not exist")


class RenamePlaylist(Record):
    schema_name = _NS + "RenamePlaylist"
    playlist_id: Id
    actor: Id
    name: str = Field(min_length=1, max_length=NAME_MAX_CHARS)
    expected_version: int | None = Field(default=None, ge=0)


class DescribePlaylist(Record):
    schema_name = _NS + "DescribePlaylist"
    playlist_id: Id
    actor: Id
    description: str = Field(max_length=DESCRIPTION_MAX_CHARS)
    expected_version: int | None = Field(default=None, ge=0)


class AddTracks(Record):
    """Add items, in the order given, after `after_item` (None: first)."""

    schema_name = _NS + "AddTracks"
    playlist_id: Id
    actor: Id
    items: list[PlaylistItem] = Field(min_length=1, max_length=ITEMS_PER_EDIT_MAX)
    after_item: str | None = Field(
        default=None, pattern=ID_PATTERN, description="the item they follow; None: first"
    )
    expected_version: int | None = Field(default=None, ge=0)


class RemoveTracks(_ItemIds):
    schema_name = _NS + "RemoveTracks"
    playlist_id: Id
    actor: Id
    item_ids: list[str] = Field(min_length=1, max_length=ITEMS_PER_EDIT_MAX)
    expected_version: int | None = Field(default=None, ge=0)


class MoveTracks(_ItemIds):
    """Move items, as one run in the order given, after `after_item`."""

    schema_name = _NS + "MoveTracks"
    playlist_id: Id
    actor: Id
    item_ids: list[str] = Field(min_length=1, max_length=ITEMS_PER_EDIT_MAX)
    after_item: str | None = Field(
        default=None, pattern=ID_PATTERN, description="the item they follow; None: first"
    )
    expected_version: int | None = Field(default=None, ge=0)


class SetPlaylistVisibility(Record):
    schema_name = _NS + "SetPlaylistVisibility"
    playlist_id: Id
    actor: Id
    visibility: Visibility
    expected_version: int | None = Field(default=None, ge=0)


class CreateShareLink(Record):
    """A link that opens the playlist, private or not, to whoever holds it."""

    schema_name = _NS + "CreateShareLink"
    playlist_id: Id
    actor: Id
    token_id: Id = Field(description="the link's id (assigned by the gateway), not a secret")
    expected_version: int | None = Field(default=None, ge=0)


class FollowPlaylist(Record):
    schema_name = _NS + "FollowPlaylist"
    playlist_id: Id
    actor: Id
    listener: Id = Field(description="who follows: the actor themselves")
    token_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="a share link's, for a private playlist"
    )
    expected_version: int | None = Field(default=None, ge=0)


class UnfollowPlaylist(Record):
    schema_name = _NS + "UnfollowPlaylist"
    playlist_id: Id
    actor: Id
    listener: Id
    expected_version: int | None = Field(default=None, ge=0)


class AddCollaborator(Record):
    schema_name = _NS + "AddCollaborator"
    playlist_id: Id
    actor: Id
    collaborator: Id
    expected_version: int | None = Field(default=None, ge=0)


class RemoveCollaborator(Record):
    schema_name = _NS + "RemoveCollaborator"
    playlist_id: Id
    actor: Id
    collaborator: Id
    expected_version: int | None = Field(default=None, ge=0)


# --- the playlist stage's facts: music.playlists, key playlist_id -------------


class PlaylistCreated(Record):
    schema_name = _NS + "PlaylistCreated"
    playlist_id: Id
    owner: Id
    name: str = Field(max_length=NAME_MAX_CHARS)
    description: str = Field(max_length=DESCRIPTION_MAX_CHARS)
    visibility: Visibility
    version: int = Field(ge=1)


class PlaylistRenamed(Record):
    schema_name = _NS + "PlaylistRenamed"
    playlist_id: Id
    actor: Id
    name: str = Field(max_length=NAME_MAX_CHARS)
    version: int = Field(ge=1)


class PlaylistDescribed(Record):
    schema_name = _NS + "PlaylistDescribed"
    playlist_id: Id
    actor: Id
    description: str = Field(max_length=DESCRIPTION_MAX_CHARS)
    version: int = Field(ge=1)


class TracksAdded(Record):
    """Items placed as one run right after `after_item` (None: first). The
    anchor is the resolved one: the command's, or, if that item was removed
    meanwhile, the nearest surviving item before it."""

    schema_name = _NS + "TracksAdded"
    playlist_id: Id
    actor: Id
    items: list[PlaylistItem] = Field(min_length=1, max_length=ITEMS_PER_EDIT_MAX)
    after_item: str | None = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)


class TracksRemoved(_ItemIds):
    """Items taken out; only those that were still in the playlist."""

    schema_name = _NS + "TracksRemoved"
    playlist_id: Id
    actor: Id
    item_ids: list[str] = Field(min_length=1, max_length=ITEMS_PER_EDIT_MAX)
    version: int = Field(ge=1)


class TracksMoved(_ItemIds):
    """Items taken from where they were and placed, as one run in this order,
    right after `after_item` (resolved as TracksAdded's)."""

    schema_name = _NS + "TracksMoved"
    playlist_id: Id
    actor: Id
    item_ids: list[str] = Field(min_length=1, max_length=ITEMS_PER_EDIT_MAX)
    after_item: str | None = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)


class PlaylistVisibilityChanged(Record):
    schema_name = _NS + "PlaylistVisibilityChanged"
    playlist_id: Id
    actor: Id
    visibility: Visibility
    version: int = Field(ge=1)


class ShareLinkCreated(Record):
    schema_name = _NS + "ShareLinkCreated"
    playlist_id: Id
    actor: Id
    token_id: Id
    version: int = Field(ge=1)


class PlaylistFollowed(Record):
    """A follow does not move the version (an editor's If-Match is no
    follower's business): `version` is the playlist's as it was."""

    schema_name = _NS + "PlaylistFollowed"
    playlist_id: Id
    listener: Id
    followers: int = Field(ge=0, description="how many follow it now")
    version: int = Field(ge=1)


class PlaylistUnfollowed(Record):
    schema_name = _NS + "PlaylistUnfollowed"
    playlist_id: Id
    listener: Id
    followers: int = Field(ge=0)
    version: int = Field(ge=1)


class CollaboratorAdded(Record):
    schema_name = _NS + "CollaboratorAdded"
    playlist_id: Id
    actor: Id
    collaborator: Id
    version: int = Field(ge=1)


class CollaboratorRemoved(Record):
    schema_name = _NS + "CollaboratorRemoved"
    playlist_id: Id
    actor: Id
    collaborator: Id
    version: int = Field(ge=1)


class PlaylistCommandRejected(Record):
    schema_name = _NS + "PlaylistCommandRejected"
    playlist_id: Id
    actor: Id
    command_id: str = Field(description="the command's event id")
    command: str = Field(description="its record type, e.g. AddTracks")
    reason: PlaylistRejectReason
    version: int = Field(ge=0, description="the playlist's, unchanged; 0: no such playlist")


PLAYLIST_COMMANDS: tuple[type[Record], ...] = (
    CreatePlaylist,
    RenamePlaylist,
    DescribePlaylist,
    AddTracks,
    RemoveTracks,
    MoveTracks,
    SetPlaylistVisibility,
    CreateShareLink,
    FollowPlaylist,
    UnfollowPlaylist,
    AddCollaborator,
    RemoveCollaborator,
)
PLAYLIST_FACTS: tuple[type[Record], ...] = (
    PlaylistCreated,
    PlaylistRenamed,
    PlaylistDescribed,
    TracksAdded,
    TracksRemoved,
    TracksMoved,
    PlaylistVisibilityChanged,
    ShareLinkCreated,
    PlaylistFollowed,
    PlaylistUnfollowed,
    CollaboratorAdded,
    CollaboratorRemoved,
    PlaylistCommandRejected,
)
