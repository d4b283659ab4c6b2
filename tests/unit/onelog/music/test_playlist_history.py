"""A playlist's history from its records: a story decided by the playlist
stage's pure core, its commands and facts read back in any order, told as
each command followed by what was decided of it; another playlist's records
left out."""

from __future__ import annotations

import itertools
import random
from typing import Any

from onelog.logged import Logged
from onelog.music.playlist_history import history_text, playlist_history
from schemas.envelope import Record
from schemas.music import playlists as p
from schemas.music.topics import MUSIC_PLAYLIST_COMMANDS, MUSIC_PLAYLISTS
from streams.music.playlist_decide import decide, new_state
from streams.music.playlist_state import PlaylistState
from streams.records import fact_record
from streams.sealing import build_record

_ids = itertools.count(1)
START_US = 1_790_000_000_000_000


class Log:
    """Commands decided in turn, each playlist with its own state; the
    commands and facts kept as the two topics hold them."""

    def __init__(self) -> None:
        self.states: dict[str, PlaylistState] = {}
        self.logged: list[Logged] = []
        self.offsets = {MUSIC_PLAYLIST_COMMANDS.name: 0, MUSIC_PLAYLISTS.name: 0}

    def _keep(self, topic: str, record: Record) -> None:
        self.logged.append(Logged(topic, 0, self.offsets[topic], record))
        self.offsets[topic] += 1

    def send(self, model: type[Record], **payload: Any) -> list[Record]:
        n = next(_ids)
        command = build_record(
            model,
            payload,
            event_id=f"01{n:024d}",
            key=payload["playlist_id"],
            producer="test",
            correlation_id=None,
            occurred_at=None,
            recorded_at=START_US + n * 1_000_000,
        )
        self._keep(MUSIC_PLAYLIST_COMMANDS.name, command)
        state = self.states.setdefault(payload["playlist_id"], new_state(payload["playlist_id"]))
        facts = [
            fact_record(fact, command, i, "music.playlist-stage")
            for i, fact in enumerate(decide(state, command))
        ]
        for fact in facts:
            self._keep(MUSIC_PLAYLISTS.name, fact)
        return facts


def _items(*tracks: str) -> list[dict[str, Any]]:
    return [
        {"item_id": f"i{next(_ids)}", "track_id": track, "duration_ms": 180_000} for track in tracks
    ]


def _story() -> Log:
    log = Log()
    log.send(p.CreatePlaylist, playlist_id="p1", actor="ann", name="Road trip")
    added = log.send(p.AddTracks, playlist_id="p1", actor="ann", items=_items("t1", "t2", "t3"))
    first = added[0].items[0].item_id  # type: ignore[attr-defined]
    log.send(p.CreatePlaylist, playlist_id="p2", actor="zoe", name="Other")
    log.send(p.AddTracks, playlist_id="p1", actor="bob", items=_items("t9"))  # not allowed
    log.send(p.AddCollaborator, playlist_id="p1", actor="ann", collaborator="bob")
    log.send(p.AddTracks, playlist_id="p1", actor="bob", items=_items("t4", "t5"), after_item=first)
    log.send(p.RemoveTracks, playlist_id="p1", actor="ann", item_ids=[first])
    log.send(p.RenamePlaylist, playlist_id="p1", actor="ann", name="Old", expected_version=1)
    log.send(p.SetPlaylistVisibility, playlist_id="p1", actor="ann", visibility="public")
    log.send(p.FollowPlaylist, playlist_id="p1", actor="carol", listener="carol")
    return log


def test_the_story_summed_up() -> None:
    history = playlist_history("p1", _story().logged)
    assert (history.owner, history.name, history.visibility) == ("ann", "Road trip", "public")
    assert (history.added, history.removed, history.items) == (5, 1, 4)
    assert history.collaborators == ["bob"] and history.followers == 1
    assert history.version == 6  # create, add, collaborator, add, remove, public
    assert (history.commands, history.changes) == (9, 7)
    assert [(r.command, r.actor, r.reason) for r in history.rejections] == [
        ("AddTracks", "bob", "not_allowed"),
        ("RenamePlaylist", "ann", "version_conflict"),
    ]
    assert all(line.fields.get("playlist_id") == "p1" for line in history.lines)


def test_each_command_is_followed_by_its_decision_whatever_order_the_log_is_read_in() -> None:
    logged = _story().logged
    expected = [line.record_type for line in playlist_history("p1", logged).lines]
    assert expected[:4] == ["CreatePlaylist", "PlaylistCreated", "AddTracks", "TracksAdded"]
    assert expected[4:6] == ["AddTracks", "PlaylistCommandRejected"]
    for seed in range(5):
        shuffled = list(logged)
        random.Random(seed).shuffle(shuffled)
        assert [line.record_type for line in playlist_history("p1", shuffled).lines] == expected
    # Versions on facts only; a command has none.
    lines = playlist_history("p1", logged).lines
    assert [line.version for line in lines[:4]] == [None, 1, None, 2]


def test_the_text_says_who_did_what_and_why_a_command_was_refused() -> None:
    text = history_text(playlist_history("p1", _story().logged))
    assert 'playlist p1 "Road trip" by ann (public), version 6' in text
    assert "items:         4 (added 5, removed 1)" in text
    assert "AddTracks by bob: not_allowed (the listener may not do this" in text
    assert 'ann asks to rename it "Old" (if at version 1)' in text
    assert "bob asks to add 2 tracks after i" in text
    assert "followed by carol (1 follower)" in text
    assert "bob asks to add 1 track first: t9" in text


def test_a_playlist_the_log_does_not_name_has_no_history() -> None:
    assert playlist_history("nobody", _story().logged).lines == []
    # Refused for want of the playlist: the history is the refusal.
    log = Log()
    log.send(p.RenamePlaylist, playlist_id="p9", actor="ann", name="x")
    history = playlist_history("p9", log.logged)
    assert history.created == "" and [r.reason for r in history.rejections] == ["not_found"]
    assert "not (no PlaylistCreated on the log)" in history_text(history)


def _recorded_at(record: Record, at: int) -> Record:
    return record.model_copy(
        update={"envelope": record.envelope.model_copy(update={"recorded_at": at})}
    )


def test_commands_are_told_in_the_order_the_stage_decided_them_on_the_log() -> None:
    log = Log()
    log.send(p.CreatePlaylist, playlist_id="p3", actor="ann", name="Mix")
    log.send(p.RenamePlaylist, playlist_id="p3", actor="ann", name="First")
    log.send(p.RenamePlaylist, playlist_id="p3", actor="ann", name="Second")
    # Two gateway processes: the rename logged last was recorded a moment
    # before the other (its fact carries its time).
    first_at = log.logged[2].record.envelope.recorded_at
    logged = [
        Logged(x.topic, x.partition, x.offset, _recorded_at(x.record, first_at - 500_000))
        if n >= 4
        else x
        for n, x in enumerate(log.logged)
    ]
    for seed in range(3):
        random.Random(seed).shuffle(logged)
        history = playlist_history("p3", logged)
        names = [line.fields["name"] for line in history.lines if "name" in line.fields]
        assert names == ["Mix", "Mix", "First", "First", "Second", "Second"]
        assert (history.name, history.version) == ("Second", 3)
