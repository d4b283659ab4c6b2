"""A listener deletes their listening history: at once their plays leave the
charts, their recent plays, the artist's royalty figures and their year in
review, while another listener's stay; then `onelog verify` rebuilds every read
model from the log and finds each equal to the live one (the rebuild keeps the
deletion, as the log holds it)."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Platform, eventually, onelog
from tests.e2e.music_support import Music, chart_shows, now_ms, open_music, play, tag

pytestmark = pytest.mark.e2e

MIN = 60_000
COUNTRY = "EE"  # no generated play comes from here


@pytest.fixture(scope="module")
def music(running_platform: Platform) -> Iterator[Music]:
    with open_music(running_platform) as opened:
        yield opened


def test_a_deleted_history_leaves_every_figure_and_verify_agrees(music: Music) -> None:
    run = tag()
    artist = f"ar-{run}"
    t1, t2 = f"t1-{run}", f"t2-{run}"
    music.publish(artist, {t1: "Kept", t2: "Gone"})
    ann, bob = f"ann-{run}", f"bob-{run}"
    now = now_ms()
    year = time.gmtime(now / 1000).tm_year
    music.plays(
        [
            play(ann, t1, now - 20 * MIN, country=COUNTRY),
            play(ann, t2, now - 15 * MIN, country=COUNTRY),
            play(ann, t2, now - 10 * MIN, country=COUNTRY),
            play(bob, t1, now - 12 * MIN, country=COUNTRY),
        ]
    )

    def shown(ann_t1: int, ann_t2: int) -> bool:
        want = {t1: ann_t1 + 1, t2: ann_t2}
        charts = [music.chart(w, c) for w in ("hour", "day") for c in (None, COUNTRY)]
        return all(chart_shows(chart, want) for chart in charts)

    eventually(lambda: shown(1, 2), timeout=30, what="ann's and bob's plays charted")
    assert len(music.recent(ann)) == 3
    eventually(lambda: music.royalties(artist) == 4, timeout=60, what="4 streams' royalties")
    review = eventually(
        lambda: (r := music.year_in_review(ann, year))["streams"] == 3 and r,
        timeout=60,
        what="ann's year in review",
    )
    assert [t["id"] for t in review["tracks"]] == [t2, t1]

    music.delete_history(ann, before_ms=now_ms())
    # The live read models drop her plays in one step, the figures with them.
    eventually(lambda: shown(0, 0), timeout=15, what="ann's plays out of every chart")
    assert music.recent(ann) == []
    eventually(lambda: music.royalties(artist) == 1, timeout=60, what="only bob's stream paid")
    assert music.year_in_review(ann, year)["streams"] == 0
    assert music.year_in_review(ann, year)["tracks"] == []
    assert [p["track_id"] for p in music.recent(bob)] == [t1]

    runs: list[subprocess.CompletedProcess[str]] = []

    def verified() -> subprocess.CompletedProcess[str] | None:
        runs.append(onelog(music.running, "verify", "--namespace", f"v{uuid.uuid4().hex[:6]}"))
        return runs[-1] if runs[-1].returncode == 0 else None

    # The projector may still be applying the last facts: verify until equal.
    try:
        done = eventually(verified, timeout=300, what="onelog verify exiting 0")
    except AssertionError:
        raise AssertionError(
            f"verify: {runs[-1].stdout[:3000]} {runs[-1].stderr[-2000:]}"
        ) from None
    assert json.loads(done.stdout)["equal"] is True
    # And still gone after the rebuild was compared: nothing brought them back.
    assert shown(0, 0) and music.recent(ann) == []
