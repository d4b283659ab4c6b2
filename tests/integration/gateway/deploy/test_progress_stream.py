"""GET /v1/deploy/deployments/{id}/events, a deployment's progress as
Server-Sent Events, against real Redis with the projector's own writes and
announcements: every event numbered by the deployment's seq, in order and
without a gap up to the end of the deployment, where the stream ends; a
client reconnecting with Last-Event-ID gets exactly what it missed; and the
stream is bounded as every other SSE route."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.auth import create_api_key
from gateway.config import GatewayConfig
from gateway.deploy.principal import SERVICE as PRINCIPAL
from infra.settings import Settings
from schemas import deploy as dp
from tests.integration.gateway.conftest import (
    Gateway,
    problem,
    running_gateway,
    sse_events,
    unique,
)
from tests.integration.gateway.deploy.projected import DeployProjected, deploy_projected
from tests.unit.projections.deploy.records import SERVICE, Story, did, story

pytestmark = pytest.mark.integration

__all__ = ["deploy_projected"]  # a fixture, imported for this module's tests


def reader(settings: Settings) -> dict[str, str]:
    secret = create_api_key(settings.api_keys_file, unique("r"), ("deploy:read",),
                            principals={PRINCIPAL.kind: (SERVICE,)})  # fmt: skip
    return {"Authorization": f"Bearer {secret}"}


def split_at_start(s: Story, deployment_id: str) -> int:
    """The index of the step just after `deployment_id`'s DeploymentStarted."""
    for index, (_, _, record) in enumerate(s.steps):
        if isinstance(record, dp.DeploymentStarted) and record.deployment_id == deployment_id:
            return index + 1
    raise AssertionError(f"{deployment_id} never starts")


async def drained(events: AsyncIterator[dict[str, str]], bound_s: float) -> list[dict[str, str]]:
    """Every event until the stream ends, which it must within `bound_s`."""

    async def each() -> list[dict[str, str]]:
        return [event async for event in events]

    return await asyncio.wait_for(each(), bound_s)


async def test_events_follow_a_deployment_to_its_end_and_a_reconnect_misses_nothing(
    uvicorn_gateway: tuple[str, str], gateway_settings: Settings, deploy_projected: DeployProjected
) -> None:
    url, _ = uvicorn_gateway
    s = story()
    split = split_at_start(s, did(2))
    deploy_projected.apply_steps(s.steps[:split])
    headers = reader(gateway_settings)
    path = f"/v1/deploy/deployments/{did(2)}/events"
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        async with client.stream("GET", path, headers=headers) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            events = sse_events(stream.aiter_lines())
            snapshot = await asyncio.wait_for(anext(events), 5)
            assert snapshot["event"] == "snapshot"
            start_seq = int(snapshot["id"])
            assert json.loads(snapshot["data"])["status"] == "running"

            deploy_projected.apply_steps(s.steps[split:])
            rest = await drained(events, 10)
        ids = [int(e["id"]) for e in rest]
        assert ids == list(range(start_seq + 1, start_seq + 1 + len(ids))), ids
        assert {e["event"] for e in rest} == {"progress"}
        last = json.loads(rest[-1]["data"])
        assert "RolledBack" in last["type"] and last["seq"] == ids[-1]
        final = (await client.get(f"/v1/deploy/deployments/{did(2)}", headers=headers)).json()
        assert (final["status"], final["seq"]) == ("rolled_back", ids[-1])

        # A client that saw up to the first progress event reconnects.
        resumed_headers = {**headers, "Last-Event-ID": str(ids[0])}
        async with client.stream("GET", path, headers=resumed_headers) as stream:
            resumed = await drained(sse_events(stream.aiter_lines()), 10)
        assert [int(e["id"]) for e in resumed] == ids[1:]
        assert [e["data"] for e in resumed] == [e["data"] for e in rest[1:]]

        # One that saw everything gets nothing more, and the stream ends.
        async with client.stream(
            "GET", path, headers={**headers, "Last-Event-ID": str(ids[-1])}
        ) as stream:
            assert await drained(sse_events(stream.aiter_lines()), 10) == []


async def test_a_final_deployment_is_a_snapshot_and_the_end(
    gateway: Gateway, deploy_projected: DeployProjected
) -> None:
    deploy_projected.apply_steps(story().steps)
    response = await asyncio.wait_for(
        gateway.client.get(
            f"/v1/deploy/deployments/{did(1)}/events", headers=reader(gateway.settings)
        ),
        10,
    )
    assert response.status_code == 200
    assert response.text.startswith("event: snapshot\n")
    assert response.text.count("event: ") == 1
    data = json.loads(response.text.split("data: ", 1)[1].split("\n", 1)[0])
    assert data["status"] == "succeeded" and f"id: {data['seq']}\n" in response.text


@pytest.mark.parametrize("header", ["abc", "-1", "1.5", "9" * 40])
async def test_a_last_event_id_that_is_no_seq_is_a_400_naming_it(
    gateway: Gateway, deploy_projected: DeployProjected, header: str
) -> None:
    deploy_projected.apply_steps(story().steps)
    response = await gateway.client.get(
        f"/v1/deploy/deployments/{did(1)}/events",
        headers={**reader(gateway.settings), "Last-Event-ID": header},
    )
    assert response.status_code == 400
    assert problem(response)["errors"][0]["parameter"] == "Last-Event-ID"


async def test_a_progress_stream_ends_at_its_bound(
    gateway_settings: Settings, deploy_projected: DeployProjected
) -> None:
    s = story()
    deploy_projected.apply_steps(s.steps[: split_at_start(s, did(2))])  # never ends
    config = GatewayConfig(stream_max_s=1.0, stream_keepalive_s=0.2)
    async with running_gateway(gateway_settings, config) as client:
        started = time.monotonic()
        # The in-process client reads the whole body: it returns only when the stream ends.
        response = await asyncio.wait_for(
            client.get(f"/v1/deploy/deployments/{did(2)}/events", headers=reader(gateway_settings)),
            10,
        )
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.text.startswith("event: snapshot\n")
    assert "time is up" in response.text
    assert 1.0 <= elapsed < 4, elapsed
