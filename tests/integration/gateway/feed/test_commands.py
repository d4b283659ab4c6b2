"""/v1/feed's commands against real Kafka and Redis: each lands on
feed.commands keyed by the member it concerns, with what the gateway
resolves (a post's id, a reaction's author); the access rule; a post
another member wrote, one nobody wrote, or one a block hides; a post the
gateway has just issued waited for; hostile bodies; the NDJSON batch."""

from __future__ import annotations

import asyncio
import time

import orjson
import pytest

from schemas.feed import records as fd
from schemas.feed.records import TEXT_MAX_CHARS
from schemas.feed.topics import FEED_COMMANDS
from tests.integration.gateway.conftest import Gateway, problem, read_record, unique
from tests.integration.gateway.feed.projected import (
    T0_MS,
    FeedProjected,
    feed_projected,
    member_key,
)

pytestmark = pytest.mark.integration

__all__ = ["feed_projected"]  # a fixture, imported for this module's tests

BASE = "/v1/feed/members/"


async def test_a_post_lands_keyed_by_its_author_with_the_id_the_202_tells(
    gateway: Gateway,
) -> None:
    author = unique("a")
    headers = member_key(gateway, author)
    answer = await gateway.client.post(
        BASE + author + "/posts",
        json={
            "text": "hello\nworld",
            "links": ["https://example.org/x"],
            "media": [{"media_id": "m1", "kind": "image"}],
        },
        headers=headers,
    )
    assert answer.status_code == 202, answer.text
    body = answer.json()
    key, record = read_record(
        gateway.settings, FEED_COMMANDS.name, body["partition"], body["offset"]
    )
    assert key == author.encode()
    assert isinstance(record, fd.PublishPost)
    assert (record.member, record.post_id, record.text) == (author, body["post_id"], "hello\nworld")
    assert record.media[0].media_id == "m1"


async def test_a_member_the_key_does_not_act_for_is_a_403_naming_member(gateway: Gateway) -> None:
    mine, theirs = unique("m"), unique("t")
    headers = member_key(gateway, mine)
    for method, path, body in [
        ("PUT", theirs, {"handle": "x"}),
        ("POST", theirs + "/follows", {"other": mine}),
        ("POST", theirs + "/posts", {"text": "hi"}),
        ("DELETE", theirs + "/blocks/" + mine, None),
    ]:
        answer = await gateway.client.request(method, BASE + path, json=body, headers=headers)
        assert answer.status_code == 403, (method, path, answer.text)
        assert problem(answer)["errors"][0]["field"] == "member"
    ok = await gateway.client.post(
        BASE + mine + "/follows", json={"other": theirs}, headers=headers
    )
    assert ok.status_code == 202


async def test_an_edit_or_delete_of_anothers_post_is_403_not_the_author_and_unknown_404(
    gateway: Gateway, feed_projected: FeedProjected
) -> None:
    ann, bob = unique("ann"), unique("bob")
    feed_projected.members(ann, bob)
    feed_projected.post(ann, f"{ann}-p", T0_MS, [])
    headers = member_key(gateway, bob)
    for method, body in (("PATCH", {"text": "mine now"}), ("DELETE", None)):
        theirs = await gateway.client.request(
            method, f"{BASE}{bob}/posts/{ann}-p", json=body, headers=headers
        )
        assert theirs.status_code == 403, theirs.text
        refusal = problem(theirs)
        assert refusal["type"].endswith("/not_the_author")
        assert refusal["errors"][0]["field"] == "post_id"
        started = time.monotonic()
        unknown = await gateway.client.request(
            method, f"{BASE}{bob}/posts/NOPOST", json=body, headers=headers
        )
        assert unknown.status_code == 404 and time.monotonic() - started < 0.5
        assert problem(unknown)["errors"][0]["field"] == "post_id"
    own = await gateway.client.patch(
        f"{BASE}{ann}/posts/{ann}-p", json={"text": "edited"}, headers=member_key(gateway, ann)
    )
    assert own.status_code == 202
    _, record = read_record(
        gateway.settings, FEED_COMMANDS.name, own.json()["partition"], own.json()["offset"]
    )
    assert isinstance(record, fd.EditPost)
    assert (record.member, record.actor, record.text) == (ann, ann, "edited")


