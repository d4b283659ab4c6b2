"""/v1/deploy's commands against real Kafka and Redis: each lands on its topic
keyed by service with the fields the gateway resolves (the actor is the key),
a key acts only for its services, approval needs deploy:approve, bad bodies
are problem+json naming the field, and an upload ends in a CreateRelease
naming a blob the store holds, signed by the platform's key."""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from typing import Any

import httpx
import pytest

from gateway.auth import create_api_key
from gateway.deploy.principal import SERVICE
from gateway.deploy.requests import region_names
from schemas.deploy import records as dr
from streams.deploy.config import deploy_settings
from streams.deploy.signing import (
    load_or_create_signing_key,
    load_public_key,
    verify_digest,
    write_public_key,
)
from tests.integration.gateway.conftest import Gateway, problem, read_record, unique

pytestmark = pytest.mark.integration

READ, WRITE = "deploy:read", "deploy:write"
APPROVE, ADMIN = "deploy:approve", "deploy:admin"
UNKNOWN_DEPLOYMENT = "01HZZZZZZZZZZZZZZZZZZZZZZZ"


def deployer(gateway: Gateway, *services: str, scopes: tuple[str, ...] = (READ, WRITE)) -> Any:
    """Headers of a new key with `scopes`, acting for `services`, and its id."""
    key_id = unique("k")
    secret = create_api_key(gateway.keys_file, key_id, scopes, principals={SERVICE.kind: services})
    return {"Authorization": f"Bearer {secret}"}, key_id


def service_name() -> str:
    return unique("svc").lower()


def landed(gateway: Gateway, response: httpx.Response) -> tuple[bytes, Any]:
    assert response.status_code == 202, response.text
    body = response.json()
    return read_record(gateway.settings, body["topic"], body["partition"], body["offset"])


def artifact_bytes(text: str) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        data = text.encode()
        info = tarfile.TarInfo("run")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue())


async def test_a_build_goes_to_deploy_builds_keyed_by_service(gateway: Gateway) -> None:
    service = service_name()
    headers, key_id = deployer(gateway, service)
    body = {"service": service, "version": "1.0.0", "repo": "/srv/hello.git", "commit": "abc1234"}
    response = await gateway.client.post("/v1/deploy/releases", json=body, headers=headers)
    key, record = landed(gateway, response)
    assert response.json()["topic"] == "deploy.builds"
    assert key == service.encode()
    assert isinstance(record, dr.BuildRelease)
    assert (record.service, record.version, record.commit) == (service, "1.0.0", "abc1234")
    assert record.release_id == response.json()["release_id"]
    assert record.actor == key_id


async def test_a_deployment_starts_with_the_key_as_its_deployer(gateway: Gateway) -> None:
    service = service_name()
    headers, key_id = deployer(gateway, service)
    body = {"service": service, "release_id": "hello-good",
            "strategy": {"rollout": "all_at_once", "max_unavailable": 2}}  # fmt: skip
    response = await gateway.client.post("/v1/deploy/deployments", json=body, headers=headers)
    key, record = landed(gateway, response)
    assert response.json()["topic"] == "deploy.commands"
    assert key == service.encode()
    assert isinstance(record, dr.StartDeployment)
    assert record.deployment_id == response.json()["deployment_id"]
    assert record.strategy.rollout == "all_at_once"
    assert record.strategy.max_unavailable == 2
    assert record.actor == key_id


async def test_hosts_are_set_registered_and_retired_with_deploy_admin(gateway: Gateway) -> None:
    service = service_name()
    region = region_names()[0]
    admin, _ = deployer(gateway, service, scopes=(ADMIN,))
    hosts = {"hosts": [{"region": region, "host_id": f"{service}-1"}]}
    _, record = landed(
        gateway,
        await gateway.client.put(f"/v1/deploy/services/{service}/hosts", json=hosts, headers=admin),
    )
    assert isinstance(record, dr.SetServiceHosts)
    assert [h.host_id for h in record.hosts] == [f"{service}-1"]
    one = {"region": region, "host_id": f"{service}-2"}
    _, record = landed(
        gateway,
        await gateway.client.post(f"/v1/deploy/services/{service}/hosts", json=one, headers=admin),
    )
    assert isinstance(record, dr.RegisterHost)
    assert record.host.host_id == f"{service}-2"
    _, record = landed(
        gateway,
        await gateway.client.delete(
            f"/v1/deploy/services/{service}/hosts/{service}-2", headers=admin
        ),
    )
    assert isinstance(record, dr.RetireHost)
    writer, _ = deployer(gateway, service)
    refused = await gateway.client.put(
        f"/v1/deploy/services/{service}/hosts", json=hosts, headers=writer
    )
    assert refused.status_code == 403


