"""Search on the whole platform, the search indexer running as `up` starts it:
a track found by a word of its title, by a prefix and by a query one typo
away, ranked by relevance (a whole word over a prefix) and then popularity
(counted streams, from ClickHouse each minute); a public playlist found by its
name leaves the results when made private; `onelog music verify-search`
rebuilds the index from the log and finds it equal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Platform, eventually, onelog
from tests.e2e.music_support import (
    M,
    Music,
    now_ms,
    open_music,
    play,
    run_word,
    search_indexer_running,
    tag,
)

pytestmark = pytest.mark.e2e

MIN = 60_000


@pytest.fixture(scope="module")
def music(running_platform: Platform) -> Iterator[Music]:
    search_indexer_running(running_platform)
    with open_music(running_platform) as opened:
        yield opened


def _ids(hits: list[dict[str, Any]]) -> list[str]:
    return [hit["id"] for hit in hits]


def test_found_by_word_prefix_and_typo_ranked_then_private_leaves(music: Music) -> None:
    run, word = tag(), run_word()
    artist = f"ar-{run}"
    # Titles of one length with the word: equal relevance, so popularity ranks
    # them (`loud`'s key after `quiet`'s, so a tie would rank them the other
    # way); `longer` has the word only as a prefix of a longer word.
    quiet, loud, longer = f"ta-{run}", f"tz-{run}", f"tl-{run}"
    music.publish(
        artist, {quiet: f"{word} Blue", loud: f"{word} Gold", longer: f"{word}ish Nights"}
    )
    listeners = [f"l{n}-{run}" for n in range(3)]
    now = now_ms()
    music.plays(play(who, loud, now - (5 + n) * MIN) for n, who in enumerate(listeners))
    music.plays([play(listeners[0], quiet, now - 2 * MIN)])

    def ranked(query: str) -> list[str]:
        return [i for i in _ids(music.search(query)) if i in (quiet, loud, longer)]

    # Popularity reaches the index from ClickHouse once a minute.
    eventually(
        lambda: ranked(word) == [loud, quiet, longer],
        timeout=180,
        what=f"{word!r}: the whole word by popularity, then the prefix",
    )
    hits = {hit["id"]: hit for hit in music.search(word)}
    assert (hits[loud]["popularity"], hits[quiet]["popularity"]) == (3, 1)
    assert hits[loud]["artist_id"] == artist
    assert set(ranked(word[:5])) == {quiet, loud, longer}  # a prefix
    assert ranked(word[:5])[:2] == [loud, quiet]
    typo = word[:4] + ("a" if word[4] != "a" else "b") + word[5:]
    assert ranked(typo)[:2] == [loud, quiet], typo  # one letter wrong
    assert ranked(word + "qq") == []  # two letters off: not found

    ann = f"ann-{run}"
    created = music.accepted(
        music.http.post(
            f"{M}/playlists",
            json={"listener": ann, "name": f"{word} Party", "visibility": "public"},
        )
    )
    pid = created["playlist_id"]

    def playlists() -> list[str]:
        return _ids(music.search(word, kind="playlist"))

    eventually(lambda: playlists() == [pid], timeout=60, what="the public playlist found")
    music.accepted(
        music.http.put(
            f"{M}/playlists/{pid}/visibility", json={"listener": ann, "visibility": "private"}
        )
    )
    eventually(lambda: playlists() == [], timeout=60, what="the private playlist left search")

    verified = onelog(music.running, "music", "verify-search")
    assert verified.returncode == 0, verified.stdout[-3000:] + verified.stderr[-2000:]
    assert json.loads(verified.stdout)["equal"] is True