async def test_a_reaction_carries_the_author_and_a_hidden_post_is_404(
    gateway: Gateway, feed_projected: FeedProjected
) -> None:
    ann, bob, eve = unique("ann"), unique("bob"), unique("eve")
    p = feed_projected
    p.members(ann, bob, eve)
    p.post(ann, f"{ann}-p", T0_MS, [])
    p.post(eve, f"{eve}-p", T0_MS, [])
    p.post(ann, f"{ann}-gone", T0_MS, [])
    p.deletes(ann, f"{ann}-gone")
    p.blocks(eve, bob)
    headers = member_key(gateway, bob)
    liked = await gateway.client.post(
        BASE + bob + "/likes", json={"post_id": f"{ann}-p"}, headers=headers
    )
    assert liked.status_code == 202, liked.text
    key, record = read_record(
        gateway.settings, FEED_COMMANDS.name, liked.json()["partition"], liked.json()["offset"]
    )
    assert isinstance(record, fd.LikePost)
    assert (key, record.author, record.member) == (bob.encode(), ann, bob)
    commented = await gateway.client.post(
        BASE + bob + "/comments", json={"post_id": f"{ann}-p", "text": "nice"}, headers=headers
    )
    assert commented.status_code == 202 and commented.json()["comment_id"]
    for post_id in (f"{eve}-p", f"{ann}-gone", "NOPOST"):
        for method, path, body in (
            ("POST", "/likes", {"post_id": post_id}),
            ("POST", "/shares", {"post_id": post_id}),
            ("DELETE", f"/likes/{post_id}", None),
        ):
            answer = await gateway.client.request(
                method, BASE + bob + path, json=body, headers=headers
            )
            assert answer.status_code == 404, (post_id, path)
            assert problem(answer)["errors"][0]["field"] == "post_id"


async def test_a_post_just_issued_is_waited_for_not_a_404(
    gateway: Gateway, feed_projected: FeedProjected
) -> None:
    ann = unique("ann")
    headers = member_key(gateway, ann)
    posted = await gateway.client.post(BASE + ann + "/posts", json={"text": "x"}, headers=headers)
    post_id = posted.json()["post_id"]

    async def project_later() -> None:
        await asyncio.sleep(0.3)
        feed_projected.post(ann, post_id, T0_MS, [])

    task = asyncio.create_task(project_later())
    started = time.monotonic()
    read = await gateway.client.get(f"{BASE}{ann}/posts/{post_id}", headers=headers)
    await task
    assert read.status_code == 200, read.text
    assert 0.25 < time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/posts", {"text": "x" * (TEXT_MAX_CHARS + 1)}, "text"),
        ("/posts", {"text": "x", "links": ["javascript:alert(1)"]}, "links.0"),
        ("/posts", {"text": "x", "links": ["https://e.org"] * 11}, "links"),
        ("/posts", {"text": "x", "media": [{"media_id": "m", "kind": "image"}] * 11}, "media"),
        ("/follows", {"other": "../etc"}, "other"),
        ("/follows", {"other": "x" * 65}, "other"),
        ("/comments", {"post_id": "p", "text": ""}, "text"),
    ],
)
async def test_bad_fields_are_422_naming_them(
    gateway: Gateway, path: str, body: dict[str, object], field: str
) -> None:
    member = unique("m")
    answer = await gateway.client.post(
        BASE + member + path, json=body, headers=member_key(gateway, member)
    )
    assert answer.status_code == 422, answer.text
    assert field in [e["field"] for e in problem(answer)["errors"]]


async def test_a_huge_body_is_413_and_a_bad_member_in_the_path_422(gateway: Gateway) -> None:
    member = unique("m")
    headers = member_key(gateway, member, operator=True)
    huge = await gateway.client.post(
        BASE + member + "/posts",
        content=b'{"text": "' + b"x" * 200_000 + b'"}',
        headers={**headers, "content-type": "application/json"},
    )
    assert huge.status_code == 413
    bad = await gateway.client.put(BASE + "x%20y", json={"handle": "x"}, headers=headers)
    assert bad.status_code == 422
    assert problem(bad)["errors"][0]["field"] == "member"


async def test_the_batch_takes_member_graph_and_post_lines_each_answered(
    gateway: Gateway,
) -> None:
    a, b = unique("a"), unique("b")
    headers = member_key(gateway, a, b)
    lines = [
        {"command": "create_member", "member": a, "handle": "aa"},
        {"command": "create_member", "member": b, "handle": "bb"},
        {"command": "follow", "member": a, "other": b},
        {"command": "publish_post", "member": b, "text": "hi"},
        {"command": "publish_post", "member": "someone-else", "text": "hi"},
        {"command": "like_post", "member": a, "post_id": "x"},
    ]
    body = b"\n".join(orjson.dumps(line) for line in lines)
    answer = await gateway.client.post(
        "/v1/feed/batch", content=body, headers={**headers, "content-type": "application/x-ndjson"}
    )
    assert answer.status_code == 200, answer.text
    results = [orjson.loads(line) for line in answer.content.splitlines() if line.strip()]
    assert [r.get("status", 202) for r in results] == [202, 202, 202, 202, 403, 422]
    assert results[3]["post_id"]
