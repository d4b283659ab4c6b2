"""/v1/feed's reads against real Redis, the read model written by the
projector's own writes: a member, a post as a member may see it, the home
feed chronological and ranked a page at a time (pulled authors merged,
deleted posts, unfollowed authors and blocks dropped at read), pages stable
while new posts arrive, and cursors that only their reader and mode accept."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.gateway.conftest import Gateway, problem, unique
from tests.integration.gateway.feed.projected import (
    T0_MS,
    FeedProjected,
    feed_projected,
    member_key,
)

pytestmark = pytest.mark.integration

__all__ = ["feed_projected"]  # a fixture, imported for this module's tests

BASE = "/v1/feed/members/"


def _ids(page: dict[str, Any]) -> list[str]:
    return [item["post_id"] for item in page["items"]]


async def _pages(
    gateway: Gateway, member: str, headers: dict[str, str], mode: str, limit: int
) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor: str | None = None
    for _ in range(20):
        params: dict[str, Any] = {"mode": mode, "limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        answer = await gateway.client.get(
            BASE + member + "/timeline", params=params, headers=headers
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages.append(_ids(body))
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
    raise AssertionError("the feed did not end")


async def test_the_chronological_feed_merges_pushed_and_pulled_newest_first_in_pages(
    gateway: Gateway, feed_projected: FeedProjected
) -> None:
    reader, ann, celeb, stranger = unique("r"), unique("ann"), unique("celeb"), unique("x")
    p = feed_projected
    p.members(reader, ann, celeb, stranger)
    p.follows(reader, ann)
    p.follows(reader, celeb)
    p.pulled(celeb)
    for i in range(5):
        p.post(ann, f"{ann}-p{i}", T0_MS + 10 * i, [reader])
        p.post(celeb, f"{celeb}-p{i}", T0_MS + 10 * i + 5, [], delivery="pull")
    # In the timeline but hidden at read: another's post the reader does not
    # follow, and a deleted one.
    p.post(stranger, f"{stranger}-p", T0_MS + 100, [reader])
    p.deletes(ann, f"{ann}-p4")
    headers = member_key(gateway, reader)

    pages = await _pages(gateway, reader, headers, "chronological", 3)
    shown = [post for page in pages for post in page]
    expected = [f"{celeb}-p4"] + [f"{who}-p{i}" for i in (3, 2, 1, 0) for who in (celeb, ann)]
    assert shown == expected
    assert all(len(page) <= 3 for page in pages)

    first = (await gateway.client.get(BASE + reader + "/timeline", headers=headers)).json()
    item = first["items"][0]
    assert item["text"] == f"{celeb}-p4 text" and item["author"] == celeb
    assert {"likes", "shares", "comments", "version", "links", "media"} <= set(item)


async def test_a_page_is_stable_while_new_posts_arrive_and_unfollow_and_block_apply_at_once(
    gateway: Gateway, feed_projected: FeedProjected
) -> None:
    reader, ann, bob = unique("r"), unique("ann"), unique("bob")
    p = feed_projected
    p.members(reader, ann, bob)
    p.follows(reader, ann)
    p.follows(reader, bob)
    for i in range(4):
        p.post(ann, f"{ann}-p{i}", T0_MS + 10 * i, [reader])
    headers = member_key(gateway, reader)
    url = BASE + reader + "/timeline"
    first = (await gateway.client.get(url, params={"limit": 2}, headers=headers)).json()
    assert _ids(first) == [f"{ann}-p3", f"{ann}-p2"]
    # A newer post lands above the anchor: the next page neither repeats nor skips.
    p.post(ann, f"{ann}-new", T0_MS + 1_000, [reader])
    second = (
        await gateway.client.get(
            url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers
        )
    ).json()
    assert _ids(second) == [f"{ann}-p1", f"{ann}-p0"]

    p.post(bob, f"{bob}-p", T0_MS + 2_000, [reader])
    assert _ids((await gateway.client.get(url, headers=headers)).json())[:2] == [
        f"{bob}-p",
        f"{ann}-new",
    ]
    p.unfollows(reader, bob)
    p.blocks(ann, reader)
    assert _ids((await gateway.client.get(url, headers=headers)).json()) == []


async def test_the_ranked_feed_puts_engagement_first_and_pages_without_repeats(
    gateway: Gateway, feed_projected: FeedProjected
) -> None:
    reader, ann = unique("r"), unique("ann")
    p = feed_projected
    p.members(reader, ann)
    p.follows(reader, ann)
    for i in range(6):
        p.post(ann, f"{ann}-p{i}", T0_MS + 10 * i, [reader])
    for liker in ("l1", "l2", "l3"):
        p.likes(liker, ann, f"{ann}-p0")
    headers = member_key(gateway, reader)
    answer = await gateway.client.get(
        BASE + reader + "/timeline", params={"mode": "ranked", "limit": 2}, headers=headers
    )
    body = answer.json()
    assert _ids(body)[0] == f"{ann}-p0"
    assert body["items"][0]["likes"] == 3
    assert body["items"][0]["score"] > body["items"][1]["score"]
    pages = await _pages(gateway, reader, headers, "ranked", 2)
    shown = [post for page in pages for post in page]
    assert sorted(shown) == sorted(f"{ann}-p{i}" for i in range(6))
    assert shown[0] == f"{ann}-p0" and shown[1:] == [f"{ann}-p{i}" for i in (5, 4, 3, 2, 1)]


async def test_cursors_of_another_reader_or_mode_or_forged_are_400_naming_cursor(
    gateway: Gateway, feed_projected: FeedProjected
) -> None:
    reader, other, ann = unique("r"), unique("o"), unique("ann")
    p = feed_projected
    p.members(reader, other, ann)
    p.follows(reader, ann)
    for i in range(3):
        p.post(ann, f"{ann}-p{i}", T0_MS + i, [reader])
    headers = member_key(gateway, reader, other)
    first = (
        await gateway.client.get(BASE + reader + "/timeline", params={"limit": 1}, headers=headers)
    ).json()
    cursor = first["next_cursor"]
    assert isinstance(cursor, str)
    flipped = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    cases = [
        (other, "chronological", cursor),
        (reader, "ranked", cursor),
        (reader, "chronological", flipped),
        (reader, "chronological", "not a cursor"),
        (reader, "chronological", "AAAA"),
    ]
    for member, mode, text in cases:
        answer = await gateway.client.get(
            BASE + member + "/timeline", params={"mode": mode, "cursor": text}, headers=headers
        )
        assert answer.status_code == 400, (member, mode, text)
        assert problem(answer)["errors"][0]["field"] == "cursor"


async def test_reads_are_the_members_own_and_a_hidden_post_is_404(
    gateway: Gateway, feed_projected: FeedProjected
) -> None:
    reader, ann, eve = unique("r"), unique("ann"), unique("eve")
    p = feed_projected
    p.members(reader, ann, eve)
    p.post(ann, f"{ann}-p", T0_MS, [])
    p.post(eve, f"{eve}-p", T0_MS, [])
    p.blocks(eve, reader)
    headers = member_key(gateway, reader)

    found = await gateway.client.get(BASE + reader, headers=headers)
    assert found.status_code == 200 and found.json()["handle"] == reader.replace("-", "_")
    post = await gateway.client.get(f"{BASE}{reader}/posts/{ann}-p", headers=headers)
    assert post.status_code == 200 and post.json()["author"] == ann
    for post_id in (f"{eve}-p", "nope", f"{ann}-x"):
        hidden = await gateway.client.get(f"{BASE}{reader}/posts/{post_id}", headers=headers)
        assert hidden.status_code == 404
        assert problem(hidden)["errors"][0]["field"] == "post_id"
    for path in ("", "/timeline", "/rejections", f"/posts/{ann}-p"):
        refused = await gateway.client.get(BASE + ann + path, headers=headers)
        assert refused.status_code == 403, path
        assert problem(refused)["errors"][0]["field"] == "member"
    operator = member_key(gateway, operator=True)
    assert (await gateway.client.get(BASE + ann, headers=operator)).status_code == 200
    bad = await gateway.client.get(BASE + "a%2Fb/timeline", headers=operator)
    assert bad.status_code in (404, 422)
