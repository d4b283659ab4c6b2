"""Plays through POST /v1/music/plays on the whole platform: the hour's and
the day's charts (everywhere and per country) within seconds, recent plays and
now playing; a play sent again in another request (the same listener, track
and start) counted once, a 29 s play not at all; an artist's royalty figures
counting exactly the counted streams."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Platform, eventually
from tests.e2e.music_support import Music, chart_shows, now_ms, open_music, play, quoted, tag

pytestmark = pytest.mark.e2e

MIN = 60_000
# Countries the generated plays never come from (onelog/music/play_generator.py).
HERE, THERE = "LU", "MT"


@pytest.fixture(scope="module")
def music(running_platform: Platform) -> Iterator[Music]:
    with open_music(running_platform) as opened:
        yield opened


def test_plays_reach_the_charts_recent_and_royalties_once(music: Music) -> None:
    run = tag()
    artist = f"ar-{run}"
    t1, t2, t3 = (f"t{n}-{run}" for n in (1, 2, 3))
    music.publish(artist, {t1: "First", t2: "Second", t3: "Third"})
    ann, bob, cat = (f"{who}-{run}" for who in ("ann", "bob", "cat"))
    now = now_ms()
    first = play(ann, t1, now - 10 * MIN, country=HERE)
    music.plays(
        [
            first,
            play(bob, t1, now - 9 * MIN, country=HERE),
            play(cat, t2, now - 8 * MIN, country=THERE),
            play(ann, t2, now - 5 * MIN, ms_played=29_000, country=HERE),  # short
            play(bob, t3, now - 1 * MIN, kind="started", country=HERE),
        ]
    )
    expected = {t1: 2, t2: 1}

    def charted(window: str, country: str | None, want: dict[str, int]) -> bool:
        return chart_shows(music.chart(window, country), {t1: 0, t2: 0, t3: 0, **want})

    eventually(lambda: charted("hour", None, expected), timeout=15, what="the hour's chart")
    for window in ("hour", "day"):
        assert charted(window, None, expected), window
        assert charted(window, HERE, {t1: 2}), window
        assert charted(window, THERE, {t2: 1}), window
    assert chart_shows(music.chart("day", None, kind="artists"), {artist: 3})
    assert music.chart("day", HERE, kind="artists").get(artist) == 2

    assert [p["track_id"] for p in music.recent(ann)] == [t1]  # the 29 s play is no stream
    assert [p["track_id"] for p in music.recent(cat)] == [t2]
    playing = music.now_playing(bob)
    assert playing is not None and playing["track_id"] == t3, playing
    assert music.now_playing(ann) is None

    # The same play again, as a client retrying in another request would.
    music.plays([first])
    eventually(
        lambda: (
            music.sql(
                "SELECT count() AS n FROM music_plays FINAL "
                f"WHERE listener = '{ann}' AND reason = 'duplicate'"
            )[0]["n"]
            == 1
        ),
        timeout=60,
        what="the retried play decided a duplicate",
    )
    for window in ("hour", "day"):
        assert charted(window, None, expected), window
    assert [p["track_id"] for p in music.recent(ann)] == [t1]

    # The royalty figures count the counted streams, no more: ClickHouse's own
    # decided plays say which those are.
    eventually(lambda: music.royalties(artist) == 3, timeout=60, what="royalties of 3 streams")
    rows = music.sql(
        "SELECT reason, count() AS n FROM music_plays FINAL "
        f"WHERE listener IN ({quoted([ann, bob, cat])}) GROUP BY reason ORDER BY reason"
    )
    assert {row["reason"]: int(row["n"]) for row in rows} == {"": 3, "duplicate": 1, "short": 1}
    streams = music.sql(f"SELECT count() AS n FROM music_streams WHERE artist_id = '{artist}'")
    assert int(streams[0]["n"]) == 3
