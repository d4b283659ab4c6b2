"""Music records for projection tests, as the gateway and the stages write
them, with envelopes numbered in the order they are added
(tests/unit/projections/numbered_records.py).

`story()` is a session whose read models are known by hand:

- the catalog: artists a1 and a2, album al1, tracks t1 and t2 (a1) and t3
  (a2); t3 is withdrawn;
- ann (SE) starts t1 and ends it: counted in minute M0, session s1; she
  starts t2 (now playing); bob (US) plays t1 in M0 and t3 in M1; ann's play
  of t2 in M1 is counted; a short play of ann's is not counted;
- ann's session s1 ends; ann deletes her history before CUT_MS: her two
  plays leave the charts (removed) and every view;
- ann then plays t2 again after the cut (counted, session s2).

`playlist_story()` drives the real playlist stage (its pure core) through
adds, a removal, moves and edits after removed anchors, recording its facts:
the read model rebuilt from the facts must list the stage's items.
"""

from __future__ import annotations

import itertools
from typing import Any

from schemas.envelope import Record
from schemas.music import catalog as cat
from schemas.music import playlists as pl
from schemas.music import plays as pd
from schemas.music import topics
from streams.music.playlist_decide import decide, new_state
from streams.music.playlist_state import PlaylistState
from streams.sealing import build_record
from tests.unit.projections.numbered_records import T0, NumberedRecords

CATALOG = topics.MUSIC_CATALOG.name
PLAYS = topics.MUSIC_PLAYS.name
LISTENS = topics.MUSIC_LISTENS.name
PLAYLISTS = topics.MUSIC_PLAYLISTS.name

T0_MS = T0 // 1000
# Two chart minutes an hour before the records are recorded.
M0_MS = (T0_MS - 3_600_000) // 60_000 * 60_000
M1_MS = M0_MS + 60_000
CUT_MS = M1_MS + 30_000
AFTER_CUT_MS = M1_MS + 45_000
TRACK_MS = 180_000


class Story(NumberedRecords):
    def catalog(self, model: type[Record], entry_kind: str, entry: str, **fields: Any) -> Record:
        catalog_id = f"{entry_kind}:{entry}"
        return self.add(CATALOG, catalog_id, model, catalog_id=catalog_id, **fields)

    def play(self, model: type[Record], **fields: Any) -> Record:
        return self.add(PLAYS, fields["listener"], model, **fields)

    def listen(self, model: type[Record], **fields: Any) -> Record:
        return self.add(LISTENS, fields["listener"], model, **fields)

    def counted(
        self, listener: str, track: str, artist: str, at_ms: int, country: str, session: str
    ) -> Record:
        return self.listen(
            pd.PlayCounted, listener=listener, track_id=track, artist_id=artist,
            started_at_ms=at_ms, ms_played=TRACK_MS, duration_ms=TRACK_MS, skipped=False,
            context="album", context_id="al1", device="mobile", country=country,
            session_id=session,
        )  # fmt: skip


def ref(track: str, artist: str, at_ms: int, country: str) -> dict[str, Any]:
    return {"track_id": track, "artist_id": artist, "started_at_ms": at_ms, "country": country}


def story() -> Story:
    s = Story()
    s.catalog(cat.ArtistPublished, "artist", "a1", artist_id="a1", name="Ann Artist",
              genres=["pop"])  # fmt: skip
    s.catalog(cat.ArtistPublished, "artist", "a2", artist_id="a2", name="Two", genres=[])
    s.catalog(cat.AlbumPublished, "album", "al1", album_id="al1", artist_id="a1", title="First",
              release_date="2020-05", genres=["pop"])  # fmt: skip
    for track, artist, genres in (("t1", "a1", ["pop", "rock"]), ("t2", "a1", ["pop"]),
                                  ("t3", "a2", ["jazz"])):  # fmt: skip
        s.catalog(cat.TrackPublished, "track", track, track_id=track, album_id="al1",
                  artist_id=artist, title=f"Track {track}", duration_ms=TRACK_MS, genres=genres,
                  release_date="2020-05-01")  # fmt: skip
    s.catalog(cat.CatalogEntryWithdrawn, "track", "t3", kind="track", entry_id="t3")

    s.play(pd.PlayStarted, listener="ann", track_id="t1", started_at_ms=M0_MS, country="SE")
    s.play(pd.PlayEnded, listener="ann", track_id="t1", started_at_ms=M0_MS, ms_played=TRACK_MS)
    s.counted("ann", "t1", "a1", M0_MS, "SE", "s1")
    s.play(pd.PlayStarted, listener="ann", track_id="t2", started_at_ms=M1_MS, country="SE",
           device="desktop")  # fmt: skip
    s.counted("bob", "t1", "a1", M0_MS + 1_000, "US", "b1")
    s.counted("bob", "t3", "a2", M1_MS, "US", "b1")
    s.counted("ann", "t2", "a1", M1_MS, "SE", "s1")
    s.listen(pd.PlayNotCounted, listener="ann", track_id="t1", started_at_ms=M1_MS + 10_000,
             ms_played=5_000, skipped=True, reason="short", context="other", context_id="",
             device="mobile", country="SE")  # fmt: skip
    s.listen(pd.SessionEnded, listener="ann", session_id="s1", started_at_ms=M0_MS,
             ended_at_ms=M1_MS + TRACK_MS, plays=2, ms_played=2 * TRACK_MS)  # fmt: skip

    s.play(pd.DeleteListeningHistory, listener="ann", before_ms=CUT_MS)
    s.listen(pd.ListeningHistoryDeleted, listener="ann", before_ms=CUT_MS,
             removed=[ref("t1", "a1", M0_MS, "SE"), ref("t2", "a1", M1_MS, "SE")])  # fmt: skip
    s.counted("ann", "t2", "a1", AFTER_CUT_MS, "SE", "s2")
    return s


