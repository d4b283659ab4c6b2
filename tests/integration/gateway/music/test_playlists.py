"""/v1/music/playlists against real Kafka and Redis: commands land on
music.playlist-commands keyed by the playlist with what the gateway resolves
(the id, items' ids and durations, If-Match, a share link's token id); the
read model's owner and collaborators decide who may act; a private playlist
is read by its owner, collaborators, followers and share-token holders only;
a forged share token opens nothing."""

from __future__ import annotations

import pytest

from gateway.music.share_tokens import share_key, share_token
from schemas.music import playlists as pl
from schemas.music.topics import MUSIC_PLAYLIST_COMMANDS
from tests.integration.gateway.conftest import Gateway, problem, read_record, unique
from tests.integration.gateway.music.projected import (
    MusicProjected,
    listener_key,
    music_projected,
)

pytestmark = pytest.mark.integration

__all__ = ["music_projected"]  # a fixture, imported for this module's tests

P = "/v1/music/playlists"


def _created(projected: MusicProjected, owner: str, visibility: str = "private") -> str:
    pid = unique("p")
    projected.playlist_fact(
        pl.PlaylistCreated, playlist_id=pid, owner=owner, name="Mix", description="",
        visibility=visibility, version=1,
    )  # fmt: skip
    return pid


async def test_a_playlist_is_created_with_the_id_the_202_tells(gateway: Gateway) -> None:
    ann = unique("ann")
    answer = await gateway.client.post(
        P, json={"listener": ann, "name": "Road trip", "visibility": "public"},
        headers=listener_key(gateway, ann),
    )  # fmt: skip
    assert answer.status_code == 202, answer.text
    body = answer.json()
    key, record = read_record(
        gateway.settings, MUSIC_PLAYLIST_COMMANDS.name, body["partition"], body["offset"]
    )
    assert key == body["playlist_id"].encode()
    assert isinstance(record, pl.CreatePlaylist)
    assert (record.actor, record.name, record.visibility) == (ann, "Road trip", "public")
    assert record.expected_version == 0


async def test_added_tracks_get_ids_and_durations_and_if_match_a_version(
    gateway: Gateway, music_projected: MusicProjected
) -> None:
    ann, track = unique("ann"), unique("t")
    music_projected.track(track, "art1", duration_ms=123_000)
    pid = _created(music_projected, ann)
    answer = await gateway.client.post(
        f"{P}/{pid}/items", json={"listener": ann, "track_ids": [track, "missing"]},
        headers={**listener_key(gateway, ann), "If-Match": '"1"'},
    )  # fmt: skip
    assert answer.status_code == 202, answer.text
    body = answer.json()
    _, record = read_record(
        gateway.settings, MUSIC_PLAYLIST_COMMANDS.name, body["partition"], body["offset"]
    )
    assert isinstance(record, pl.AddTracks)
    assert record.expected_version == 1
    assert [(i.track_id, i.duration_ms) for i in record.items] == [
        (track, 123_000),
        ("missing", None),
    ]
    assert [i["item_id"] for i in body["items"]] == [i.item_id for i in record.items]
    bad = await gateway.client.post(
        f"{P}/{pid}/items", json={"listener": ann, "track_ids": [track]},
        headers={**listener_key(gateway, ann), "If-Match": "latest"},
    )  # fmt: skip
    assert bad.status_code == 400