async def test_a_key_acts_only_for_its_services(gateway: Gateway) -> None:
    mine, theirs = service_name(), service_name()
    headers, _ = deployer(gateway, mine)
    body = {"service": theirs, "release_id": "r-1"}
    refused = await gateway.client.post("/v1/deploy/deployments", json=body, headers=headers)
    assert refused.status_code == 403
    assert [e["field"] for e in problem(refused)["errors"]] == ["service"]
    read = await gateway.client.get(f"/v1/deploy/services/{theirs}", headers=headers)
    assert read.status_code == 403
    operator, _ = deployer(gateway, scopes=(READ, WRITE, SERVICE.operator_scope))
    accepted = await gateway.client.post("/v1/deploy/deployments", json=body, headers=operator)
    assert accepted.status_code == 202


async def test_an_unknown_deployment_is_a_404_and_approval_needs_its_scope(
    gateway: Gateway,
) -> None:
    service = service_name()
    writer, _ = deployer(gateway, service)
    path = f"/v1/deploy/deployments/{UNKNOWN_DEPLOYMENT}"
    refused = await gateway.client.post(path + "/approve", json={"wave": 1}, headers=writer)
    assert refused.status_code == 403  # deploy:write is not deploy:approve
    approver, _ = deployer(gateway, service, scopes=(APPROVE,))
    unknown = await gateway.client.post(path + "/approve", json={"wave": 1}, headers=approver)
    assert unknown.status_code == 404
    assert problem(unknown)["errors"][0]["field"] == "deployment_id"
    for action in ("pause", "resume", "abort", "rollback"):
        assert (await gateway.client.post(f"{path}/{action}", headers=writer)).status_code == 404
    assert (await gateway.client.get(path, headers=writer)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"release_id": "r-1"}, "service"),
        ({"service": "hello", "release_id": "r 1"}, "release_id"),
        ({"service": "hello", "release_id": "r-1", "strategy": {"max_unavailable": 0}},
         "strategy.max_unavailable"),
        ({"service": "hello", "release_id": "r-1", "strategy": {"region_order": ["mars"]}},
         "strategy.region_order.0"),
        ({"service": "hello", "release_id": "r-1", "actor": "someone-else"}, "actor"),
    ],
)  # fmt: skip
async def test_a_bad_body_is_problem_json_naming_the_field(
    gateway: Gateway, body: dict[str, Any], field: str
) -> None:
    headers, _ = deployer(gateway, scopes=(WRITE, SERVICE.operator_scope))
    response = await gateway.client.post("/v1/deploy/deployments", json=body, headers=headers)
    assert response.status_code == 422
    assert [e["field"] for e in problem(response)["errors"]] == [field]


async def test_an_upload_is_stored_signed_and_recorded(gateway: Gateway) -> None:
    service = service_name()
    headers, key_id = deployer(gateway, service)
    data = artifact_bytes(f"#!/bin/sh\necho {service}\n")
    response = await gateway.client.post(
        "/v1/deploy/releases/upload",
        params={"service": service, "version": "2.0.0"},
        content=data,
        headers={**headers, "Content-Type": "application/gzip", "Idempotency-Key": unique("i")},
    )
    key, record = landed(gateway, response)
    assert key == service.encode()
    assert isinstance(record, dr.CreateRelease)
    digest = hashlib.sha256(data).hexdigest()
    assert (record.source, record.version, record.actor) == ("upload", "2.0.0", key_id)
    assert record.artifact.digest == digest
    assert record.artifact.size_bytes == len(data)
    assert response.json()["artifact"]["digest"] == digest
    settings = deploy_settings(gateway.settings)
    assert (settings.blob_dir / digest).read_bytes() == data
    write_public_key(load_or_create_signing_key(settings.signing_key_path),
                     settings.public_key_path)  # fmt: skip
    public = load_public_key(settings.public_key_path)
    assert verify_digest(public, digest, record.artifact.signature)
    assert "PRIVATE" not in response.text


async def test_an_upload_is_refused_for_another_service_or_when_not_gzip(
    gateway: Gateway,
) -> None:
    service = service_name()
    headers, _ = deployer(gateway, service)
    foreign = await gateway.client.post(
        "/v1/deploy/releases/upload",
        params={"service": service_name(), "version": "1"},
        content=artifact_bytes("x"),
        headers=headers,
    )
    assert foreign.status_code == 403
    assert problem(foreign)["errors"][0]["field"] == "service"
    not_gzip = await gateway.client.post(
        "/v1/deploy/releases/upload",
        params={"service": service, "version": "1"},
        content=b"plain text",
        headers={**headers, "Content-Type": "application/octet-stream"},
    )
    assert not_gzip.status_code == 422
    bad_version = await gateway.client.post(
        "/v1/deploy/releases/upload",
        params={"service": service, "version": "../1"},
        content=artifact_bytes("x"),
        headers=headers,
    )
    assert bad_version.status_code == 422
    assert problem(bad_version)["errors"][0]["field"] == "version"