# --- playlists, through the stage's pure core ------------------------------------

_ids = itertools.count(1)


class PlaylistStory(NumberedRecords):
    """Commands decided by the playlist stage; its facts are the steps."""

    def __init__(self) -> None:
        super().__init__()
        self.states: dict[str, PlaylistState] = {}

    def send(self, model: type[Record], playlist_id: str, **payload: Any) -> None:
        command = build_record(
            model, {"playlist_id": playlist_id, **payload}, event_id=f"01CMD{next(_ids):021d}",
            key=playlist_id, producer="test", correlation_id=None, occurred_at=None,
            recorded_at=T0,
        )  # fmt: skip
        state = self.states.setdefault(playlist_id, new_state(playlist_id))
        for fact_model, fields in decide(state, command):
            self.add(PLAYLISTS, playlist_id, fact_model, **fields)


def items(*ids: str) -> list[dict[str, Any]]:
    """AddTracks' items: item "<id>" plays track "t-<id>" (known: a duration)."""
    return [{"item_id": i, "track_id": f"t-{i}", "duration_ms": TRACK_MS} for i in ids]


def playlist_story() -> PlaylistStory:
    s = PlaylistStory()
    s.send(pl.CreatePlaylist, "pl1", actor="ann", name="Mix", visibility="public")
    s.send(pl.AddTracks, "pl1", actor="ann", items=items("i1", "i2", "i3"))
    s.send(pl.AddCollaborator, "pl1", actor="ann", collaborator="bob")
    # Two adds after one anchor: the later lands nearest it.
    s.send(pl.AddTracks, "pl1", actor="bob", items=items("i4"), after_item="i1")
    s.send(pl.AddTracks, "pl1", actor="ann", items=items("i5", "i6"), after_item="i1")
    s.send(pl.RemoveTracks, "pl1", actor="bob", item_ids=["i2"])
    # An add and a move after the removed i2: after the nearest survivor before it.
    s.send(pl.AddTracks, "pl1", actor="ann", items=items("i7"), after_item="i2")
    s.send(pl.MoveTracks, "pl1", actor="bob", item_ids=["i3", "i1"], after_item="i2")
    s.send(pl.MoveTracks, "pl1", actor="ann", item_ids=["i6"])
    s.send(pl.RenamePlaylist, "pl1", actor="ann", name="Mix 2")
    s.send(pl.DescribePlaylist, "pl1", actor="ann", description="for runs")
    s.send(pl.CreateShareLink, "pl1", actor="ann", token_id="tok1")
    s.send(pl.FollowPlaylist, "pl1", actor="cat", listener="cat")
    s.send(pl.FollowPlaylist, "pl1", actor="dan", listener="dan")
    s.send(pl.UnfollowPlaylist, "pl1", actor="dan", listener="dan")
    s.send(pl.SetPlaylistVisibility, "pl1", actor="ann", visibility="private")
    s.send(pl.RenamePlaylist, "pl1", actor="bob", name="not bob's")  # not_allowed
    s.send(pl.CreatePlaylist, "pl2", actor="bob", name="Bob's")
    s.send(pl.AddCollaborator, "pl2", actor="bob", collaborator="ann")
    s.send(pl.RemoveCollaborator, "pl2", actor="ann", collaborator="ann")  # she leaves
    return s
