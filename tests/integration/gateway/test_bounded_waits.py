"""Every wait of a read route has a bound: a submission id the gateway never
issued is a 404 at once (however fresh its ULID looks), one it did issue is
waited for briefly, and an SSE stream ends at its bound."""

from __future__ import annotations

import asyncio
import time

import pytest

from gateway.config import GatewayConfig
from gateway.records import new_event_id, now_micros
from infra.settings import Settings
from schemas import judge as jd
from schemas.ulid import new_ulid
from tests.integration.gateway.conftest import (
    Gateway,
    problem,
    read_record,
    running_gateway,
    unique,
    unique_symbol,
)
from tests.integration.gateway.test_judge_routes import Projected, fact, projected, slug
from tests.integration.gateway.test_reads import Market, listed_with_a_bid, market

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
