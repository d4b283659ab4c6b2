"""The music service's commands as the gateway accepts them, in the shared
table shape (gateway/command.py `Command`): a listener's history deletion,
the playlists' commands, and the catalog's lines.

A playlist command names the acting listener in its body (`listener`, the
record's `actor`); a key acts for the listeners it names (music:operator for
all). What the request cannot say is resolved per request
(gateway/music/writes.py): AddTracks' item ids and each track's duration from
the catalog, a share link's token id, If-Match's expected_version. Plays do
not go through this table: their route is a lean path of its own
(gateway/music/plays.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.command import Command
from gateway.music import catalog_requests as cq
from gateway.music import requests as rq
from infra.topics import TopicSpec
from schemas.envelope import Record
from schemas.music import catalog as cat
from schemas.music import playlists as pl
from schemas.music import plays as pr
from schemas.music.ids import catalog_id
from schemas.music.topics import MUSIC_CATALOG, MUSIC_PLAYLIST_COMMANDS, MUSIC_PLAYS

READ = "music:read"
WRITE = "music:write"
# Publishing to the catalog: the label's or the operator's, never a listener's.
CATALOG = "music:catalog"
# An artist's royalty figures.
ANALYTICS = "music:analytics"


def _delete_history(
    req: rq.EmptyRequest, path: rq.DeleteHistoryPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"listener": path.listener, "before_ms": path.before_ms}


def _create(req: rq.CreatePlaylistRequest, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "playlist_id": ids["playlist_id"],
        "actor": req.listener,
        "name": req.name,
        "description": req.description,
        "visibility": req.visibility,
        "expected_version": 0,
    }


def _acted(*fields: str) -> Any:
    """A payload of the path's playlist, the body's listener as the actor and
    `fields` copied from the body."""

    def payload(req: Any, path: rq.PlaylistPath, ids: Mapping[str, str]) -> dict[str, Any]:
        out = {"playlist_id": path.playlist_id, "actor": req.listener}
        out.update({f: getattr(req, f) for f in fields})
        return out

    return payload


def _share_link(
    req: rq.ActorRequest, path: rq.PlaylistPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"playlist_id": path.playlist_id, "actor": req.listener, "token_id": ids["token_id"]}


def _follow(req: rq.FollowRequest, path: rq.PlaylistPath, ids: Mapping[str, str]) -> dict[str, Any]:
    # The token id joins from the checked share token (writes.py), never from the body.
    return {"playlist_id": path.playlist_id, "actor": req.listener, "listener": req.listener}


def _unfollow(
    req: rq.EmptyRequest, path: rq.FollowerPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"playlist_id": path.playlist_id, "actor": path.listener, "listener": path.listener}


def _remove_collaborator(
    req: rq.ActorRequest, path: rq.CollaboratorPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {
        "playlist_id": path.playlist_id,
        "actor": req.listener,
        "collaborator": path.collaborator,
    }


def _command(
    name: str,
    method: str,
    path: str,
    summary: str,
    request: Any,
    path_params: Any,
    record: type[Record],
    payload: Any,
    *,
    topic: TopicSpec = MUSIC_PLAYLIST_COMMANDS,
    scope: str = WRITE,
    assigns: tuple[str, ...] = (),
) -> Command:
    return Command(
        name, method, path, summary, request, path_params, record, topic, scope, payload,
        assigns=assigns,
    )  # fmt: skip


P = "/playlists/{playlist_id}"
DELETE_HISTORY = _command(
    "delete_listening_history",
    "DELETE",
    "/listeners/{listener}/history",
    "Delete the listener's plays that started before before_ms from every figure and chart",
    rq.EmptyRequest,
    rq.DeleteHistoryPath,
    pr.DeleteListeningHistory,
    _delete_history,
    topic=MUSIC_PLAYS,
)
CREATE_PLAYLIST = _command(
    "create_playlist", "POST", "/playlists",
    "Create a playlist owned by the listener: the 202 tells its playlist_id",
    rq.CreatePlaylistRequest, None, pl.CreatePlaylist, _create, assigns=("playlist_id",),
)  # fmt: skip
RENAME_PLAYLIST = _command(
    "rename_playlist", "PUT", P + "/name", "Rename the playlist (its owner)",
    rq.RenameRequest, rq.PlaylistPath, pl.RenamePlaylist, _acted("name"),
)  # fmt: skip
DESCRIBE_PLAYLIST = _command(
    "describe_playlist", "PUT", P + "/description", "Describe the playlist (its owner)",
    rq.DescribeRequest, rq.PlaylistPath, pl.DescribePlaylist, _acted("description"),
)  # fmt: skip
ADD_TRACKS = _command(
    "add_tracks", "POST", P + "/items",
    "Add tracks, in order, after an item (or first): the 202 tells each new item's id",
    rq.AddTracksRequest, rq.PlaylistPath, pl.AddTracks, _acted("after_item"),
)  # fmt: skip
REMOVE_TRACKS = _command(
    "remove_tracks", "DELETE", P + "/items", "Remove items (one removed already changes nothing)",
    rq.RemoveTracksRequest, rq.PlaylistPath, pl.RemoveTracks, _acted("item_ids"),
)  # fmt: skip
MOVE_TRACKS = _command(
    "move_tracks", "POST", P + "/items/move", "Move items, as one run in order, after an item",
    rq.MoveTracksRequest, rq.PlaylistPath, pl.MoveTracks, _acted("item_ids", "after_item"),
)  # fmt: skip
SET_VISIBILITY = _command(
    "set_playlist_visibility", "PUT", P + "/visibility", "Make the playlist public or private",
    rq.VisibilityRequest, rq.PlaylistPath, pl.SetPlaylistVisibility, _acted("visibility"),
)  # fmt: skip
CREATE_SHARE_LINK = _command(
    "create_share_link", "POST", P + "/share-links",
    "A link that opens the playlist to whoever holds it: the 202 tells its share_token "
    "(told once here; the log holds only its token_id)",
    rq.ActorRequest, rq.PlaylistPath, pl.CreateShareLink, _share_link, assigns=("token_id",),
)  # fmt: skip
FOLLOW_PLAYLIST = _command(
    "follow_playlist", "POST", P + "/followers",
    "Follow the playlist (a private one with a share link's token)",
    rq.FollowRequest, rq.PlaylistPath, pl.FollowPlaylist, _follow,
)  # fmt: skip
UNFOLLOW_PLAYLIST = _command(
    "unfollow_playlist", "DELETE", P + "/followers/{listener}", "Stop following the playlist",
    rq.EmptyRequest, rq.FollowerPath, pl.UnfollowPlaylist, _unfollow,
)  # fmt: skip
ADD_COLLABORATOR = _command(
    "add_collaborator", "POST", P + "/collaborators",
    "Let another listener add, remove and move items (the owner)",
    rq.CollaboratorRequest, rq.PlaylistPath, pl.AddCollaborator, _acted("collaborator"),
)  # fmt: skip
REMOVE_COLLABORATOR = _command(
    "remove_collaborator", "DELETE", P + "/collaborators/{collaborator}",
    "Remove a collaborator (the owner), or leave (the collaborator)",
    rq.ActorRequest, rq.CollaboratorPath, pl.RemoveCollaborator, _remove_collaborator,
)  # fmt: skip

# The commands routed from the table, in route order.
COMMANDS: tuple[Command, ...] = (
    DELETE_HISTORY, CREATE_PLAYLIST, RENAME_PLAYLIST, DESCRIBE_PLAYLIST, ADD_TRACKS,
    REMOVE_TRACKS, MOVE_TRACKS, SET_VISIBILITY, CREATE_SHARE_LINK, FOLLOW_PLAYLIST,
    UNFOLLOW_PLAYLIST, ADD_COLLABORATOR, REMOVE_COLLABORATOR,
)  # fmt: skip
# Commands only the playlist's owner may send (a collaborator may leave).
OWNERS = frozenset(
    c.name
    for c in (RENAME_PLAYLIST, DESCRIBE_PLAYLIST, SET_VISIBILITY, CREATE_SHARE_LINK,
              ADD_COLLABORATOR, REMOVE_COLLABORATOR)
)  # fmt: skip
# Commands on the items: the owner's and the collaborators'.
EDITORS = frozenset(c.name for c in (ADD_TRACKS, REMOVE_TRACKS, MOVE_TRACKS))


# --- the catalog: NDJSON lines of POST /v1/music/catalog -----------------------------


def _artist(req: cq.ArtistRequest, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "catalog_id": catalog_id("artist", req.artist_id),
        "artist_id": req.artist_id,
        "name": req.name,
        "genres": list(req.genres),
    }


def _album(req: cq.AlbumRequest, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "catalog_id": catalog_id("album", req.album_id),
        "album_id": req.album_id,
        "artist_id": req.artist_id,
        "title": req.title,
        "release_date": req.release_date,
        "genres": list(req.genres),
    }


def _track(req: cq.TrackRequest, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "catalog_id": catalog_id("track", req.track_id),
        "track_id": req.track_id,
        "album_id": req.album_id,
        "artist_id": req.artist_id,
        "title": req.title,
        "duration_ms": req.duration_ms,
        "genres": list(req.genres),
        "release_date": req.release_date,
        "explicit": req.explicit,
    }


def _withdraw(req: cq.WithdrawRequest, path: None, ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "catalog_id": catalog_id(req.kind, req.entry_id),
        "kind": req.kind,
        "entry_id": req.entry_id,
    }


def _catalog(name: str, summary: str, request: Any, record: type[Record], payload: Any) -> Command:
    return _command(
        name, "POST", "/catalog", summary, request, None, record, payload,
        topic=MUSIC_CATALOG, scope=CATALOG,
    )  # fmt: skip


# What a catalog line's "command" names.
CATALOG_LINES: tuple[Command, ...] = (
    _catalog("artist", "An artist, new or changed", cq.ArtistRequest, cat.ArtistPublished, _artist),
    _catalog("album", "An album, new or changed", cq.AlbumRequest, cat.AlbumPublished, _album),
    _catalog("track", "A track, new or changed", cq.TrackRequest, cat.TrackPublished, _track),
    _catalog(
        "withdraw", "An entry withdrawn", cq.WithdrawRequest, cat.CatalogEntryWithdrawn, _withdraw
    ),
)
