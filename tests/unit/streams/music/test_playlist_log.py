"""The playlist stage's state on its changelog: the parts `touched` names after
each command, kept as a compacted topic keeps them, restore states equal to
the live ones (the same items in the same order, tombstones included) that
decide exactly as they would; an edit writes the items it changed and their
new neighbours, never the whole list."""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest

from schemas.envelope import Record
from schemas.music.playlists import (
    AddCollaborator,
    AddTracks,
    CreatePlaylist,
    CreateShareLink,
    DescribePlaylist,
    FollowPlaylist,
    MoveTracks,
    RemoveCollaborator,
    RemoveTracks,
    RenamePlaylist,
    SetPlaylistVisibility,
    UnfollowPlaylist,
)
from streams.facts import Fact
from streams.music import playlist_decide
from streams.music.playlist_decide import decide, new_state
from streams.music.playlist_log import PlaylistLog
from streams.music.playlist_state import PlaylistState
from tests.unit.streams.music.playlist_driver import command, items

LOG = PlaylistLog()
PLAYLISTS = ("pa", "pb")
PEOPLE = ("olive", "ann", "ben")


def _random_session(seed: int, steps: int = 250) -> list[Record]:
    """Two playlists edited by their owner and collaborators (and refused to
    others): items added, removed and moved around anchors that may be gone,
    tracks the catalog lacks, the playlists' names, visibility, links,
    followers and collaborators."""
    rng = random.Random(seed)
    known: dict[str, list[str]] = {p: [] for p in PLAYLISTS}
    records: list[Record] = [
        command(CreatePlaylist, playlist_id=p, actor="olive", name="mix") for p in PLAYLISTS
    ]
    for step in range(steps):
        playlist, actor, other = rng.choice(PLAYLISTS), rng.choice(PEOPLE), rng.choice(PEOPLE)
        c: dict[str, Any] = {"playlist_id": playlist, "actor": actor}
        ids = known[playlist]
        some = rng.sample(ids, min(len(ids), rng.randint(1, 3)))
        anchor = rng.choice(ids) if ids and rng.random() < 0.8 else None
        roll = rng.random()
        if roll < 0.35:
            new = [f"i{step}x{n}" for n in range(rng.randint(1, 4))]
            added = items(*new)
            if rng.random() < 0.05:
                added[0]["duration_ms"] = None  # the gateway's catalog lacks it
            records.append(command(AddTracks, **c, items=added, after_item=anchor))
            ids.extend(new)
        elif roll < 0.5 and ids:
            records.append(command(RemoveTracks, **c, item_ids=some))
        elif roll < 0.68 and ids:
            records.append(command(MoveTracks, **c, item_ids=some, after_item=anchor))
        elif roll < 0.74:
            command_type = rng.choice([AddCollaborator, RemoveCollaborator])
            records.append(command(command_type, **c, collaborator=other))
        elif roll < 0.8:
            records.append(command(FollowPlaylist, **c, listener=actor))
        elif roll < 0.84:
            records.append(command(UnfollowPlaylist, **c, listener=actor))
        elif roll < 0.88:
            records.append(command(CreateShareLink, **c, token_id=f"tok{step}"))
        elif roll < 0.92:
            records.append(
                command(SetPlaylistVisibility, **c, visibility=rng.choice(["public", "private"]))
            )
        elif roll < 0.96:
            records.append(command(RenamePlaylist, **c, name=rng.choice(["a", "b"])))
        else:
            records.append(command(DescribePlaylist, **c, description=f"d{step % 3}"))
    return records


def _fold(
    changelog: dict[str, bytes], state: PlaylistState, record: Record, facts: list[Fact]
) -> None:
    for sub_key in LOG.touched(state, record, facts):
        value = LOG.entry(state, sub_key)
        if value is None:
            changelog.pop(sub_key, None)
        else:
            changelog[sub_key] = value


@pytest.fixture(autouse=True)
def _few_tombstones(monkeypatch: pytest.MonkeyPatch) -> None:
    """So a session forgets its oldest tombstones too."""
    monkeypatch.setattr(playlist_decide, "MAX_TOMBSTONES", 5)