async def test_only_the_owner_renames_and_editors_edit_items(
    gateway: Gateway, music_projected: MusicProjected
) -> None:
    ann, bob, cid = unique("ann"), unique("bob"), unique("c")
    pid = _created(music_projected, ann)
    music_projected.playlist_fact(
        pl.CollaboratorAdded, playlist_id=pid, actor=ann, collaborator=cid, version=2
    )
    headers = listener_key(gateway, ann, bob, cid)
    for who, expected in ((bob, 403), (cid, 403), (ann, 202)):
        answer = await gateway.client.put(
            f"{P}/{pid}/name", json={"listener": who, "name": "New"}, headers=headers
        )
        assert answer.status_code == expected, (who, answer.text)
    for who, expected in ((bob, 403), (cid, 202)):
        answer = await gateway.client.post(
            f"{P}/{pid}/items/move", json={"listener": who, "item_ids": ["i1"]}, headers=headers
        )
        assert answer.status_code == expected, (who, answer.text)
    assert problem(
        await gateway.client.put(
            f"{P}/{pid}/name", json={"listener": bob, "name": "x"}, headers=headers
        )
    )["type"].endswith("not-allowed")
    # A collaborator may leave; another's key may not act for ann.
    leave = await gateway.client.request(
        "DELETE", f"{P}/{pid}/collaborators/{cid}", json={"listener": cid}, headers=headers
    )
    assert leave.status_code == 202, leave.text
    foreign = await gateway.client.put(
        f"{P}/{pid}/name", json={"listener": ann, "name": "x"}, headers=listener_key(gateway, bob)
    )
    assert foreign.status_code == 403
    assert problem(foreign)["errors"][0]["field"] == "listener"


async def test_a_private_playlist_and_its_share_links(
    gateway: Gateway, music_projected: MusicProjected
) -> None:
    ann, bob, eve = unique("ann"), unique("bob"), unique("eve")
    pid = _created(music_projected, ann)
    reader = listener_key(gateway, ann, bob, eve)
    owner_read = await gateway.client.get(f"{P}/{pid}", params={"listener": ann}, headers=reader)
    assert owner_read.status_code == 200, owner_read.text
    assert owner_read.headers["etag"] == '"1"'
    assert (owner_read.json()["owner"], owner_read.json()["items"]) == (ann, [])
    for params in ({"listener": eve}, {}):
        hidden = await gateway.client.get(f"{P}/{pid}", params=params, headers=reader)
        assert hidden.status_code == 404, params

    link = await gateway.client.post(
        f"{P}/{pid}/share-links", json={"listener": ann}, headers=reader
    )
    assert link.status_code == 202, link.text
    token, token_id = link.json()["share_token"], link.json()["token_id"]
    assert token == share_token(share_key(gateway.settings), pid, token_id)
    _, record = read_record(
        gateway.settings, MUSIC_PLAYLIST_COMMANDS.name, link.json()["partition"],
        link.json()["offset"],
    )  # fmt: skip
    assert isinstance(record, pl.CreateShareLink) and record.token_id == token_id
    assert token not in repr(record)  # the log holds the id, never the secret

    # Until the stage made the link, its token opens nothing; then it does.
    early = await gateway.client.get(f"{P}/{pid}", params={"share_token": token}, headers=reader)
    assert early.status_code == 404
    music_projected.playlist_fact(
        pl.ShareLinkCreated, playlist_id=pid, actor=ann, token_id=token_id, version=2
    )
    shared = await gateway.client.get(f"{P}/{pid}", params={"share_token": token}, headers=reader)
    assert shared.status_code == 200, shared.text

    forged = token_id + "." + "A" * 43
    assert (
        await gateway.client.get(f"{P}/{pid}", params={"share_token": forged}, headers=reader)
    ).status_code == 404
    follow = await gateway.client.post(
        f"{P}/{pid}/followers", json={"listener": bob, "share_token": forged}, headers=reader
    )
    assert follow.status_code == 403
    assert problem(follow)["errors"][0]["field"] == "share_token"
    follow = await gateway.client.post(
        f"{P}/{pid}/followers", json={"listener": bob, "share_token": token}, headers=reader
    )
    assert follow.status_code == 202, follow.text
    _, record = read_record(
        gateway.settings, MUSIC_PLAYLIST_COMMANDS.name, follow.json()["partition"],
        follow.json()["offset"],
    )  # fmt: skip
    assert isinstance(record, pl.FollowPlaylist)
    assert (record.listener, record.token_id) == (bob, token_id)

    music_projected.playlist_fact(
        pl.PlaylistFollowed, playlist_id=pid, listener=bob, followers=1, version=2
    )
    as_follower = await gateway.client.get(f"{P}/{pid}", params={"listener": bob}, headers=reader)
    assert as_follower.status_code == 200
    assert as_follower.json()["followers"] == 1
