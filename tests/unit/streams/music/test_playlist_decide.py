"""The playlist stage's rules, one case each: ordering by anchors and
tombstones, rights, versions, limits and the reasons a command is refused.
Every case also holds the read side's list, rebuilt from the facts alone,
equal to the stage's (playlist_driver.Playlist.items)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

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
    PlaylistCommandRejected,
    PlaylistCreated,
    PlaylistFollowed,
    RemoveCollaborator,
    RemoveTracks,
    RenamePlaylist,
    SetPlaylistVisibility,
    TracksAdded,
    TracksMoved,
    UnfollowPlaylist,
)
from streams.music import playlist_state
from streams.music.playlist_decide import decide, new_state
from tests.unit.streams.music.playlist_driver import Playlist, command, items, names, reasons

Step = tuple[type[Record], dict[str, Any]]


def created(owner: str = "olive", tracks: Collection[str] | None = None) -> Playlist:
    p = Playlist(tracks=tracks)
    p.send(CreatePlaylist, actor=owner, name="Road trip")
    return p


def with_items(*ids: str) -> Playlist:
    p = created()
    p.send(AddTracks, actor="olive", items=items(*ids))
    return p


# --- creating ---------------------------------------------------------------------


def test_a_playlist_is_created_owned_by_its_creator_at_version_1() -> None:
    p = Playlist()
    facts = p.send(CreatePlaylist, actor="olive", name="Road trip", description="long drives")
    assert facts == [(PlaylistCreated, {
        "playlist_id": "pl", "owner": "olive", "name": "Road trip",
        "description": "long drives", "visibility": "private", "version": 1,
    })]  # fmt: skip
    assert p.state.owner == "olive" and p.state.version == 1


def test_a_second_create_is_already_exists_and_changes_nothing() -> None:
    p = created()
    facts = p.send(CreatePlaylist, actor="mallory", name="Mine now")
    assert reasons(facts) == ["already_exists"]
    assert p.state.owner == "olive" and p.state.name == "Road trip" and p.state.version == 1


def test_any_command_to_a_playlist_never_created_is_not_found() -> None:
    p = Playlist()
    assert reasons(p.send(AddTracks, actor="olive", items=items("a"))) == ["not_found"]
    assert reasons(p.send(FollowPlaylist, actor="bob", listener="bob")) == ["not_found"]
    assert [fact[1]["version"] for fact in p.log] == [0, 0]


# --- ordering by anchors ------------------------------------------------------------


def test_items_go_after_their_anchor_or_first() -> None:
    p = with_items("a", "b")
    p.send(AddTracks, actor="olive", items=items("x", "y"), after_item="a")
    p.send(AddTracks, actor="olive", items=items("f"))
    assert p.items() == ["f", "a", "x", "y", "b"]


def test_two_adds_after_one_item_both_land_the_later_decided_nearest_the_anchor() -> None:
    p = with_items("a", "b")
    p.send(AddTracks, actor="olive", items=items("x"), after_item="a")
    p.send(AddTracks, actor="olive", items=items("y"), after_item="a")
    assert p.items() == ["a", "y", "x", "b"]


def test_an_add_after_an_item_removed_meanwhile_goes_after_the_nearest_one_left_before_it() -> None:
    p = with_items("a", "b", "c", "d")
    p.send(RemoveTracks, actor="olive", item_ids=["b", "c"])
    facts = p.send(AddTracks, actor="olive", items=items("x"), after_item="c")
    assert facts[0][0] is TracksAdded and facts[0][1]["after_item"] == "a"  # the resolved anchor
    assert p.items() == ["a", "x", "d"]


def test_an_add_after_a_removed_first_item_goes_first() -> None:
    p = with_items("a", "b")
    p.send(RemoveTracks, actor="olive", item_ids=["a"])
    facts = p.send(AddTracks, actor="olive", items=items("x"), after_item="a")
    assert facts[0][1]["after_item"] is None
    assert p.items() == ["x", "b"]


def test_adds_after_one_tombstone_keep_the_later_decided_first() -> None:
    p = with_items("a", "b", "c")
    p.send(RemoveTracks, actor="olive", item_ids=["b"])
    p.send(AddTracks, actor="olive", items=items("x"), after_item="b")
    p.send(AddTracks, actor="olive", items=items("y"), after_item="b")
    p.send(AddTracks, actor="olive", items=items("z"), after_item="a")
    assert p.items() == ["a", "z", "y", "x", "c"]


def test_a_move_places_the_items_as_one_run_in_the_order_given() -> None:
    p = with_items("a", "b", "c", "d", "e")
    facts = p.send(MoveTracks, actor="olive", item_ids=["d", "b"], after_item="e")
    assert facts[0][0] is TracksMoved and facts[0][1]["after_item"] == "e"
    assert p.items() == ["a", "c", "e", "d", "b"]
    p.send(MoveTracks, actor="olive", item_ids=["e"])
    assert p.items() == ["e", "a", "c", "d", "b"]


def test_a_move_after_an_item_removed_meanwhile_goes_after_the_nearest_one_left_before_it() -> None:
    p = with_items("a", "b", "c", "d")
    p.send(RemoveTracks, actor="olive", item_ids=["c"])
    p.send(MoveTracks, actor="olive", item_ids=["a"], after_item="c")
    assert p.items() == ["b", "a", "d"]


def test_a_move_anchored_on_an_item_it_moves_resolves_among_the_items_staying() -> None:
    p = with_items("a", "b", "c", "d")
    facts = p.send(MoveTracks, actor="olive", item_ids=["d", "c"], after_item="c")
    assert facts[0][1]["after_item"] == "b"
    assert p.items() == ["a", "b", "d", "c"]


def test_a_move_that_leaves_the_order_as_it_was_says_nothing() -> None:
    p = with_items("a", "b", "c")
    assert p.send(MoveTracks, actor="olive", item_ids=["b"], after_item="a") == []
    assert p.state.version == 2


def test_moving_a_removed_item_changes_nothing_and_moves_the_rest() -> None:
    p = with_items("a", "b", "c")
    p.send(RemoveTracks, actor="olive", item_ids=["a"])
    assert p.send(MoveTracks, actor="olive", item_ids=["a"], after_item="c") == []
    facts = p.send(MoveTracks, actor="olive", item_ids=["a", "b"], after_item="c")
    assert facts[0][1]["item_ids"] == ["b"]
    assert p.items() == ["c", "b"]


def test_a_remove_of_an_item_already_removed_changes_nothing() -> None:
    p = with_items("a", "b")
    p.send(RemoveTracks, actor="olive", item_ids=["a"])
    version = p.state.version
    assert p.send(RemoveTracks, actor="olive", item_ids=["a"]) == []
    facts = p.send(RemoveTracks, actor="olive", item_ids=["a", "b", "b"])
    assert facts[0][1]["item_ids"] == ["b"] and facts[0][1]["version"] == version + 1
    assert p.items() == []


def test_an_edit_naming_an_item_the_playlist_never_had_is_unknown_item() -> None:
    p = with_items("a")
    assert reasons(p.send(AddTracks, actor="olive", items=items("x"), after_item="zz")) == [
        "unknown_item"
    ]
    assert reasons(p.send(RemoveTracks, actor="olive", item_ids=["a", "zz"])) == ["unknown_item"]
    assert reasons(p.send(MoveTracks, actor="olive", item_ids=["zz"])) == ["unknown_item"]
    assert reasons(p.send(MoveTracks, actor="olive", item_ids=["a"], after_item="zz")) == [
        "unknown_item"
    ]
    assert p.items() == ["a"]


def test_an_item_id_in_use_or_named_twice_is_already_exists() -> None:
    p = with_items("a", "b")
    p.send(RemoveTracks, actor="olive", item_ids=["b"])
    for ids in (["a"], ["b"], ["x", "x"]):
        assert reasons(p.send(AddTracks, actor="olive", items=items(*ids))) == ["already_exists"]
    assert p.items() == ["a"]


def test_a_track_the_catalog_does_not_know_is_unknown_track() -> None:
    p = created(tracks={"t-a"})
    assert reasons(p.send(AddTracks, actor="olive", items=items("a", "b"))) == ["unknown_track"]
    p.send(AddTracks, actor="olive", items=items("a"))
    assert p.items() == ["a"]


# --- limits ----------------------------------------------------------------------------


def test_more_than_10000_live_items_is_too_many_items(monkeypatch: pytest.MonkeyPatch) -> None:
    assert playlist_state.MAX_ITEMS == 10_000
    monkeypatch.setattr("streams.music.playlist_decide.MAX_ITEMS", 3)
    p = with_items("a", "b")
    assert reasons(p.send(AddTracks, actor="olive", items=items("c", "d"))) == ["too_many_items"]
    p.send(RemoveTracks, actor="olive", item_ids=["a"])  # tombstones do not count
    p.send(AddTracks, actor="olive", items=items("c", "d"))
    assert p.items() == ["c", "d", "b"]


def test_the_full_playlist_of_10000_is_accepted_and_one_more_refused() -> None:
    p = created()
    for batch in range(100):
        p.send(AddTracks, actor="olive", items=items(*(f"i{batch}-{n}" for n in range(100))))
    assert p.state.live_count() == 10_000
    assert reasons(p.send(AddTracks, actor="olive", items=items("one-more"))) == ["too_many_items"]


def test_the_oldest_tombstones_past_the_cap_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("streams.music.playlist_decide.MAX_TOMBSTONES", 2)
    p = with_items("a", "b", "c", "d")
    p.send(RemoveTracks, actor="olive", item_ids=["b"])
    p.send(RemoveTracks, actor="olive", item_ids=["d", "a"])
    assert p.state.forgotten == ["b"]
    assert [e.item_id for e in p.state.entries] == ["a", "c", "d"]
    assert p.items() == ["c"]
    # A forgotten item is one the playlist no longer knows of.
    assert reasons(p.send(AddTracks, actor="olive", items=items("x"), after_item="b")) == [
        "unknown_item"
    ]
    p.send(AddTracks, actor="olive", items=items("x"), after_item="d")
    assert p.state.forgotten == [] and p.items() == ["c", "x"]


# --- versions ------------------------------------------------------------------------


def test_expected_version_must_be_the_playlist_s_or_it_is_version_conflict() -> None:
    p = with_items("a")
    assert p.state.version == 2
    facts = p.send(AddTracks, actor="olive", items=items("b"), expected_version=1)
    assert reasons(facts) == ["version_conflict"] and facts[0][1]["version"] == 2
    p.send(AddTracks, actor="olive", items=items("b"), expected_version=2)
    assert p.items() == ["b", "a"] and p.state.version == 3
    assert reasons(p.send(CreatePlaylist, actor="olive", name="n", expected_version=0)) == [
        "already_exists"
    ]
    assert reasons(Playlist("q").send(CreatePlaylist, actor="o", name="n", expected_version=1)) == [
        "version_conflict"
    ]


def test_every_change_moves_the_version_by_one_and_a_change_that_holds_already_not() -> None:
    p = created()
    steps: list[Step] = [
        (RenamePlaylist, {"name": "Roadtrip"}),
        (DescribePlaylist, {"description": "drive"}),
        (SetPlaylistVisibility, {"visibility": "public"}),
        (CreateShareLink, {"token_id": "tok"}),
        (AddCollaborator, {"collaborator": "carl"}),
        (RemoveCollaborator, {"collaborator": "carl"}),
    ]
    for n, (model, payload) in enumerate(steps, start=2):
        (fact,) = p.send(model, actor="olive", **payload)
        assert fact[1]["version"] == n == p.state.version
    for model, payload in steps[:3] + steps[5:]:
        assert p.send(model, actor="olive", **payload) == []
    assert p.state.version == 7


def test_a_follow_does_not_move_the_version_and_counts_followers_once() -> None:
    p = created()
    p.send(SetPlaylistVisibility, actor="olive", visibility="public")
    (fact,) = p.send(FollowPlaylist, actor="bob", listener="bob")
    assert fact == (PlaylistFollowed, {
        "playlist_id": "pl", "listener": "bob", "followers": 1, "version": 2,
    })  # fmt: skip
    assert p.send(FollowPlaylist, actor="bob", listener="bob") == []
    p.send(FollowPlaylist, actor="cat", listener="cat")
    (fact,) = p.send(UnfollowPlaylist, actor="bob", listener="bob")
    assert fact[1]["followers"] == 1
    assert p.send(UnfollowPlaylist, actor="bob", listener="bob") == []
    assert p.state.version == 2


# --- rights --------------------------------------------------------------------------


def test_a_collaborator_edits_the_items_but_not_the_playlist() -> None:
    p = with_items("a")
    p.send(AddCollaborator, actor="olive", collaborator="carl")
    p.send(AddTracks, actor="carl", items=items("b"), after_item="a")
    p.send(MoveTracks, actor="carl", item_ids=["b"])
    p.send(RemoveTracks, actor="carl", item_ids=["a"])
    assert p.items() == ["b"]
    owners_alone: list[Step] = [
        (RenamePlaylist, {"name": "Carl's"}),
        (DescribePlaylist, {"description": "mine"}),
        (SetPlaylistVisibility, {"visibility": "public"}),
        (CreateShareLink, {"token_id": "tok"}),
        (AddCollaborator, {"collaborator": "dan"}),
        (RemoveCollaborator, {"collaborator": "olive"}),
    ]
    for model, payload in owners_alone:
        assert reasons(p.send(model, actor="carl", **payload)) == ["not_allowed"], model


def test_a_stranger_may_change_nothing() -> None:
    p = with_items("a")
    p.send(SetPlaylistVisibility, actor="olive", visibility="public")
    assert reasons(p.send(AddTracks, actor="eve", items=items("b"))) == ["not_allowed"]
    assert reasons(p.send(RemoveTracks, actor="eve", item_ids=["a"])) == ["not_allowed"]
    assert reasons(p.send(RenamePlaylist, actor="eve", name="pwned")) == ["not_allowed"]
    assert p.items() == ["a"] and p.state.name == "Road trip"


def test_rights_are_checked_before_the_version() -> None:
    p = created()
    assert reasons(p.send(RenamePlaylist, actor="eve", name="x", expected_version=9)) == [
        "not_allowed"
    ]


def test_a_collaborator_may_leave_and_then_edits_no_more() -> None:
    p = created()
    p.send(AddCollaborator, actor="olive", collaborator="carl")
    p.send(AddCollaborator, actor="olive", collaborator="dan")
    assert reasons(p.send(RemoveCollaborator, actor="carl", collaborator="dan")) == ["not_allowed"]
    assert names(p.send(RemoveCollaborator, actor="carl", collaborator="carl")) == [
        "CollaboratorRemoved"
    ]
    assert reasons(p.send(AddTracks, actor="carl", items=items("a"))) == ["not_allowed"]
    assert p.state.collaborators == {"dan"}


def test_the_owner_is_no_collaborator_of_their_own_playlist() -> None:
    p = created()
    assert p.send(AddCollaborator, actor="olive", collaborator="olive") == []
    assert p.state.collaborators == set()


def test_a_private_playlist_is_followed_only_by_its_editors_or_through_a_share_link() -> None:
    p = created()
    assert reasons(p.send(FollowPlaylist, actor="bob", listener="bob")) == ["not_allowed"]
    assert reasons(p.send(FollowPlaylist, actor="bob", listener="bob", token_id="guess")) == [
        "not_allowed"
    ]
    p.send(CreateShareLink, actor="olive", token_id="tok")
    assert reasons(p.send(CreateShareLink, actor="olive", token_id="tok")) == ["already_exists"]
    assert names(p.send(FollowPlaylist, actor="bob", listener="bob", token_id="tok")) == [
        "PlaylistFollowed"
    ]
    assert names(p.send(FollowPlaylist, actor="olive", listener="olive")) == ["PlaylistFollowed"]
    assert p.state.followers == {"bob", "olive"}


def test_a_listener_follows_and_unfollows_only_for_themselves() -> None:
    p = created()
    p.send(SetPlaylistVisibility, actor="olive", visibility="public")
    assert reasons(p.send(FollowPlaylist, actor="olive", listener="bob")) == ["not_allowed"]
    p.send(FollowPlaylist, actor="bob", listener="bob")
    assert reasons(p.send(UnfollowPlaylist, actor="olive", listener="bob")) == ["not_allowed"]
    # A playlist made private keeps its followers, and they may still leave.
    p.send(SetPlaylistVisibility, actor="olive", visibility="private")
    assert names(p.send(UnfollowPlaylist, actor="bob", listener="bob")) == ["PlaylistUnfollowed"]


def test_the_rejection_names_the_command_and_its_event_id() -> None:
    state = new_state("pl")
    record = command(RenamePlaylist, playlist_id="pl", actor="olive", name="x")
    ((model, payload),) = decide(state, record)
    assert model is PlaylistCommandRejected
    assert payload == {
        "playlist_id": "pl", "actor": "olive", "command_id": record.envelope.event_id,
        "command": "RenamePlaylist", "reason": "not_found", "version": 0,
    }  # fmt: skip


def test_a_record_the_stage_does_not_take_is_a_type_error() -> None:
    record = command(PlaylistCreated, playlist_id="pl", owner="o", name="n", description="",
                     visibility="public", version=1)  # fmt: skip
    with pytest.raises(TypeError):
        decide(new_state("pl"), record)