@pytest.mark.parametrize("seed", range(40))
def test_the_changelog_restores_states_that_decide_the_same(seed: int) -> None:
    live: dict[str, PlaylistState] = {}
    changelogs: dict[str, dict[str, bytes]] = {}
    records = _random_session(seed)
    for i, record in enumerate(records):
        key = record.envelope.key
        state = live.setdefault(key, new_state(key))
        _fold(changelogs.setdefault(key, {}), state, record, decide(state, record))
        if i % 5 == 0 or i == len(records) - 1:
            for playlist, changelog in changelogs.items():
                assert LOG.restore(playlist, changelog) == live[playlist], f"after record {i}"
                assert LOG.parts(live[playlist]) == changelog, f"after record {i}"
    # The restored states go on deciding exactly as the live ones, and their
    # changelogs go on agreeing.
    restored = {p: LOG.restore(p, changelog) for p, changelog in changelogs.items()}
    again_logs = {p: dict(changelog) for p, changelog in changelogs.items()}
    for record in _random_session(seed + 1000, steps=120)[len(PLAYLISTS) :]:
        key = record.envelope.key
        facts = decide(live[key], record)
        again = decide(restored[key], record)
        assert again == facts
        _fold(changelogs[key], live[key], record, facts)
        _fold(again_logs[key], restored[key], record, again)
    assert restored == live
    assert again_logs == changelogs


def test_the_sessions_write_every_kind_of_part() -> None:
    seen: set[str] = set()
    for seed in range(5):
        states: dict[str, PlaylistState] = {}
        for record in _random_session(seed):
            key = record.envelope.key
            state = states.setdefault(key, new_state(key))
            facts = decide(state, record)
            written = [n for n in LOG.touched(state, record, facts) if LOG.entry(state, n)]
            seen |= {name.partition(":")[0] for name in written}
    assert seen == {"meta", "collaborator", "share", "follower", "item"}


def _playlist_of(n: int) -> tuple[PlaylistState, dict[str, bytes]]:
    state, changelog = new_state("pl"), dict[str, bytes]()
    for record in (
        command(CreatePlaylist, playlist_id="pl", actor="olive", name="mix"),
        command(
            AddTracks, playlist_id="pl", actor="olive", items=items(*(f"i{k}" for k in range(n)))
        ),
    ):
        _fold(changelog, state, record, decide(state, record))
    return state, changelog


def test_an_edit_writes_its_items_and_their_new_neighbours_only() -> None:
    state, _ = _playlist_of(50)
    add = command(
        AddTracks, playlist_id="pl", actor="olive", items=items("x", "y"), after_item="i9"
    )
    assert sorted(LOG.touched(state, add, decide(state, add))) == [
        "item:i10", "item:x", "item:y", "meta",
    ]  # fmt: skip
    move = command(MoveTracks, playlist_id="pl", actor="olive", item_ids=["i20"], after_item="i30")
    # i20 itself, i21 that followed it, i31 that now follows it.
    assert sorted(LOG.touched(state, move, decide(state, move))) == [
        "item:i20", "item:i21", "item:i31", "meta",
    ]  # fmt: skip
    remove = command(RemoveTracks, playlist_id="pl", actor="olive", item_ids=["i40"])
    assert sorted(LOG.touched(state, remove, decide(state, remove))) == ["item:i40", "meta"]


def test_a_forgotten_tombstone_is_deleted_and_its_follower_relinked() -> None:
    state, changelog = _playlist_of(10)
    for k in range(6):  # five tombstones kept: the sixth removal forgets i0
        remove = command(RemoveTracks, playlist_id="pl", actor="olive", item_ids=[f"i{k}"])
        _fold(changelog, state, remove, decide(state, remove))
    assert "item:i0" not in changelog
    assert orjson.loads(changelog["item:i1"])[2] == ""
    assert LOG.restore("pl", changelog) == state


def test_a_refused_command_writes_no_items() -> None:
    state, _ = _playlist_of(3)
    stranger = command(RemoveTracks, playlist_id="pl", actor="eve", item_ids=["i1"])
    assert LOG.touched(state, stranger, decide(state, stranger)) == ["meta"]


def test_an_empty_changelog_is_a_new_playlist_and_a_broken_chain_is_refused() -> None:
    assert LOG.restore("pl", {}) == new_state("pl")
    with pytest.raises(ValueError, match="no chain"):
        LOG.restore("pl", {"item:a": b'["t", 0, "gone"]'})
    with pytest.raises(ValueError, match="no part"):
        LOG.restore("pl", {"nonsense": b"1"})
