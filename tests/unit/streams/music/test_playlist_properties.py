"""Two editors' edits to one playlist in any interleaving (Hypothesis): the
log's order decides, so the same order gives the same facts and list on
every replay; every item added and never removed is there exactly once; an
edit leaves the order of the items it does not name as it was; and the read
side's list, rebuilt from the facts alone, is the stage's after every step.

Each editor anchors on, removes and moves the playlist's first items and
its own: what two people editing one shared playlist at once do, each
unaware of the other's edits meanwhile (so an anchor the other removed, or
moved, is met often).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.envelope import Record
from schemas.music.playlists import (
    AddCollaborator,
    AddTracks,
    CreatePlaylist,
    MoveTracks,
    RemoveTracks,
    TracksAdded,
    TracksRemoved,
)
from streams.facts import Fact
from tests.unit.streams.music.playlist_driver import Playlist, command, items

SEEDS = [f"s{n}" for n in range(6)]

# An edit as drawn: its kind, and which items it names as picks among the
# items its editor knows of then (the seeds and its own added so far, removed
# or not), so every id it names exists when the editor sends it.
_pick = st.integers(0, 63)
_anchor = st.none() | _pick
_picks = st.lists(_pick, min_size=1, max_size=3)
_edit = st.one_of(
    st.tuples(st.just("add"), st.integers(1, 3), _anchor),
    st.tuples(st.just("remove"), _picks),
    st.tuples(st.just("move"), _picks, _anchor),
)


def _commands(editor: str, edits: list[tuple[Any, ...]]) -> list[Record]:
    """The editor's edits as commands, its new items numbered in its own order."""
    made: list[Record] = []
    known = list(SEEDS)

    def named(pick: int | None) -> str | None:
        return None if pick is None else known[pick % len(known)]

    for edit in edits:
        common = {"playlist_id": "pl", "actor": editor}
        if edit[0] == "add":
            ids = [f"{editor}{len(known) - len(SEEDS) + n}" for n in range(edit[1])]
            made.append(command(AddTracks, **common, items=items(*ids), after_item=named(edit[2])))
            known.extend(ids)
        elif edit[0] == "remove":
            made.append(command(RemoveTracks, **common, item_ids=[named(i) for i in edit[1]]))
        else:
            made.append(command(MoveTracks, **common, item_ids=[named(i) for i in edit[1]],
                                after_item=named(edit[2])))  # fmt: skip
    return made


def _interleave(a: list[Record], b: list[Record], schedule: list[bool]) -> list[Record]:
    """a's and b's commands in one order of the log, each editor's own kept."""
    a, b, merged = list(a), list(b), []
    for take_a in schedule:
        source = a if (take_a and a) or not b else b
        if source:
            merged.append(source.pop(0))
    return merged + a + b


def _opening() -> list[Record]:
    """The owner's playlist of SEEDS, with ann and ben as collaborators."""
    return [
        command(CreatePlaylist, playlist_id="pl", actor="olive", name="Shared"),
        command(AddTracks, playlist_id="pl", actor="olive", items=items(*SEEDS)),
        command(AddCollaborator, playlist_id="pl", actor="olive", collaborator="ann"),
        command(AddCollaborator, playlist_id="pl", actor="olive", collaborator="ben"),
    ]


def _named(record: Record) -> set[str]:
    if isinstance(record, AddTracks):
        return {item.item_id for item in record.items}
    if isinstance(record, RemoveTracks | MoveTracks):
        return set(record.item_ids)
    return set()


two_editors = st.tuples(
    st.lists(_edit, max_size=12),
    st.lists(_edit, max_size=12),
    st.lists(st.booleans(), max_size=24),
)
_settings = settings(max_examples=300, deadline=None, database=None, derandomize=True)


def _run(log: list[Record]) -> tuple[Playlist, list[list[Fact]]]:
    p = Playlist()
    return p, [p.decide(record) for record in log]


@_settings
@given(two_editors)
def test_the_same_order_gives_the_same_facts_and_list(
    edits: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[bool]],
) -> None:
    ann, ben, schedule = edits
    log = _opening() + _interleave(_commands("ann", ann), _commands("ben", ben), schedule)
    first, first_facts = _run(log)
    again, again_facts = _run(log)
    assert first_facts == again_facts
    assert first.items() == again.items()
    assert first.state == again.state


@_settings
@given(two_editors)
def test_every_item_added_and_never_removed_is_there_exactly_once(
    edits: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[bool]],
) -> None:
    ann, ben, schedule = edits
    log = _opening() + _interleave(_commands("ann", ann), _commands("ben", ben), schedule)
    p, _ = _run(log)
    added = {i["item_id"] for m, f in p.log if m is TracksAdded for i in f["items"]}
    removed = {i for m, f in p.log if m is TracksRemoved for i in f["item_ids"]}
    listed = p.items()
    assert sorted(listed) == sorted(added - removed)  # each once, none removed
    assert set(SEEDS) - removed <= set(listed)


@_settings
@given(two_editors)
def test_an_edit_keeps_the_order_of_the_items_it_does_not_name(
    edits: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[bool]],
) -> None:
    ann, ben, schedule = edits
    log = _opening() + _interleave(_commands("ann", ann), _commands("ben", ben), schedule)
    p = Playlist()
    for record in log:
        before = p.items()
        p.decide(record)
        after = p.items()  # also: the read side's list is the stage's
        untouched = [i for i in before if i not in _named(record)]
        assert [i for i in after if i in set(untouched)] == untouched


@_settings
@given(two_editors)
def test_every_change_moves_the_version_by_exactly_one(
    edits: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[bool]],
) -> None:
    ann, ben, schedule = edits
    log = _opening() + _interleave(_commands("ann", ann), _commands("ben", ben), schedule)
    p, facts = _run(log)
    versions = [
        f["version"] for step in facts for m, f in step if m.__name__ != "PlaylistCommandRejected"
    ]
    assert versions == list(range(1, len(versions) + 1))
    assert p.state.version == len(versions)
