"""`onelog verify` after the feed's story (and, in a whole e2e run, after the
other feed modules: the celebrity, the kill -9, the scroll past the cap):
every read model rebuilt from the log equals the live one, the feed's
timelines, bodies, counts and graph included."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Platform, eventually, onelog
from tests.e2e.feed_support import Feed, open_feed, run_tag

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def feed(running_platform: Platform) -> Iterator[Feed]:
    with open_feed(running_platform) as opened:
        yield opened


def test_verify_rebuilds_every_feed_read_model_equal(feed: Feed) -> None:
    tag = run_tag()
    author, readers = f"a-{tag}", [f"r{n}-{tag}" for n in range(4)]
    feed.create_members([author, *readers])
    feed.follow(readers, author)
    posts = [feed.post(author, f"post {n}") for n in range(5)]
    feed.accepted(
        feed.http.patch(f"/v1/feed/members/{author}/posts/{posts[0]}", json={"text": "x"})
    )
    for reader in readers[:2]:
        feed.accepted(
            feed.http.post(f"/v1/feed/members/{reader}/likes", json={"post_id": posts[1]})
        )
    feed.accepted(
        feed.http.post(
            f"/v1/feed/members/{readers[2]}/comments", json={"post_id": posts[1], "text": "hi"}
        )
    )
    feed.accepted(
        feed.http.post(f"/v1/feed/members/{readers[3]}/shares", json={"post_id": posts[2]})
    )
    feed.accepted(feed.http.delete(f"/v1/feed/members/{author}/posts/{posts[4]}"))
    feed.accepted(feed.http.delete(f"/v1/feed/members/{readers[0]}/follows/{author}"))
    feed.accepted(feed.http.post(f"/v1/feed/members/{readers[1]}/blocks", json={"other": author}))
    eventually(
        lambda: (
            feed.timeline(readers[2])[:4] == posts[3::-1]
            and (feed.read_post(readers[2], posts[1]).json().get("comments") == 1)
        ),
        what="the story projected",
    )

    runs: list[subprocess.CompletedProcess[str]] = []

    def verified() -> subprocess.CompletedProcess[str] | None:
        runs.append(onelog(feed.running, "verify", "--namespace", f"v{uuid.uuid4().hex[:6]}"))
        return runs[-1] if runs[-1].returncode == 0 else None

    # The projector may still be applying the last facts: verify until equal.
    try:
        done = eventually(verified, timeout=240, what="onelog verify exiting 0")
    except AssertionError:
        raise AssertionError(
            f"verify: {runs[-1].stdout[:3000]} {runs[-1].stderr[-2000:]}"
        ) from None
    assert json.loads(done.stdout)["equal"] is True
