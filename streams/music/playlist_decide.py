"""The playlist stage, pure: `decide(state, command) -> facts` for one
playlist.

Concurrent edits resolve by the log's order on the playlist's partition
(docs/music.md, Playlists): each command is decided against the state every
earlier command left, so the same commands in the same order give the same
facts, whoever sent them and whatever they had seen.

- Positions are anchors, "after item X" (None: first). New items go right
  after their anchor, so of two adds after one item the later-decided lands
  first (nearest the anchor, as Spotify and RGA place it).
- An anchor removed meanwhile stands for the nearest surviving item before
  where it was: its tombstone keeps the place. A move whose anchor is one of
  the items it moves resolves the same way, among the items staying.
- A remove of an item already removed changes nothing. Generally, a command
  whose effect already holds (a rename to the same name, a second follow)
  changes nothing and emits nothing: the version moves only with a change.
- `expected_version` (If-Match) that is not the playlist's version is
  `version_conflict`, checked after existence and rights.

Rights: the owner may do everything. Collaborators edit the items (add,
remove, move) and may leave (remove themselves); the name, description,
visibility, share links and collaborators are the owner's alone, as the
playlist's identity and who may see or change it are the owner's to choose.
A listener follows or unfollows only for themselves, and follows what they
may view (public, edited by them, or opened by a share link's token).

The facts name the resolved anchor, so the read side rebuilds the visible
list from them alone: insert right after `after_item` (or first), remove,
or take out and insert as one run. Follows do not move the version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from schemas.envelope import Record
from schemas.music.playlists import (
    AddCollaborator,
    AddTracks,
    CollaboratorAdded,
    CollaboratorRemoved,
    CreatePlaylist,
    CreateShareLink,
    DescribePlaylist,
    FollowPlaylist,
    MoveTracks,
    PlaylistCommandRejected,
    PlaylistCreated,
    PlaylistDescribed,
    PlaylistFollowed,
    PlaylistRenamed,
    PlaylistUnfollowed,
    PlaylistVisibilityChanged,
    RemoveCollaborator,
    RemoveTracks,
    RenamePlaylist,
    SetPlaylistVisibility,
    ShareLinkCreated,
    TracksAdded,
    TracksMoved,
    TracksRemoved,
    UnfollowPlaylist,
)
from streams.facts import Fact
from streams.music.playlist_rejections import PlaylistRejection
from streams.music.playlist_state import MAX_ITEMS, MAX_TOMBSTONES, Entry, PlaylistState

R = PlaylistRejection


def new_state(playlist_id: str) -> PlaylistState:
    return PlaylistState(playlist_id)


def decide(state: PlaylistState, record: Record) -> list[Fact]:
    """The facts `record` leads to for this playlist; applies them to `state`."""
    state.forgotten.clear()
    if isinstance(record, CreatePlaylist):
        return _create(state, record)
    rule = _RIGHTS.get(type(record))
    if rule is None:
        raise TypeError(f"the playlist stage takes no {type(record).__name__}")
    if not state.exists:
        return _reject(state, record, R.NOT_FOUND)
    if not rule(state, record):
        return _reject(state, record, R.NOT_ALLOWED)
    expected = getattr(record, "expected_version", None)
    if expected is not None and expected != state.version:
        return _reject(state, record, R.VERSION_CONFLICT)
    if isinstance(record, AddTracks):
        return _add(state, record)
    if isinstance(record, RemoveTracks):
        return _remove(state, record)
    if isinstance(record, MoveTracks):
        return _move(state, record)
    if isinstance(record, RenamePlaylist):
        return _rename(state, record)
    if isinstance(record, DescribePlaylist):
        return _describe(state, record)
    if isinstance(record, SetPlaylistVisibility):
        return _set_visibility(state, record)
    if isinstance(record, CreateShareLink):
        return _create_share_link(state, record)
    if isinstance(record, FollowPlaylist | UnfollowPlaylist):
        return _follow(state, record)
    if isinstance(record, AddCollaborator | RemoveCollaborator):
        return _collaborate(state, record)
    raise TypeError(f"the playlist stage takes no {type(record).__name__}")


# --- who may do what ---------------------------------------------------------------


def _owner(state: PlaylistState, c: Any) -> bool:
    return bool(c.actor == state.owner)


def _editor(state: PlaylistState, c: Any) -> bool:
    return state.may_edit_items(c.actor)


def _owner_or_leaving(state: PlaylistState, c: Any) -> bool:
    return _owner(state, c) or (c.actor == c.collaborator and c.actor in state.collaborators)


def _follows_for_themselves(state: PlaylistState, c: Any) -> bool:
    if c.actor != c.listener:
        return False
    return isinstance(c, UnfollowPlaylist) or state.may_view(c.listener, c.token_id)


_RIGHTS: dict[type[Record], Callable[[PlaylistState, Any], bool]] = {
    RenamePlaylist: _owner,
    DescribePlaylist: _owner,
    SetPlaylistVisibility: _owner,
    CreateShareLink: _owner,
    AddCollaborator: _owner,
    RemoveCollaborator: _owner_or_leaving,
    AddTracks: _editor,
    RemoveTracks: _editor,
    MoveTracks: _editor,
    FollowPlaylist: _follows_for_themselves,
    UnfollowPlaylist: _follows_for_themselves,
}


def _reject(state: PlaylistState, c: Any, reason: PlaylistRejection) -> list[Fact]:
    return [(PlaylistCommandRejected, {
        "playlist_id": state.playlist_id, "actor": c.actor,
        "command_id": c.envelope.event_id, "command": type(c).__name__,
        "reason": reason.value, "version": state.version,
    })]  # fmt: skip


def _next_version(state: PlaylistState) -> int:
    state.version += 1
    return state.version


# --- the playlist ------------------------------------------------------------------


def _create(state: PlaylistState, c: CreatePlaylist) -> list[Fact]:
    if state.exists:
        return _reject(state, c, R.ALREADY_EXISTS)
    if c.expected_version not in (None, 0):
        return _reject(state, c, R.VERSION_CONFLICT)
    state.owner = c.actor
    state.name, state.description, state.visibility = c.name, c.description, c.visibility
    return [(PlaylistCreated, {
        "playlist_id": state.playlist_id, "owner": c.actor, "name": c.name,
        "description": c.description, "visibility": c.visibility,
        "version": _next_version(state),
    })]  # fmt: skip


def _rename(state: PlaylistState, c: RenamePlaylist) -> list[Fact]:
    if c.name == state.name:
        return []
    state.name = c.name
    return [(PlaylistRenamed, {
        "playlist_id": state.playlist_id, "actor": c.actor, "name": c.name,
        "version": _next_version(state),
    })]  # fmt: skip


def _describe(state: PlaylistState, c: DescribePlaylist) -> list[Fact]:
    if c.description == state.description:
        return []
    state.description = c.description
    return [(PlaylistDescribed, {
        "playlist_id": state.playlist_id, "actor": c.actor, "description": c.description,
        "version": _next_version(state),
    })]  # fmt: skip


def _set_visibility(state: PlaylistState, c: SetPlaylistVisibility) -> list[Fact]:
    if c.visibility == state.visibility:
        return []
    state.visibility = c.visibility
    return [(PlaylistVisibilityChanged, {
        "playlist_id": state.playlist_id, "actor": c.actor, "visibility": c.visibility,
        "version": _next_version(state),
    })]  # fmt: skip


def _create_share_link(state: PlaylistState, c: CreateShareLink) -> list[Fact]:
    if c.token_id in state.share_tokens:
        return _reject(state, c, R.ALREADY_EXISTS)
    state.share_tokens.add(c.token_id)
    return [(ShareLinkCreated, {
        "playlist_id": state.playlist_id, "actor": c.actor, "token_id": c.token_id,
        "version": _next_version(state),
    })]  # fmt: skip


def _follow(state: PlaylistState, c: FollowPlaylist | UnfollowPlaylist) -> list[Fact]:
    following = c.listener in state.followers
    if isinstance(c, FollowPlaylist):
        if following:
            return []
        state.followers.add(c.listener)
        return [(PlaylistFollowed, {
            "playlist_id": state.playlist_id, "listener": c.listener,
            "followers": len(state.followers), "version": state.version,
        })]  # fmt: skip
    if not following:
        return []
    state.followers.discard(c.listener)
    return [(PlaylistUnfollowed, {
        "playlist_id": state.playlist_id, "listener": c.listener,
        "followers": len(state.followers), "version": state.version,
    })]  # fmt: skip


def _collaborate(state: PlaylistState, c: AddCollaborator | RemoveCollaborator) -> list[Fact]:
    if isinstance(c, AddCollaborator):
        # The owner edits already: no collaborator of their own playlist.
        if c.collaborator == state.owner or c.collaborator in state.collaborators:
            return []
        state.collaborators.add(c.collaborator)
        return [(CollaboratorAdded, {
            "playlist_id": state.playlist_id, "actor": c.actor,
            "collaborator": c.collaborator, "version": _next_version(state),
        })]  # fmt: skip
    if c.collaborator not in state.collaborators:
        return []
    state.collaborators.discard(c.collaborator)
    return [(CollaboratorRemoved, {
        "playlist_id": state.playlist_id, "actor": c.actor,
        "collaborator": c.collaborator, "version": _next_version(state),
    })]  # fmt: skip


# --- the items ---------------------------------------------------------------------


def _add(state: PlaylistState, c: AddTracks) -> list[Fact]:
    at = state.positions()
    if c.after_item is not None and c.after_item not in at:
        return _reject(state, c, R.UNKNOWN_ITEM)
    new_ids = [item.item_id for item in c.items]
    if len(set(new_ids)) < len(new_ids) or any(i in at for i in new_ids):
        return _reject(state, c, R.ALREADY_EXISTS)
    # A track is known when the gateway, which looked it up in its catalog
    # read model, stamped its duration on the item.
    if not all(item.duration_ms is not None for item in c.items):
        return _reject(state, c, R.UNKNOWN_TRACK)
    if state.live_count() + len(c.items) > MAX_ITEMS:
        return _reject(state, c, R.TOO_MANY_ITEMS)
    anchor, index = _place(state.entries, at, c.after_item, leaving=frozenset())
    state.entries[index:index] = [Entry(i.item_id, i.track_id) for i in c.items]
    return [(TracksAdded, {
        "playlist_id": state.playlist_id, "actor": c.actor,
        "items": [i.model_dump() for i in c.items], "after_item": anchor,
        "version": _next_version(state),
    })]  # fmt: skip


def _remove(state: PlaylistState, c: RemoveTracks) -> list[Fact]:
    at = state.positions()
    if any(i not in at for i in c.item_ids):
        return _reject(state, c, R.UNKNOWN_ITEM)
    removed = [i for i in _once(c.item_ids) if state.entries[at[i]].live]
    if not removed:
        return []
    version = _next_version(state)
    for item_id in removed:
        state.entries[at[item_id]].removed_at = version
    _forget_oldest_tombstones(state)
    return [(TracksRemoved, {
        "playlist_id": state.playlist_id, "actor": c.actor, "item_ids": removed,
        "version": version,
    })]  # fmt: skip


def _move(state: PlaylistState, c: MoveTracks) -> list[Fact]:
    at = state.positions()
    if any(i not in at for i in c.item_ids) or (
        c.after_item is not None and c.after_item not in at
    ):
        return _reject(state, c, R.UNKNOWN_ITEM)
    # A removed item stays removed: moving it is nothing, as removing it again.
    moving = [i for i in _once(c.item_ids) if state.entries[at[i]].live]
    if not moving:
        return []
    leaving = frozenset(moving)
    anchor, index = _place(state.entries, at, c.after_item, leaving)
    # Taken out, the items before the insertion point shift it left.
    index -= sum(1 for i in moving if at[i] < index)
    run = [state.entries[at[i]] for i in moving]
    staying = [e for e in state.entries if e.item_id not in leaving]
    moved = staying[:index] + run + staying[index:]
    if [e.item_id for e in moved] == [e.item_id for e in state.entries]:
        return []
    state.entries = moved
    return [(TracksMoved, {
        "playlist_id": state.playlist_id, "actor": c.actor, "item_ids": moving,
        "after_item": anchor, "version": _next_version(state),
    })]  # fmt: skip


def _place(
    entries: list[Entry], at: dict[str, int], after_item: str | None, leaving: frozenset[str]
) -> tuple[str | None, int]:
    """(the resolved anchor, the index to insert at) for items placed after
    `after_item` while `leaving` are taken out.

    The insertion point is right after the anchor's entry, tombstone or not,
    so later inserts after it land nearest it; an anchor that is leaving
    gives way to the nearest entry before it that stays. The resolved anchor
    is the nearest live, staying item at or before the anchor: the only
    entries between it and the insertion point are tombstones and leaving
    items, so "right after the resolved anchor" is the same place among the
    items a listener sees (None: first).
    """
    if after_item is None:
        return None, 0
    start = at[after_item]
    index = 0
    for i in range(start, -1, -1):
        if entries[i].item_id not in leaving:
            index = i + 1
            break
    for i in range(start, -1, -1):
        e = entries[i]
        if e.live and e.item_id not in leaving:
            return e.item_id, index
    return None, index


def _once(ids: Iterable[str]) -> list[str]:
    """The ids in order, each once: an id named twice is one item."""
    return list(dict.fromkeys(ids))


def _forget_oldest_tombstones(state: PlaylistState) -> None:
    tombstones = [e for e in state.entries if not e.live]
    excess = len(tombstones) - MAX_TOMBSTONES
    if excess <= 0:
        return
    # Oldest removal first; ties (one remove of many) by place, so it is the same on every replay.
    place = {e.item_id: i for i, e in enumerate(state.entries)}
    oldest = sorted(tombstones, key=lambda e: (e.removed_at, place[e.item_id]))[:excess]
    gone = {e.item_id for e in oldest}
    state.entries = [e for e in state.entries if e.item_id not in gone]
    state.forgotten.extend(e.item_id for e in oldest)
