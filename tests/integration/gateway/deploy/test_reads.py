"""/v1/deploy's reads against real Kafka and Redis, the read model written by
the projector's own writes: a deployment, a service, its history and its
releases as an engineer reads them; the same 404 for an unknown or forged id
at once, a 403 naming the id for another service's deployment (as for
another account's order); and an id the gateway has just issued waited for
until the projector shows it, for a read and for a command."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable

import httpx
import pytest

from gateway.deploy.principal import SERVICE as PRINCIPAL
from schemas import deploy as dp
from schemas.deploy.topics import DEPLOY_BUILDS, DEPLOY_COMMANDS
from schemas.ulid import new_ulid
from tests.integration.gateway.conftest import Gateway, problem, read_record
from tests.integration.gateway.deploy.projected import DeployProjected, deploy_projected
from tests.integration.gateway.deploy.test_commands import (
    READ,
    WRITE,
    artifact_bytes,
    deployer,
    service_name,
)
from tests.unit.projections.deploy.records import SERVICE, did, rid, story

pytestmark = pytest.mark.integration

__all__ = ["deploy_projected"]  # a fixture, imported for this module's tests

# Far below the gateway's wait for an issued id (seconds): an answer this
# fast did not wait for the projector.
AT_ONCE_S = 0.5


async def test_a_deployment_a_service_its_history_and_releases_read_as_projected(
    gateway: Gateway, deploy_projected: DeployProjected
) -> None:
    deploy_projected.apply_steps(story().steps)
    headers, _ = deployer(gateway, SERVICE, scopes=(READ,))
    get = gateway.client.get

    d1 = await get(f"/v1/deploy/deployments/{did(1)}", headers=headers)
    assert d1.status_code == 200, d1.text
    shown = d1.json()
    assert (shown["service"], shown["status"], shown["version"]) == (SERVICE, "succeeded", "v1")
    assert [w["name"] for w in shown["waves"]] == ["canary", "us-east"]
    assert {h["host_id"]: h["outcome"] for h in shown["hosts"]} == {
        "h1": "updated", "h2": "updated", "h3": "updated"
    }  # fmt: skip
    d2 = (await get(f"/v1/deploy/deployments/{did(2)}", headers=headers)).json()
    assert d2["status"] == "rolled_back"

    service = (await get(f"/v1/deploy/services/{SERVICE}", headers=headers)).json()
    assert (service["current_version"], service["active_deployment_id"]) == ("v1", "")
    assert [h["host_id"] for h in service["hosts"]] == ["h1", "h2", "h3"]

    history = await get(f"/v1/deploy/services/{SERVICE}/deployments", headers=headers)
    assert history.status_code == 200
    assert [(d["deployment_id"], d["status"]) for d in history.json()["deployments"]] == [
        (did(3), "dequeued"), (did(2), "rolled_back"), (did(1), "succeeded")
    ]  # fmt: skip
    latest = await get(f"/v1/deploy/services/{SERVICE}/deployments?limit=1", headers=headers)
    assert [d["deployment_id"] for d in latest.json()["deployments"]] == [did(3)]
    too_many = await get(f"/v1/deploy/services/{SERVICE}/deployments?limit=0", headers=headers)
    assert too_many.status_code == 422
    assert problem(too_many)["errors"][0]["field"] == "limit"

    releases = (await get(f"/v1/deploy/services/{SERVICE}/releases", headers=headers)).json()
    assert {r["release_id"]: r["status"] for r in releases["releases"]}.keys() == {
        rid(1), rid(2), rid(3)
    }  # fmt: skip
    r3 = await get(f"/v1/deploy/services/{SERVICE}/releases/{rid(3)}", headers=headers)
    assert r3.status_code == 200 and r3.json()["status"] == "build_failed", r3.text
    r1 = (await get(f"/v1/deploy/services/{SERVICE}/releases/{rid(1)}", headers=headers)).json()
    assert (r1["version"], r1["commit"], r1["digest"]) == ("v1", "c1", f"{1:064x}")


async def test_unknown_ids_are_404_and_another_services_are_refused_as_elsewhere(
    gateway: Gateway, deploy_projected: DeployProjected
) -> None:
    deploy_projected.apply_steps(story().steps)
    other = service_name()
    stranger, _ = deployer(gateway, other)
    get = gateway.client.get

    # Another service's deployment: 403 naming the id, as another account's
    # order or another learner's submission; the same for a command and a stream.
    for response in (
        await get(f"/v1/deploy/deployments/{did(1)}", headers=stranger),
        await get(f"/v1/deploy/deployments/{did(1)}/events", headers=stranger),
        await gateway.client.post(f"/v1/deploy/deployments/{did(1)}/rollback", headers=stranger),
    ):
        body = problem(response)
        assert response.status_code == 403, body
        assert body["type"].endswith("/foreign-service")
        assert [e["field"] for e in body["errors"]] == ["deployment_id"]
    for path in ("", "/deployments", "/releases", f"/releases/{rid(1)}", "/dora"):
        refused = await get(f"/v1/deploy/services/{SERVICE}{path}", headers=stranger)
        assert refused.status_code == 403, path
        assert [e["field"] for e in problem(refused)["errors"]] == ["service"]

    # Unknown: 404 at once, however fresh a forged ULID looks.
    operator, _ = deployer(gateway, scopes=(READ, WRITE, PRINCIPAL.operator_scope))
    forged = new_ulid(int(time.time() * 1000))
    for response in await _timed_at_once(
        get(f"/v1/deploy/deployments/{forged}", headers=operator),
        get(f"/v1/deploy/deployments/{forged}/events", headers=operator),
        gateway.client.post(f"/v1/deploy/deployments/{forged}/pause", headers=operator),
        get(f"/v1/deploy/services/{other}", headers=operator),
        get(f"/v1/deploy/services/{SERVICE}/releases/{forged}", headers=operator),
        get(f"/v1/deploy/services/{other}/releases/{rid(1)}", headers=operator),
    ):
        assert response.status_code == 404, response.text
        assert problem(response)["type"].split("/")[-1] in {
            "unknown-deployment", "unknown-service", "unknown-release"
        }  # fmt: skip
    empty = await get(f"/v1/deploy/services/{other}/deployments", headers=operator)
    assert empty.json() == {"deployments": []}


async def _timed_at_once(*requests: Awaitable[httpx.Response]) -> list[httpx.Response]:
    """The answers, each of them given without waiting for the projector."""
    started = time.monotonic()
    responses = await asyncio.wait_for(asyncio.gather(*requests), 10)
    assert time.monotonic() - started < AT_ONCE_S * len(requests)
    return list(responses)


async def test_a_deployment_just_started_is_read_and_steered_once_projected(
    gateway: Gateway, deploy_projected: DeployProjected
) -> None:
    service = service_name()
    headers, _ = deployer(gateway, service)
    body = {"service": service, "release_id": "hello-good"}
    started = await gateway.client.post("/v1/deploy/deployments", json=body, headers=headers)
    assert started.status_code == 202, started.text
    answer = started.json()
    deployment_id = answer["deployment_id"]
    _, command = read_record(gateway.settings, answer["topic"], answer["partition"],
                             answer["offset"])  # fmt: skip
    assert isinstance(command, dp.StartDeployment)

    # Another service's key is refused at once, without waiting.
    stranger, _ = deployer(gateway, service_name())
    (foreign,) = await _timed_at_once(
        gateway.client.get(f"/v1/deploy/deployments/{deployment_id}", headers=stranger)
    )
    assert foreign.status_code == 403
    assert [e["field"] for e in problem(foreign)["errors"]] == ["deployment_id"]

    read = asyncio.ensure_future(
        gateway.client.get(f"/v1/deploy/deployments/{deployment_id}", headers=headers)
    )
    pause = asyncio.ensure_future(
        gateway.client.post(f"/v1/deploy/deployments/{deployment_id}/pause", headers=headers)
    )
    await asyncio.sleep(0.3)  # the projector is a moment behind
    assert not read.done() and not pause.done()
    deploy_projected.apply(DEPLOY_COMMANDS.name, command)
    shown = await asyncio.wait_for(read, 5)
    assert shown.status_code == 200, shown.text
    assert (shown.json()["service"], shown.json()["status"]) == (service, "requested")
    paused = await asyncio.wait_for(pause, 5)
    key, record = read_record(gateway.settings, paused.json()["topic"],
                              paused.json()["partition"], paused.json()["offset"])  # fmt: skip
    assert isinstance(record, dp.PauseDeployment)
    assert (key, record.deployment_id) == (service.encode(), deployment_id)


async def test_an_issued_deployment_the_projector_never_shows_is_404_after_the_wait(
    gateway: Gateway,
) -> None:
    service = service_name()
    headers, _ = deployer(gateway, service)
    body = {"service": service, "release_id": "hello-good"}
    started = await gateway.client.post("/v1/deploy/deployments", json=body, headers=headers)
    deployment_id = started.json()["deployment_id"]
    wait_s = 5.0  # GatewayConfig.issued_wait_s
    before = time.monotonic()
    missing = await asyncio.wait_for(
        gateway.client.get(f"/v1/deploy/deployments/{deployment_id}", headers=headers),
        wait_s + 5,
    )
    assert missing.status_code == 404
    assert 0.5 * wait_s < time.monotonic() - before < wait_s + 2


@pytest.mark.parametrize("source", ["build", "upload"])
async def test_a_release_just_issued_is_read_once_projected(
    gateway: Gateway, deploy_projected: DeployProjected, source: str
) -> None:
    service = service_name()
    headers, _ = deployer(gateway, service)
    if source == "build":
        issued = await gateway.client.post(
            "/v1/deploy/releases",
            json={"service": service, "version": "1.0.0", "repo": "/srv/x.git",
                  "commit": "abc1234"},
            headers=headers,
        )  # fmt: skip
    else:
        issued = await gateway.client.post(
            "/v1/deploy/releases/upload",
            params={"service": service, "version": "1.0.0"},
            content=artifact_bytes("#!/bin/sh\n"),
            headers={**headers, "Content-Type": "application/gzip"},
        )
    assert issued.status_code == 202, issued.text
    answer = issued.json()
    release_id = answer["release_id"]
    _, command = read_record(gateway.settings, answer["topic"], answer["partition"],
                             answer["offset"])  # fmt: skip
    # Named under another service, the issued id is not waited for.
    (elsewhere,) = await _timed_at_once(
        gateway.client.get(
            f"/v1/deploy/services/{service_name()}/releases/{release_id}",
            headers=deployer(gateway, scopes=(READ, PRINCIPAL.operator_scope))[0],
        )
    )
    assert elsewhere.status_code == 404
    read = asyncio.ensure_future(
        gateway.client.get(f"/v1/deploy/services/{service}/releases/{release_id}", headers=headers)
    )
    await asyncio.sleep(0.3)
    assert not read.done()
    topic = DEPLOY_BUILDS.name if source == "build" else DEPLOY_COMMANDS.name
    deploy_projected.apply(topic, command)
    shown = await asyncio.wait_for(read, 5)
    assert shown.status_code == 200, shown.text
    assert (shown.json()["release_id"], shown.json()["version"]) == (release_id, "1.0.0")
