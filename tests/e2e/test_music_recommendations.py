"""Recommendations on the whole platform over a small world made for the test:
six fans play artist A's and B's first tracks in one session each (four of
them B's second too, two C's first), three others play C and D. Fans also
like A: B first (every A fan is a B fan); because you played A's first track:
B's first (six sessions), then B's second (four), and for a fan, what they
have not played. After `onelog music recompute-discovery` each listener's
weekly discovery (ALS over every listener on the platform) holds no track they
played."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest

from tests.e2e.conftest import Platform, eventually, onelog
from tests.e2e.music_support import M, Music, now_ms, open_music, play, quoted, tag

pytestmark = pytest.mark.e2e

MIN = 60_000


@pytest.fixture(scope="module")
def music(running_platform: Platform) -> Iterator[Music]:
    with open_music(running_platform) as opened:
        yield opened


def test_neighbours_and_the_weekly_discovery(music: Music) -> None:
    run = tag()
    artists = {name: f"{name}-{run}" for name in ("a", "b", "c", "d")}
    track = {f"{name}{n}": f"{name}{n}-{run}" for name in artists for n in (1, 2)}
    for name, artist in artists.items():
        music.publish(artist, {track[f"{name}1"]: "One", track[f"{name}2"]: "Two"})
    fans = [f"fan{n}-{run}" for n in range(6)]
    others = [f"other{n}-{run}" for n in range(3)]
    played: dict[str, list[str]] = {}
    for n, fan in enumerate(fans):
        played[fan] = ["a1", "b1"] + (["b2"] if n < 4 else ["c1"])
    for other in others:
        played[other] = ["d1", "c2"]
    start = now_ms() - 30 * MIN
    plays = [
        play(who, track[name], start + k * 4 * MIN)  # minutes apart: one session
        for who, names in played.items()
        for k, name in enumerate(names)
    ]
    music.plays(plays)
    everyone = quoted(played)
    eventually(
        lambda: int(music.sql(
            f"SELECT count() AS n FROM music_streams WHERE listener IN ({everyone})"
        )[0]["n"]) == len(plays),
        timeout=90,
        what="every play a counted stream in ClickHouse",
    )  # fmt: skip

    fans_of_a = music.ok(music.http.get(f"{M}/artists/{artists['a']}/fans-also-like"))
    near = {row["artist_id"]: row for row in fans_of_a["artists"]}
    assert fans_of_a["artists"][0]["artist_id"] == artists["b"], fans_of_a
    assert near[artists["b"]]["shared_listeners"] == 6
    assert near[artists["c"]]["shared_listeners"] == 2
    assert artists["d"] not in near and artists["a"] not in near

    def because(listener: str | None = None) -> list[tuple[str, int]]:
        params = {"listener": listener} if listener else {}
        found = music.ok(
            music.http.get(f"{M}/tracks/{track['a1']}/because-you-played", params=params)
        )
        return [(row["track_id"], int(row["sessions"])) for row in found["tracks"]]

    assert because() == [(track["b1"], 6), (track["b2"], 4), (track["c1"], 2)]
    assert because(fans[0]) == [(track["c1"], 2)]  # b1 and b2 are fan0's own

    sent = onelog(music.running, "music", "recompute-discovery")
    assert sent.returncode == 0, sent.stderr
    week = json.loads(sent.stdout)["week"]

    def discovery(listener: str) -> dict[str, Any] | None:
        found = music.ok(music.http.get(f"{M}/listeners/{listener}/discovery"))
        playlist: dict[str, Any] | None = found["discovery"]
        return playlist if playlist is not None and playlist["week"] == week else None

    for listener, names in played.items():
        found = eventually(
            partial(discovery, listener),
            timeout=120,
            what=f"{listener}'s discovery of {week}",
        )
        own = {track[name] for name in names}
        assert found["tracks"], listener
        assert not own & set(found["tracks"]), (listener, found["tracks"])
