"""GET /v1/feed/members/{member}/live against real Redis, the live streams
written by the projection's own writes: new posts of followees, pushed and
pulled, arrive numbered; what the member may not see is left out; a
reconnect with Last-Event-ID goes on without a gap and the seq goes on; a
position the streams' cap has overtaken, or one never sent, is a `reset`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest

from gateway.config import GatewayConfig
from infra.settings import Settings
from projections.feed import keys
from tests.integration.gateway.conftest import Gateway, running_gateway, unique
from tests.integration.gateway.feed.projected import (
    T0_MS,
    FeedProjected,
    feed_projected,
    member_key,
)

pytestmark = pytest.mark.integration

__all__ = ["feed_projected"]  # a fixture, imported for this module's tests

# Each stream ends after this long, so the in-process client, which reads a
# body whole, gets it back.
STREAM_S = 2.0


def _events(text: str) -> list[dict[str, str]]:
    events = []
    for block in text.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":")
        )
        if fields:
            events.append(fields)
    return events


async def _stream(
    settings: Settings, gateway: Gateway, member: str, during: Callable[[], None],
    last_event_id: str | None = None,
) -> list[dict[str, str]]:  # fmt: skip
    """The events of one connection, `during` run half a second into it."""
    config = GatewayConfig(stream_max_s=STREAM_S, stream_keepalive_s=0.5)
    headers = member_key(gateway, member)
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id

    async def later() -> None:
        await asyncio.sleep(0.5)
        during()

    async with running_gateway(settings, config) as client:
        task = asyncio.create_task(later())
        answer = await asyncio.wait_for(
            client.get(f"/v1/feed/members/{member}/live", headers=headers), 10
        )
        await task
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/event-stream")
    return _events(answer.text)


async def test_new_posts_arrive_numbered_and_a_reconnect_goes_on_without_a_gap(
    gateway: Gateway, feed_projected: FeedProjected
) -> None:
    reader, ann, celeb, stranger = unique("r"), unique("ann"), unique("celeb"), unique("x")
    p = feed_projected
    p.members(reader, ann, celeb, stranger)
    p.follows(reader, ann)
    p.follows(reader, celeb)
    p.pulled(celeb)
    settings = gateway.settings

    def first_posts() -> None:
        p.post(ann, f"{ann}-1", T0_MS + 1, [reader])
        p.post(stranger, f"{stranger}-1", T0_MS + 2, [reader])  # not followed: not shown
        p.post(celeb, f"{celeb}-1", T0_MS + 3, [], delivery="pull")

    events = await _stream(settings, gateway, reader, first_posts)
    assert events[0]["event"] == "ready"
    posts = [e for e in events if e.get("event") == "post"]
    data = [json.loads(e["data"]) for e in posts]
    assert sorted(d["post_id"] for d in data) == sorted([f"{ann}-1", f"{celeb}-1"])
    assert [d["seq"] for d in data] == [1, 2]

    # The client saw only the first post; two more come while it is away.
    p.post(ann, f"{ann}-2", T0_MS + 4, [reader])
    p.post(celeb, f"{celeb}-2", T0_MS + 5, [], delivery="pull")

    def later_post() -> None:
        p.post(ann, f"{ann}-3", T0_MS + 6, [reader])

    resumed = await _stream(settings, gateway, reader, later_post, posts[0]["id"])
    got = [json.loads(e["data"]) for e in resumed if e.get("event") == "post"]
    # Everything after the first post's position: the other first post (its
    # stream's position was still the connection's start), the two posted
    # while away, and the one posted after the reconnect.
    assert [d["seq"] for d in got] == [2, 3, 4, 5]
    assert {d["post_id"] for d in got} == {data[1]["post_id"], f"{ann}-2", f"{celeb}-2", f"{ann}-3"}


async def test_a_block_hides_the_live_posts_of_the_blocker(
    gateway: Gateway, feed_projected: FeedProjected
) -> None:
    reader, eve = unique("r"), unique("eve")
    p = feed_projected
    p.members(reader, eve)
    p.follows(reader, eve)
    p.blocks(eve, reader)

    def post() -> None:
        p.post(eve, f"{eve}-1", T0_MS, [reader])

    events = await _stream(gateway.settings, gateway, reader, post)
    assert [e for e in events if e.get("event") == "post"] == []


async def test_a_position_the_cap_overtook_or_never_sent_is_a_reset(
    gateway: Gateway, feed_projected: FeedProjected
) -> None:
    reader, ann = unique("r"), unique("ann")
    p = feed_projected
    p.members(reader, ann)
    p.follows(reader, ann)

    def posts() -> None:
        p.post(ann, f"{ann}-1", T0_MS + 1, [reader])

    events = await _stream(gateway.settings, gateway, reader, posts)
    first = next(e for e in events if e.get("event") == "post")
    for i in range(2, 6):
        p.post(ann, f"{ann}-{i}", T0_MS + i, [reader])
    # The cap trims the oldest entries (exactly here, as MAXLEN ~ would).
    live_key = f"{gateway.settings.namespace}:{keys.live(reader)}"
    p.client.xtrim(live_key, maxlen=1, approximate=False)

    for last_event_id in (first["id"], "garbage", "e30"):
        resumed = await _stream(gateway.settings, gateway, reader, lambda: None, last_event_id)
        assert resumed[0]["event"] == "reset", last_event_id
        assert json.loads(resumed[0]["data"])["reason"] in ("position_expired", "unknown_position")
        assert [e for e in resumed if e.get("event") == "post"] == []
