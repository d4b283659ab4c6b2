"""Every wait of a route has a bound: a submission id the gateway never issued
is a 404 at once (however fresh its ULID looks), one it did issue is waited
for briefly, an SSE stream ends at its bound, and a Redis that does not
answer is a 503 within seconds."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from gateway.auth import create_api_key
from gateway.config import GatewayConfig
from infra import processes, redis_server
from infra.settings import Settings
from schemas import judge as jd
from schemas.ulid import new_ulid
from streams.sealing import new_event_id, now_micros
from tests.integration.gateway.conftest import (
    ALL_SCOPES,
    Gateway,
    problem,
    read_record,
    running_gateway,
    unique,
    unique_symbol,
)
from tests.integration.gateway.exchange.test_reads import Market, listed_with_a_bid, market
from tests.integration.gateway.judge.test_routes import Projected, fact, projected, slug
from tests.support.ports import free_port

pytestmark = pytest.mark.integration

__all__ = ["market", "projected"]  # fixtures, imported for this module's tests

READ, WRITE = ("judge:read",), ("judge:write",)
ANYONE = ("judge:read", "judge:operator")
# Far below the gateway's wait for an issued id (seconds): an answer this
# fast did not wait for the projector.
AT_ONCE_S = 0.5


@pytest.mark.parametrize("when", ["now", "centuries ahead"])
@pytest.mark.parametrize("suffix", ["", "/stream"], ids=["get", "stream"])
async def test_an_id_the_gateway_never_issued_is_404_at_once(
    gateway: Gateway, when: str, suffix: str
) -> None:
    # A ULID whose time says the gateway issued it just now, or one from the future.
    forged = new_ulid(int(time.time() * 1000)) if when == "now" else "1" + "0" * 25
    reader = gateway.key(ANYONE)
    started = time.monotonic()
    response = await asyncio.wait_for(
        gateway.client.get(f"/v1/judge/submissions/{forged}{suffix}", headers=reader), 10
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 404
    assert problem(response)["type"].endswith("/unknown-submission")
    assert elapsed < AT_ONCE_S, elapsed


async def test_an_issued_id_is_answered_once_projected(
    gateway: Gateway, projected: Projected
) -> None:
    problem_id, user = slug(), unique("u")
    projected.publish_problem(problem_id)
    submitted = await gateway.client.post(
        "/v1/judge/submissions",
        json={"user_id": user, "problem_id": problem_id, "language": "python", "source": "x"},
        headers=gateway.key(WRITE, learner=user),
    )
    assert submitted.status_code == 202, submitted.text
    answer = submitted.json()
    _, command = read_record(gateway.settings, answer["topic"], answer["partition"],
                             answer["offset"])  # fmt: skip
    assert isinstance(command, jd.SubmitSolution)

    reader = gateway.key(READ, learner=user)
    asked = asyncio.ensure_future(
        gateway.client.get(f"/v1/judge/submissions/{answer['submission_id']}", headers=reader)
    )
    await asyncio.sleep(0.3)  # the projector is a moment behind
    assert not asked.done()
    projected.apply(command)
    response = await asyncio.wait_for(asked, 5)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "queued"


@pytest.fixture
def short_streams() -> GatewayConfig:
    return GatewayConfig(stream_max_s=1.0, stream_keepalive_s=0.2)


async def test_a_market_stream_ends_at_its_bound(
    gateway_settings: Settings, market: Market, short_streams: GatewayConfig
) -> None:
    symbol = unique_symbol()
    market.apply(*listed_with_a_bid(symbol, unique(), new_event_id(now_micros())))
    async with running_gateway(gateway_settings, short_streams) as client:
        headers = Gateway(client, gateway_settings, gateway_settings.api_keys_file).key()
        started = time.monotonic()
        # The in-process client reads the whole body: it returns only when the stream ends.
        response = await asyncio.wait_for(
            client.get(f"/v1/exchange/market/{symbol}/stream", headers=headers), 10
        )
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.text.startswith("event: snapshot\n")
    assert 1.0 <= elapsed < 4, elapsed


async def test_a_submission_stream_ends_at_its_bound(
    gateway_settings: Settings, projected: Projected, short_streams: GatewayConfig
) -> None:
    user, sid = unique("u"), new_event_id(now_micros())
    projected.apply(
        fact(jd.SubmitSolution, user, submission_id=sid, user_id=user, problem_id=slug(),
             problem_revision=1, language="python", source="x"),
    )  # fmt: skip
    async with running_gateway(gateway_settings, short_streams) as client:
        keys = Gateway(client, gateway_settings, gateway_settings.api_keys_file)
        headers = keys.key(READ, learner=user)
        started = time.monotonic()
        response = await asyncio.wait_for(
            client.get(f"/v1/judge/submissions/{sid}/stream", headers=headers), 10
        )
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.text.startswith("event: snapshot\n")
    assert "event: verdict" not in response.text  # never judged: the bound ended it
    assert 1.0 <= elapsed < 4, elapsed


@dataclass
class OwnRedis:
    settings: Settings
    pid: int

    def stall(self) -> None:
        """Accept connections and answer nothing, as a Redis stuck in a long
        command or a swap storm."""
        os.kill(self.pid, signal.SIGSTOP)


@pytest.fixture
def own_redis(gateway_settings: Settings, tmp_path: Path) -> Iterator[OwnRedis]:
    """A redis-server of its own, to stall without touching anyone else's."""
    settings = replace(
        gateway_settings,
        state_dir=tmp_path / "own-redis",
        redis_url=f"redis://127.0.0.1:{free_port()}/0",
    )
    redis_server.start(settings)
    pid = processes.running_pid(settings.state_dir, redis_server.SERVICE)
    assert pid is not None
    try:
        yield OwnRedis(settings, pid)
    finally:
        os.kill(pid, signal.SIGCONT)
        redis_server.stop(settings)


async def test_a_redis_that_stops_answering_is_a_503_within_the_bound(own_redis: OwnRedis) -> None:
    settings = own_redis.settings
    secret = create_api_key(settings.api_keys_file, unique("k"), ALL_SCOPES)
    headers = {"Authorization": f"Bearer {secret}"}
    book = f"/v1/exchange/book/{unique_symbol()}"
    async with running_gateway(settings, GatewayConfig(redis_timeout_s=0.5)) as client:
        assert (await client.get(book, headers=headers)).status_code == 404  # connected
        own_redis.stall()
        started = time.monotonic()
        response = await asyncio.wait_for(client.get(book, headers=headers), 10)
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert problem(response)["type"].endswith("/store-unavailable")
    assert elapsed < 3, elapsed


async def test_a_body_that_does_not_arrive_in_time_is_a_408(gateway_settings: Settings) -> None:
    async def slow_body() -> AsyncIterator[bytes]:
        yield b'{"amount": '
        await asyncio.sleep(5)  # a client that holds the connection, sending nothing
        yield b"5}"

    config = GatewayConfig(body_timeout_s=0.5)
    async with running_gateway(gateway_settings, config) as client:
        headers = Gateway(client, gateway_settings, gateway_settings.api_keys_file).key()
        started = time.monotonic()
        response = await asyncio.wait_for(
            client.post(
                f"/v1/exchange/accounts/{unique()}/deposits", content=slow_body(),
                headers=headers | {"Content-Type": "application/json"},
            ),
            10,
        )  # fmt: skip
        elapsed = time.monotonic() - started
    assert response.status_code == 408
    assert problem(response)["type"].endswith("/body-timeout")
    assert response.headers["connection"] == "close"
    assert elapsed < 3, elapsed
