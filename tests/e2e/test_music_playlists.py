"""Playlists on the whole platform: an owner and a collaborator edit one
playlist at once (adds after one item, a move after an item the other
removes, a remove of a removed item, sent as concurrent requests); the result
is what the log's order decides: the playlist stage's pure core, given the
commands in the order `onelog audit playlist` reads them from the log, gives
the very facts the audit tells and the items GET shows. A private playlist is
hidden from others, a share link opens it and lets a stranger follow it, a
forged token opens nothing; made public, anyone reads it."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from schemas.music import playlists as pl
from schemas.music.topics import MUSIC_PLAYLIST_COMMANDS, MUSIC_PLAYLISTS
from streams.music.playlist_decide import decide, new_state
from streams.music.playlist_state import PlaylistState, visible_items
from tests.e2e.conftest import Platform, eventually, onelog
from tests.e2e.music_support import M, Music, open_music, tag
from tests.unit.projections.numbered_records import NumberedRecords

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def music(running_platform: Platform) -> Iterator[Music]:
    with open_music(running_platform) as opened:
        yield opened


def _audit(music: Music, playlist_id: str) -> dict[str, Any]:
    done = onelog(music.running, "audit", "playlist", playlist_id)
    assert done.returncode == 0, done.stderr
    history: dict[str, Any] = json.loads(done.stdout)
    return history


def _decided_by_the_log(
    playlist_id: str, lines: list[dict[str, Any]]
) -> tuple[PlaylistState, list[tuple[str, dict[str, Any]]]]:
    """The commands in the log's order (their offsets on the playlist's one
    partition) through the stage's pure core: its state and facts (their type
    and fields, as the audit shows them)."""
    commands = sorted(
        (line for line in lines if line["topic"] == MUSIC_PLAYLIST_COMMANDS.name),
        key=lambda line: line["offset"],
    )
    records = NumberedRecords()
    state = new_state(playlist_id)
    facts: list[tuple[str, dict[str, Any]]] = []
    for line in commands:
        command = records.add(
            line["topic"], playlist_id, getattr(pl, line["record_type"]), **line["fields"]
        )
        for model, fields in decide(state, command):
            fact = records.add(MUSIC_PLAYLISTS.name, playlist_id, model, **fields)
            facts.append((model.__name__, _comparable(fact.model_dump(mode="json"))))
    return state, facts


def _comparable(fields: dict[str, Any]) -> dict[str, Any]:
    # A refusal names its command's event id, which the re-decided copy lacks.
    return {k: v for k, v in fields.items() if k not in ("envelope", "command_id")}


def test_concurrent_edits_end_as_the_log_decides(music: Music) -> None:
    run = tag()
    artist = f"ar-{run}"
    tracks = [f"t{n}-{run}" for n in range(6)]
    music.publish(artist, {t: f"Song {n}" for n, t in enumerate(tracks)})
    ann, bob = f"ann-{run}", f"bob-{run}"
    created = music.accepted(
        music.http.post(f"{M}/playlists", json={"listener": ann, "name": "Mix"})
    )
    pid = created["playlist_id"]
    path = f"{M}/playlists/{pid}"

    def version(who: str = ann) -> int:
        found = music.playlist(pid, listener=who)
        return int(found.json()["version"]) if found.status_code == 200 else -1

    eventually(lambda: version() == 1, what="the playlist created")
    music.accepted(music.http.post(f"{path}/collaborators",
                                   json={"listener": ann, "collaborator": bob}))  # fmt: skip
    added = music.accepted(
        music.http.post(f"{path}/items", json={"listener": ann, "track_ids": tracks[:3]})
    )
    i0, i1, i2 = (item["item_id"] for item in added["items"])
    eventually(lambda: version() == 3, what="bob a collaborator, three tracks added")
    assert version(bob) == 3  # a collaborator reads the private playlist

    def post(body: dict[str, Any], where: str = "/items") -> Callable[[], httpx.Response]:
        return lambda: music.http.post(path + where, json=body)

    def remove(who: str, items: list[str]) -> Callable[[], httpx.Response]:
        return lambda: music.http.request(
            "DELETE", path + "/items", json={"listener": who, "item_ids": items}
        )

    edits = {
        ann: [
            post({"listener": ann, "track_ids": [tracks[3]], "after_item": i0}),
            remove(ann, [i1]),
            post({"listener": ann, "item_ids": [i2], "after_item": None}, "/items/move"),
        ],
        bob: [
            post({"listener": bob, "track_ids": [tracks[4]], "after_item": i0}),
            post({"listener": bob, "item_ids": [i0], "after_item": i1}, "/items/move"),
            remove(bob, [i1]),
            post({"listener": bob, "track_ids": [tracks[5]], "after_item": i1}),
        ],
    }
    start = threading.Barrier(len(edits))

    def send(requests: list[Callable[[], httpx.Response]]) -> list[int]:
        start.wait(timeout=10)
        return [request().status_code for request in requests]

    with ThreadPoolExecutor(len(edits)) as pool:
        answered = list(pool.map(send, edits.values()))
    assert answered == [[202] * len(e) for e in edits.values()], answered
    sent = 3 + sum(len(e) for e in edits.values())

    def settled() -> tuple[dict[str, Any], PlaylistState, list[Any]] | None:
        history = _audit(music, pid)
        if history["commands"] < sent:
            return None
        state, facts = _decided_by_the_log(pid, history["lines"])
        logged = sorted(
            (line for line in history["lines"] if line["topic"] == MUSIC_PLAYLISTS.name),
            key=lambda line: line["offset"],
        )
        told = [(line["record_type"], _comparable(line["fields"])) for line in logged]
        return (history, state, facts) if len(told) >= len(facts) else None

    history, state, facts = eventually(settled, timeout=90, what="every edit decided")
    logged = sorted(
        (line for line in history["lines"] if line["topic"] == MUSIC_PLAYLISTS.name),
        key=lambda line: line["offset"],
    )
    assert [(line["record_type"], _comparable(line["fields"])) for line in logged] == facts
    # The audit tells the commands in the order the stage decided them.
    commands = [line for line in history["lines"] if line["topic"] == MUSIC_PLAYLIST_COMMANDS.name]
    assert [c["offset"] for c in commands] == sorted(c["offset"] for c in commands)
    assert (history["version"], history["items"]) == (state.version, len(visible_items(state)))

    expected = [{"item_id": item, "track_id": track} for item, track in visible_items(state)]
    eventually(lambda: version() == state.version, timeout=30, what="the last edit projected")
    shown = music.ok(music.playlist(pid, listener=bob))
    assert shown["items"] == expected
    assert i1 not in {item["item_id"] for item in shown["items"]}
    assert len(expected) == 5  # six added, i1 removed (twice: the second changed nothing)


def test_private_share_links_follows_and_public(music: Music) -> None:
    run = tag()
    ann, eve, zed = f"ann-{run}", f"eve-{run}", f"zed-{run}"
    created = music.accepted(
        music.http.post(f"{M}/playlists", json={"listener": ann, "name": "Secret"})
    )
    pid = created["playlist_id"]
    path = f"{M}/playlists/{pid}"
    eventually(lambda: music.playlist(pid, listener=ann).status_code == 200, what="created")
    for params in ({"listener": eve}, {}):
        assert music.playlist(pid, **params).status_code == 404, params  # hidden, not told

    link = music.accepted(music.http.post(f"{path}/share-links", json={"listener": ann}))
    token, token_id = link["share_token"], link["token_id"]
    assert token.startswith(token_id + ".")
    opened = eventually(
        lambda: (r := music.playlist(pid, share_token=token)).status_code == 200 and r,
        what="the share link made",
    )
    assert (opened.json()["name"], opened.json()["visibility"]) == ("Secret", "private")
    forged = token_id + "." + "A" * 43
    assert music.playlist(pid, share_token=forged).status_code == 404
    refused = music.http.post(f"{path}/followers", json={"listener": zed, "share_token": forged})
    assert refused.status_code == 403, refused.text
    assert refused.json()["errors"][0]["field"] == "share_token"

    music.accepted(music.http.post(f"{path}/followers", json={"listener": eve,
                                                             "share_token": token}))  # fmt: skip
    followed = eventually(
        lambda: (r := music.playlist(pid, listener=eve)).status_code == 200 and r,
        what="eve following, so reading it",
    )
    assert followed.json()["followers"] == 1
    assert music.playlist(pid, listener=zed).status_code == 404

    music.accepted(music.http.put(f"{path}/visibility",
                                  json={"listener": ann, "visibility": "public"}))  # fmt: skip
    eventually(lambda: music.playlist(pid).status_code == 200, what="public to anyone")
    assert music.playlist(pid, listener=zed).json()["followers"] == 1
    history = _audit(music, pid)
    assert (history["visibility"], history["followers"], history["share_links"]) == (
        "public",
        1,
        1,
    )
    assert history["rejections"] == []  # the forged follow never reached the log
