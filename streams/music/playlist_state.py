"""What the playlist stage knows of one playlist, between two commands.

Plain data and small queries; the rules that change it are
playlist_decide.py's. The items are one sequence in the playlist's order
with the removed ones left in place as tombstones: an edit that names an
item removed meanwhile as its anchor is placed after the nearest surviving
item before where that item was (docs/music.md, Playlists), and only a
tombstone remembers where that was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# docs/music.md: a playlist holds at most 10,000 items (tombstones not counted).
MAX_ITEMS = 10_000
# Tombstones kept beyond the live items; past this the oldest removed are
# forgotten, so a playlist edited for years stays small. An edit that names a
# forgotten item is refused as unknown_item (it names what the playlist has
# not held for 10,000 removals).
MAX_TOMBSTONES = 10_000


@dataclass
class Entry:
    """One item in the sequence: live, or a tombstone kept for its place."""

    item_id: str
    track_id: str
    # The playlist's version whose edit removed it; 0 while in the playlist.
    # The oldest removed are forgotten first.
    removed_at: int = 0

    @property
    def live(self) -> bool:
        return self.removed_at == 0


@dataclass
class PlaylistState:
    playlist_id: str
    # None until CreatePlaylist: a playlist the stage has never been told of.
    owner: str | None = None
    name: str = ""
    description: str = ""
    visibility: str = "private"  # schemas.music.playlists.Visibility's value
    # Moves with every change but a follow; 0 before the playlist exists.
    version: int = 0
    collaborators: set[str] = field(default_factory=set)
    share_tokens: set[str] = field(default_factory=set)
    followers: set[str] = field(default_factory=set)
    entries: list[Entry] = field(default_factory=list)
    # The tombstones the last decide forgot: not part of what the playlist
    # is, only what its changelog must delete.
    forgotten: list[str] = field(default_factory=list, compare=False, repr=False)
    # The changelog's view, kept by streams/music/playlist_log.py alone: each
    # entry's predecessor ("" for first) as last written, and the entry. Not
    # part of what the playlist is: how the log finds, without being told,
    # which items an edit gave a new neighbour.
    links: dict[str, tuple[str, Entry]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def exists(self) -> bool:
        return self.owner is not None

    def live_count(self) -> int:
        return sum(1 for e in self.entries if e.live)

    def positions(self) -> dict[str, int]:
        """Each entry's index in the sequence, tombstones included."""
        return {e.item_id: i for i, e in enumerate(self.entries)}

    def may_edit_items(self, listener: str) -> bool:
        return listener == self.owner or listener in self.collaborators

    def may_view(self, listener: str, token_id: str | None) -> bool:
        """Public, or edited by the listener, or opened by a share link."""
        if self.visibility == "public" or self.may_edit_items(listener):
            return True
        return token_id is not None and token_id in self.share_tokens


def visible_items(state: PlaylistState) -> list[tuple[str, str]]:
    """(item_id, track_id) of each item in the playlist, in its order: what a
    listener sees, and what the read model rebuilt from the facts must equal."""
    return [(e.item_id, e.track_id) for e in state.entries if e.live]
