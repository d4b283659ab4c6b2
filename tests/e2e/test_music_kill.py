"""kill -9 of the worker (where the play stage decides) while plays stream in:
started again, every play is decided exactly once. ClickHouse's counted
streams equal the distinct counted plays sent, each play has one decided row
(a play decided twice would be a second row at another offset), a request
sent again counts nothing twice, and the live country chart sums the same."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra import processes
from onelog import platform
from tests.e2e.conftest import Platform, eventually
from tests.e2e.music_support import Music, now_ms, open_music, play, quoted, tag

pytestmark = pytest.mark.e2e

MIN = 60_000
LISTENERS = 20
PLAYS_EACH = 30
REQUEST = 100  # plays a request: six of them
COUNTRY = "CY"  # no generated play comes from here


@pytest.fixture(scope="module")
def music(running_platform: Platform) -> Iterator[Music]:
    with open_music(running_platform) as opened:
        yield opened


def test_kill_9_of_the_worker_mid_stream_counts_every_play_once(music: Music) -> None:
    settings = music.running.settings
    run = tag()
    artist = f"ar-{run}"
    tracks = [f"t{n}-{run}" for n in range(10)]
    music.publish(artist, {t: f"Song {n}" for n, t in enumerate(tracks)})
    listeners = [f"l{n}-{run}" for n in range(LISTENERS)]
    start = now_ms() - 45 * MIN
    # In time order, the listeners interleaved; one play in ten is short.
    plays = [
        play(who, tracks[(n + k) % len(tracks)], start + k * 90_000 + n,
             ms_played=10_000 if (n + k) % 10 == 0 else 60_000, country=COUNTRY)
        for k in range(PLAYS_EACH)
        for n, who in enumerate(listeners)
    ]  # fmt: skip
    counted = {(p["listener"], p["track_id"], p["started_at_ms"]) for p in plays
               if p["ms_played"] >= 30_000}  # fmt: skip
    requests = [plays[i : i + REQUEST] for i in range(0, len(plays), REQUEST)]

    music.plays(requests[0])
    music.plays(requests[1])
    # Mid-stream: the second request's plays are being decided.
    assert processes.kill(settings.state_dir, platform.worker_name(1))
    for request in requests[2:]:
        music.plays(request)
    worker = platform.start_worker(settings, 1)
    platform.wait_for_worker(settings, worker, 1)
    music.plays(requests[1])  # a client's retry of a whole request
    retried = sum(1 for p in requests[1] if p["ms_played"] >= 30_000)

    who = quoted(listeners)
    decided = len(plays) + len(requests[1])
    eventually(
        lambda: int(music.sql(
            f"SELECT count() AS n FROM music_plays FINAL WHERE listener IN ({who})"
        )[0]["n"]) >= decided,
        timeout=240,
        what=f"{decided} plays decided in ClickHouse",
    )  # fmt: skip
    rows = music.sql(
        "SELECT reason, count() AS n, uniqExact(listener, track_id, started_at_ms) AS plays "
        f"FROM music_plays FINAL WHERE listener IN ({who}) GROUP BY reason ORDER BY reason"
    )
    by_reason = {row["reason"]: (int(row["n"]), int(row["plays"])) for row in rows}
    assert by_reason == {
        "": (len(counted), len(counted)),
        "duplicate": (retried, retried),
        "short": (len(plays) - len(counted) + len(requests[1]) - retried,
                  len(plays) - len(counted)),
    }, by_reason  # fmt: skip
    streams = music.sql(
        "SELECT count() AS n, uniqExact(listener, track_id, started_at_ms) AS plays "
        f"FROM music_streams WHERE listener IN ({who})"
    )[0]
    assert (int(streams["n"]), int(streams["plays"])) == (len(counted), len(counted))
    eventually(
        lambda: (
            sum(v for t, v in music.chart("hour", COUNTRY).items() if t in tracks) == len(counted)
        ),
        timeout=30,
        what="the country's chart summing the counted plays",
    )
    assert music.royalties(artist) == len(counted)
