"""The playlist stage's state as small parts on its changelog (the StateLog
of streams/state_log.py for `PlaylistState`).

Parts of one playlist, each orjson:

    meta                [owner, name, description, visibility, version]
                        (none until CreatePlaylist)
    collaborator:<id>   1: <id> may edit the items
    share:<token>       1: a share link opens the playlist
    follower:<id>       1: <id> follows it
    item:<id>           [track_id, removed_at, prev]: an entry of the sequence
                        (removed_at 0 while live, else a tombstone) and the
                        entry before it ("" for the first)

The order is a chain of `prev` links, so an edit writes the items it names
and the few whose neighbour it changed (the item after an added or moved
run, the item that followed a moved one), never the playlist's 10,000
items. Which links changed the log finds itself: it keeps each entry's
predecessor as last written (`PlaylistState.links`) and compares after an
edit of the items. Forgotten tombstones are deleted from
`PlaylistState.forgotten`. Ids hold no ":", so a sub-key splits at its first
":".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from schemas.envelope import Record
from schemas.music.playlists import (
    AddCollaborator,
    CollaboratorAdded,
    CollaboratorRemoved,
    CreateShareLink,
    FollowPlaylist,
    PlaylistFollowed,
    PlaylistUnfollowed,
    RemoveCollaborator,
    ShareLinkCreated,
    TracksAdded,
    TracksMoved,
    TracksRemoved,
    UnfollowPlaylist,
)
from streams.facts import Fact
from streams.music.playlist_state import Entry, PlaylistState

META = "meta"
COLLABORATOR = "collaborator:"
SHARE = "share:"
FOLLOWER = "follower:"
ITEM = "item:"

_PRESENT = orjson.dumps(1)
_ITEM_FACTS = (TracksAdded, TracksRemoved, TracksMoved)


class PlaylistLog:
    """Writes and restores one playlist's state as parts. Pure but for the
    state's `links`, which it alone keeps."""

    def touched(self, state: PlaylistState, cause: Record, facts: Sequence[Fact]) -> list[str]:
        if not facts:
            return []  # nothing changed (a no-op command)
        parts = [META]  # the version, or the playlist itself
        if isinstance(cause, AddCollaborator | RemoveCollaborator):
            parts.append(COLLABORATOR + cause.collaborator)
        elif isinstance(cause, CreateShareLink):
            parts.append(SHARE + cause.token_id)
        elif isinstance(cause, FollowPlaylist | UnfollowPlaylist):
            parts.append(FOLLOWER + cause.listener)
        for kind, payload in facts:
            if kind is TracksRemoved:
                parts += [ITEM + i for i in payload["item_ids"]]
            elif kind is CollaboratorAdded or kind is CollaboratorRemoved:
                parts.append(COLLABORATOR + payload["collaborator"])
            elif kind is ShareLinkCreated:
                parts.append(SHARE + payload["token_id"])
            elif kind is PlaylistFollowed or kind is PlaylistUnfollowed:
                parts.append(FOLLOWER + payload["listener"])
        if state.forgotten or any(kind in _ITEM_FACTS for kind, _ in facts):
            parts += self._relinked(state)
        return parts

    def _relinked(self, state: PlaylistState) -> list[str]:
        """The items whose predecessor changed since last written (new ones
        included), and the forgotten ones; `links` brought up to date."""
        changed = []
        for item_id in state.forgotten:
            state.links.pop(item_id, None)
            changed.append(ITEM + item_id)
        prev = ""
        for e in state.entries:
            link = state.links.get(e.item_id)
            if link is None or link[0] != prev or link[1] is not e:
                state.links[e.item_id] = (prev, e)
                changed.append(ITEM + e.item_id)
            prev = e.item_id
        return changed

    def entry(self, state: PlaylistState, sub_key: str) -> bytes | None:
        if sub_key == META:
            if not state.exists:
                return None
            return orjson.dumps(
                [state.owner, state.name, state.description, state.visibility, state.version]
            )
        kind, _, name = sub_key.partition(":")
        if kind == "collaborator":
            return _PRESENT if name in state.collaborators else None
        if kind == "share":
            return _PRESENT if name in state.share_tokens else None
        if kind == "follower":
            return _PRESENT if name in state.followers else None
        if kind == "item":
            link = state.links.get(name)
            if link is None:
                return None
            prev, e = link
            return orjson.dumps([e.track_id, e.removed_at, prev])
        raise ValueError(f"{sub_key!r} is no part of a playlist's state")

    def restore(self, key: str, parts: Mapping[str, bytes]) -> PlaylistState:
        state = PlaylistState(key)
        after: dict[str, tuple[str, Entry]] = {}  # prev -> the entry after it
        for sub_key, value in parts.items():
            data: Any = orjson.loads(value)
            kind, _, name = sub_key.partition(":")
            if sub_key == META:
                state.owner, state.name, state.description, state.visibility, state.version = data
            elif kind == "collaborator":
                state.collaborators.add(name)
            elif kind == "share":
                state.share_tokens.add(name)
            elif kind == "follower":
                state.followers.add(name)
            elif kind == "item":
                track_id, removed_at, prev = data
                after[prev] = (name, Entry(name, track_id, removed_at))
            else:
                raise ValueError(f"{sub_key!r} is no part of a playlist's state")
        prev = ""
        while prev in after:
            item_id, e = after.pop(prev)
            state.entries.append(e)
            state.links[item_id] = (prev, e)
            prev = item_id
        if after:
            raise ValueError(
                f"playlist {key!r}: items {sorted(after)} are in no chain from the first"
            )
        return state

    def parts(self, state: PlaylistState) -> dict[str, bytes]:
        """Every live part of `state`, from its entries alone (not `links`):
        what a compacted changelog must hold of it."""
        out: dict[str, bytes] = {}
        meta = self.entry(state, META)
        if meta is not None:
            out[META] = meta
        out |= {COLLABORATOR + c: _PRESENT for c in state.collaborators}
        out |= {SHARE + t: _PRESENT for t in state.share_tokens}
        out |= {FOLLOWER + f: _PRESENT for f in state.followers}
        prev = ""
        for e in state.entries:
            out[ITEM + e.item_id] = orjson.dumps([e.track_id, e.removed_at, prev])
            prev = e.item_id
        return out
