"""The feed's part of the `onelog` command on the whole platform: the audit
of a real post (published, fanned out, edited, liked, deleted) read from the
log, the graph loader through the batch route, the sample members `up`
publishes and the curls it prints."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gateway.auth import create_api_key
from onelog.feed.graph_generator import GraphShape, follower_count
from onelog.feed.sample_members import members_shown, publish_sample_members
from tests.e2e.conftest import Platform, eventually, onelog

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def feed(running_platform: Platform) -> Iterator[tuple[Platform, httpx.Client]]:
    key = create_api_key(
        running_platform.settings.api_keys_file,
        f"e2e-feed-{uuid.uuid4().hex[:8]}",
        ["feed:read", "feed:write", "feed:operator"],
        rate_per_minute=6_000_000,
        burst=100_000,
    )
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=running_platform.url, headers=headers, timeout=10) as http:
        yield Platform(running_platform.settings, key), http


def _accepted(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


def _member(http: httpx.Client, member: str) -> dict[str, Any] | None:
    response = http.get(f"/v1/feed/members/{member}")
    return response.json() if response.status_code == 200 else None


def test_the_audit_tells_a_posts_life_from_the_log(
    feed: tuple[Platform, httpx.Client],
) -> None:
    running, http = feed
    run = uuid.uuid4().hex[:8]
    author, reader = f"alice-{run}", f"bob-{run}"
    for member in (author, reader):
        _accepted(http.put(f"/v1/feed/members/{member}", json={"handle": member.split("-")[0]}))
    eventually(lambda: _member(http, author) and _member(http, reader), what="both members")
    _accepted(http.post(f"/v1/feed/members/{reader}/follows", json={"other": author}))
    eventually(
        lambda: (_member(http, author) or {}).get("followers") == 1, what="the follow answered"
    )
    post_id = _accepted(http.post(f"/v1/feed/members/{author}/posts", json={"text": "first"}))[
        "post_id"
    ]

    def in_timeline() -> bool:
        page = http.get(f"/v1/feed/members/{reader}/timeline").json()
        return any(item["post_id"] == post_id for item in page.get("items", []))

    eventually(in_timeline, what="the post in the reader's timeline")
    _accepted(http.patch(f"/v1/feed/members/{author}/posts/{post_id}", json={"text": "second"}))
    _accepted(http.post(f"/v1/feed/members/{reader}/likes", json={"post_id": post_id}))

    def liked_and_edited() -> bool:
        found = http.get(f"/v1/feed/members/{reader}/posts/{post_id}")
        body = found.json() if found.status_code == 200 else {}
        return body.get("version") == 2 and body.get("likes") == 1

    eventually(liked_and_edited, what="the edit and the like shown")
    _accepted(http.delete(f"/v1/feed/members/{author}/posts/{post_id}"))
    eventually(
        lambda: http.get(f"/v1/feed/members/{reader}/posts/{post_id}").status_code == 404,
        what="the deletion shown",
    )

    def audited() -> dict[str, Any] | None:
        done = onelog(running, "audit", "post", post_id)
        assert done.returncode == 0, done.stderr
        life: dict[str, Any] = json.loads(done.stdout)
        # The removal is the fan-out's answer to the deletion: it may trail it.
        return life if life["removed"] else None

    life = eventually(audited, timeout=60, what="the removal on the log")
    assert (life["author"], life["delivery"]) == (author, "push")
    assert life["fanned_out"] and life["timeline_entries"] == 1
    assert [edit["version"] for edit in life["edits"]] == [2]
    assert life["reactions"]["likes"] == 1
    assert life["deleted"] and sum(life["removed"].values()) == 1
    types = [line["record_type"] for line in life["lines"]]
    assert types.index("PostPublished") < types.index("PostEdited") < types.index("PostDeleted")
    assert "TimelineEntriesAdded" in types and "TimelineEntriesRemoved" in types

    unknown = onelog(running, "audit", "post", "01JNOPOSTNOPOSTNOPOSTNOPOS")
    assert unknown.returncode == 1 and "no record" in unknown.stderr


def test_the_graph_loads_through_the_batch_route(feed: tuple[Platform, httpx.Client]) -> None:
    running, http = feed
    shape = GraphShape(members=300, seed=5, posts_per_member=1, prefix=f"g{uuid.uuid4().hex[:6]}_")
    loaded = onelog(
        running,
        "feed",
        "load-graph",
        "--members",
        str(shape.members),
        "--seed",
        str(shape.seed),
        "--prefix",
        shape.prefix,
        "--key",
        running.api_key,
        "--batch-lines",
        "2000",  # past the body limit: halved until it fits
    )
    assert loaded.returncode == 0, loaded.stderr + loaded.stdout
    summary = json.loads(loaded.stdout)
    follows = sum(follower_count(shape, i) for i in range(shape.members))
    assert (summary["members"], summary["follows"], summary["posts"]) == (300, follows, 300)
    assert summary["failures"] == 0 and summary["lines_per_s"] > 0
    # The most followed member is followed by everyone else, as the graph says.
    star = shape.member_id(0)
    eventually(
        lambda: (_member(http, star) or {}).get("followers") == shape.members - 1,
        timeout=120,
        what="every follow of the most followed member decided",
    )


def test_up_publishes_the_sample_members_once(running_platform: Platform) -> None:
    settings = running_platform.settings
    publish_sample_members(settings)
    eventually(lambda: members_shown(settings), timeout=120, what="alice and bob shown")
    # Once shown, a second `up` writes nothing (members_shown is its check).
    publish_sample_members(settings)
    assert members_shown(settings)


@pytest.mark.usefixtures("domain_services_stopped_after")
def test_the_feed_curls_up_prints_work_as_printed(running_platform: Platform) -> None:
    up = onelog(running_platform, "up")
    assert up.returncode == 0, up.stderr
    printed = json.loads(up.stdout)

    def run(label: str) -> dict[str, Any]:
        sent = subprocess.run(
            ["bash", "-c", printed[label]], capture_output=True, text=True, timeout=30
        )
        assert sent.returncode == 0, sent.stderr
        answer: dict[str, Any] = json.loads(sent.stdout)
        return answer

    # Run back to back, as a script would: up has created both members.
    for label in ("feed_member_curl", "feed_second_member_curl", "feed_follow_curl"):
        assert "event_id" in run(label), label
    post_id = run("feed_post_curl")["post_id"]

    def in_bobs_timeline() -> bool:
        return any(item["post_id"] == post_id for item in run("feed_timeline_curl")["items"])

    eventually(in_bobs_timeline, what="alice's post in bob's timeline, by the printed curl")
