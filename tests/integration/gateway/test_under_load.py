"""The write path under load: what a request costs in Redis, and answers that
stay true when more requests arrive than the gateway holds connections for."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from starlette.types import Receive, Scope, Send

from gateway.admission import WriteAdmission
from gateway.app import create_app
from gateway.auth import create_api_key
from gateway.config import GatewayConfig
from gateway.idempotency import Claim, IdempotencyStore
from infra.settings import Settings
from tests.integration.gateway.conftest import (
    ALL_SCOPES,
    Gateway,
    problem,
    read_record,
    records_after,
    running_gateway,
    unique,
)

pytestmark = pytest.mark.integration


@asynccontextmanager
async def redis_commands_naming(gateway: Gateway, text: str) -> AsyncIterator[list[str]]:
    """Every command a client sends the real Redis whose arguments contain
    `text` (MONITOR; the commands a script runs inside Redis are not round
    trips and are left out), while the block runs."""
    seen: list[str] = []
    client = aioredis.Redis.from_url(gateway.settings.redis_url)
    monitor = client.monitor()
    await monitor.connect()  # type: ignore[no-untyped-call]
    await monitor.connection.send_command("MONITOR")  # type: ignore[union-attr]
    assert await monitor.connection.read_response() in (b"OK", "OK")  # type: ignore[union-attr]

    async def listen() -> None:
        while True:
            executed = await monitor.next_command()
            if executed["client_type"] != "lua" and text in executed["command"]:
                seen.append(executed["command"])

    listening = asyncio.create_task(listen())
    try:
        yield seen
        # MONITOR streams what Redis ran; let the last of it arrive.
        await asyncio.sleep(0.3)
    finally:
        listening.cancel()
        await asyncio.gather(listening, return_exceptions=True)
        await monitor.connection.disconnect()  # type: ignore[union-attr]
        await client.aclose()


async def test_a_write_is_one_redis_round_trip(gateway: Gateway) -> None:
    headers = gateway.key()
    account = unique()
    path = f"/v1/exchange/accounts/{account}/deposits"
    # The first request loads the script into Redis.
    assert (await gateway.client.post(path, json={"amount": 1}, headers=headers)).status_code == 202
    namespace = gateway.settings.namespace
    async with redis_commands_naming(gateway, namespace) as commands:
        response = await gateway.client.post(path, json={"amount": 2}, headers=headers)
    assert response.status_code == 202, response.text
    assert len(commands) == 1, commands


async def test_an_idempotent_write_is_two_round_trips(gateway: Gateway) -> None:
    """Rate limit and claim in one script; the answer stored after Kafka's ack."""
    headers = gateway.key()
    path = f"/v1/exchange/accounts/{unique()}/deposits"
    first = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    assert (await gateway.client.post(path, json={"amount": 1}, headers=first)).status_code == 202
    namespace = gateway.settings.namespace
    async with redis_commands_naming(gateway, namespace) as commands:
        response = await gateway.client.post(
            path, json={"amount": 1}, headers={**headers, "Idempotency-Key": str(uuid.uuid4())}
        )
    assert response.status_code == 202, response.text
    assert len(commands) == 2, commands


async def test_more_concurrent_writes_than_redis_connections_are_all_accepted(
    gateway: Gateway,
) -> None:
    """redis-py's pool allows 100 connections by default and refuses the 101st
    at once: the 503s of the first HTTP benchmark. A request waits for a
    connection instead (bounded by redis_timeout_s)."""
    headers = gateway.key(rate_per_minute=60_000, burst=1000)
    path = f"/v1/exchange/accounts/{unique()}/deposits"
    responses = await asyncio.gather(
        *(gateway.client.post(path, json={"amount": 1}, headers=headers) for _ in range(300))
    )
    statuses = [r.status_code for r in responses]
    assert statuses == [202] * 300, {s: statuses.count(s) for s in set(statuses)}


async def test_an_overloaded_gateway_refuses_before_producing(
    gateway_settings: Settings,
) -> None:
    """Past its bound of records awaiting Kafka, a write is a 503 with
    Retry-After, and nothing of it is on the log: every record there was
    answered 202."""
    secret = create_api_key(
        gateway_settings.api_keys_file, unique("k"), ALL_SCOPES,
        rate_per_minute=60_000, burst=1000,
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {secret}"}
    account = unique()
    path = f"/v1/exchange/accounts/{account}/deposits"
    config = GatewayConfig(max_pending_records=4, unavailable_retry_after_s=1)
    async with running_gateway(gateway_settings, config) as client:
        responses = await asyncio.gather(
            *(client.post(path, json={"amount": 1}, headers=headers) for _ in range(40))
        )
    accepted = [r.json() for r in responses if r.status_code == 202]
    refused = [r for r in responses if r.status_code != 202]
    assert accepted and refused, [r.status_code for r in responses]
    for response in refused:
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert problem(response)["type"].endswith("/overloaded")
    first = min(accepted, key=lambda a: a["offset"])
    on_the_log = records_after(
        gateway_settings, first["topic"], first["partition"], first["offset"] - 1,
        lambda record: record.envelope.key == account,
    )  # fmt: skip
    assert sorted(r.envelope.event_id for r in on_the_log) == sorted(
        a["event_id"] for a in accepted
    )


class AnswerStoreDown(IdempotencyStore):
    """The real store, but Redis fails when the answer is to be stored."""

    async def complete(self, claim: Claim, status: int, body: dict[str, Any]) -> None:
        raise RedisConnectionError("Redis went away")


async def test_a_record_kafka_acknowledged_is_a_202_even_if_redis_fails_after(
    gateway_settings: Settings,
) -> None:
    secret = create_api_key(gateway_settings.api_keys_file, unique("k"), ALL_SCOPES)
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": str(uuid.uuid4())}
    app = create_app(gateway_settings)
    async with app.router.lifespan_context(app) as state:
        assert state is not None
        services = state["services"]
        # A claim held for 1 s, so the test sees it taken over.
        store = AnswerStoreDown(services.scripts, gateway_settings.namespace, 3600, 1)
        broken = replace(
            services,
            idempotency=store,
            admission=WriteAdmission(services.scripts, services.rate_limiter, store),
        )

        async def with_state(scope: Scope, receive: Receive, send: Send) -> None:
            scope["state"] = {**state, "services": broken}
            await app(scope, receive, send)

        transport = httpx.ASGITransport(app=with_state)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            path = f"/v1/exchange/accounts/{unique()}/deposits"
            response = await client.post(path, json={"amount": 7}, headers=headers)
            assert response.status_code == 202, response.text
            answer = response.json()
            _, record = read_record(
                gateway_settings, answer["topic"], answer["partition"], answer["offset"]
            )
            assert record.envelope.event_id == answer["event_id"]
            # The claim is still pending; once its time is up (1 s here), a
            # retry takes it over with the same ids, so processors drop it.
            await asyncio.sleep(1.2)
            retried = await client.post(path, json={"amount": 7}, headers=headers)
    assert retried.status_code == 202, retried.text
    assert retried.json()["event_id"] == answer["event_id"]
