"""The deployment system end to end, over HTTP, on the whole platform with
its real processes: the origin, one agent per region, the clock, the worker
(orchestrator and builder), the projector and the gateway; hosts are real
processes in folders.

The tests run in file order on one service ("hello", two hosts in each of
five regions), each starting from where the previous left its hosts.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.auth import create_api_key
from infra import processes
from infra.settings import REPO_ROOT
from onelog import platform
from onelog.deploy import CLI
from onelog.deploy.publish import wait_for_sample_releases
from onelog.deploy.sample_releases import (
    GOOD_VERSION,
    SERVICE,
    sample_hosts,
)
from onelog.deploy.services import region_agent_name
from streams.deploy.artifacts import pack
from streams.deploy.config import DeploySettings, deploy_settings
from streams.deploy.host_folder import HostFolder
from tests.e2e.conftest import Platform, eventually, onelog

pytestmark = pytest.mark.e2e

FINAL = ("succeeded", "rolled_back", "dequeued")
# A rollout of ten hosts one or two at a time, each fetched, started and
# health-checked: well under this on a quiet machine.
ROLLOUT_S = 240.0


@dataclass(frozen=True)
class DeployPlatform:
    running: Platform
    deploy: DeploySettings
    http: httpx.Client


def _deploy_key(running: Platform, name: str) -> str:
    return create_api_key(
        running.settings.api_keys_file,
        f"e2e-{name}-{uuid.uuid4().hex[:6]}",
        ["deploy:read", "deploy:write", "deploy:approve", "deploy:admin"],
        principals={"service": [SERVICE]},
        rate_per_minute=600_000,
        burst=10_000,
    )


def _stop_hosts(deploy: DeploySettings) -> None:
    """Release processes run in their own sessions and outlive their agent."""
    for host in sample_hosts(deploy.regions):
        HostFolder(deploy.host_dir(host["region"], host["host_id"])).stop_all_except(None)


@pytest.fixture(scope="module")
def deploying(running_platform: Platform) -> Iterator[DeployPlatform]:
    """What `up` adds for the deployment system: the published sample, the
    origin, the agents and the clock."""
    settings = running_platform.settings
    deploy = deploy_settings(settings)
    assert CLI.publish is not None
    CLI.publish(settings)
    started: list[str] = []
    try:
        for service in CLI.services(settings):
            if processes.running_pid(settings.state_dir, service.name) is None:
                started.append(service.name)
            platform.start_domain_service(settings, service)
        projector_pid = processes.running_pid(settings.state_dir, platform.PROJECTOR)
        assert projector_pid is not None
        projector = processes.ServiceProcess(
            platform.PROJECTOR, projector_pid, processes.log_file(settings.state_dir, "projector")
        )
        wait_for_sample_releases(settings, projector)
        key = _deploy_key(running_platform, "deployer")
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=running_platform.url, headers=headers, timeout=30) as http:
            yield DeployPlatform(running_platform, deploy, http)
    finally:
        for name in reversed(started):
            processes.stop(settings.state_dir, name)
        _stop_hosts(deploy)


def _start(d: DeployPlatform, release_id: str, **strategy: Any) -> str:
    answer = d.http.post(
        "/v1/deploy/deployments",
        json={"service": SERVICE, "release_id": release_id, "strategy": strategy},
    )
    assert answer.status_code == 202, answer.text
    deployment_id: str = answer.json()["deployment_id"]
    return deployment_id


def _deployment(d: DeployPlatform, deployment_id: str) -> dict[str, Any] | None:
    answer = d.http.get(f"/v1/deploy/deployments/{deployment_id}")
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def _ended(d: DeployPlatform, deployment_id: str, timeout: float = ROLLOUT_S) -> dict[str, Any]:
    def final() -> dict[str, Any] | None:
        found = _deployment(d, deployment_id)
        return found if found is not None and found["status"] in FINAL else None

    ended: dict[str, Any] = eventually(final, timeout=timeout, what=f"{deployment_id} ended")
    return ended


def _health(port: int) -> tuple[int, str]:
    try:
        health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
    except httpx.HTTPError as failed:
        return 0, repr(failed)
    return health.status_code, page.text


def _every_host_runs(d: DeployPlatform, version: str) -> None:
    """`current` names the version on every host of every region, and the
    process of that release answers /health."""
    hosts = sample_hosts(d.deploy.regions)
    assert len(hosts) == 2 * len(d.deploy.regions) == 10
    for host in hosts:
        folder = HostFolder(d.deploy.host_dir(host["region"], host["host_id"]))
        assert folder.current_version() == version, (host, folder.current_version())
        port = folder.port(version)
        assert port is not None, host
        status, page = _health(port)
        assert status == 200, (host, status, page)


def _variant(tmp: Path, version: str) -> bytes:
    """The sample service built as `version`: an artifact to upload."""
    out = tmp / f"out-{version}"
    subprocess.run(
        ["sh", str(REPO_ROOT / "samples" / "hello-service" / "build.sh")],
        env={"OUT": str(out), "VERSION": version, "PATH": "/usr/bin:/bin"},
        check=True,
        timeout=30,
    )
    return pack(out)


def _upload(d: DeployPlatform, data: bytes, version: str) -> dict[str, Any]:
    answer = d.http.post(
        "/v1/deploy/releases/upload",
        params={"service": SERVICE, "version": version},
        content=data,
        headers={"Content-Type": "application/gzip"},
    )
    assert answer.status_code == 202, answer.text
    release: dict[str, Any] = answer.json()

    def created() -> bool:
        found = d.http.get(f"/v1/deploy/services/{SERVICE}/releases/{release['release_id']}")
        return found.status_code == 200 and found.json().get("status") == "created"

    eventually(created, timeout=60, what=f"release {version} created")
    return release


def _audit(d: DeployPlatform, deployment_id: str) -> dict[str, Any]:
    audited = onelog(d.running, "audit", "deployment", deployment_id)
    assert audited.returncode == 0, audited.stderr
    story: dict[str, Any] = json.loads(audited.stdout)
    return story


def _printed_by_up(d: DeployPlatform, label: str) -> str:
    """Send the curl `onelog up` printed under `label`, as printed; the deployment's id."""
    up = onelog(d.running, "up")
    assert up.returncode == 0, up.stderr
    sent = subprocess.run(
        ["bash", "-c", json.loads(up.stdout)[label]], capture_output=True, text=True, timeout=30
    )
    assert sent.returncode == 0, sent.stderr
    deployment_id: str = json.loads(sent.stdout)["deployment_id"]
    return deployment_id


def test_a_good_release_reaches_every_host_of_five_regions(deploying: DeployPlatform) -> None:
    # The curl `up` prints, as printed (canary, then region by region, one host at a time).
    deployment_id = _printed_by_up(deploying, "deploy_curl")
    ended = _ended(deploying, deployment_id)
    assert ended["status"] == "succeeded", ended
    assert ended["version"] == GOOD_VERSION
    _every_host_runs(deploying, GOOD_VERSION)


def test_a_release_whose_health_fails_rolls_back_by_itself_at_the_canary(
    deploying: DeployPlatform,
) -> None:
    deployment_id = _printed_by_up(deploying, "deploy_rollback_curl")
    ended = _ended(deploying, deployment_id)
    assert ended["status"] == "rolled_back", ended
    # Only the canary was touched, and every host runs the good release.
    touched = [h for h in ended["hosts"] if h["outcome"] != "pending"]
    assert len(touched) == 1, touched
    _every_host_runs(deploying, GOOD_VERSION)

    story = _audit(deploying, deployment_id)
    assert story["outcome"] == "rolled back" and story["started_by"], story
    unhealthy = [
        line
        for line in story["lines"]
        if line["record_type"] == "HostStepReported"
        and line["fields"]["step"] == "healthy"
        and not line["fields"]["ok"]
    ]
    assert unhealthy, story["lines"]
    assert any(line["record_type"] == "DeploymentRolledBack" for line in story["lines"])


def test_a_deployment_survives_kill_9_of_a_region_agent_and_the_worker(
    deploying: DeployPlatform, tmp_path: Path
) -> None:
    settings = deploying.running.settings
    version = f"2.0.{uuid.uuid4().hex[:6]}"
    release = _upload(deploying, _variant(tmp_path, version), version)
    # A worker replacing a killed one waits out the dead member's session:
    # hosts must not time out meanwhile.
    deployment_id = _start(deploying, release["release_id"], host_timeout_ms=300_000)

    def a_host_in_flight() -> dict[str, Any] | None:
        found = _deployment(deploying, deployment_id) or {}
        if found.get("status") in FINAL:
            raise AssertionError(f"ended before anything was killed: {found}")
        return next(
            (
                h
                for h in found.get("hosts", [])
                if h["outcome"] == "pending" and h["last_step"] and h["wave"] and h["wave"] > 0
            ),
            None,
        )

    in_flight = eventually(a_host_in_flight, timeout=ROLLOUT_S, what="a host of wave 1+ installing")
    agent = next(
        s for s in CLI.services(settings) if s.name == region_agent_name(in_flight["region"])
    )
    assert processes.kill(settings.state_dir, agent.name)
    assert processes.kill(settings.state_dir, platform.worker_name(1))

    platform.start_domain_service(settings, agent)
    worker = platform.start_worker(settings, 1)
    platform.wait_for_worker(settings, worker, 1)

    ended = _ended(deploying, deployment_id)
    assert ended["status"] == "succeeded", ended
    _every_host_runs(deploying, version)


def test_a_deployment_survives_a_restart_of_every_process(
    deploying: DeployPlatform, tmp_path: Path
) -> None:
    settings = deploying.running.settings
    version = f"4.0.{uuid.uuid4().hex[:6]}"
    release = _upload(deploying, _variant(tmp_path, version), version)
    deployment_id = _start(deploying, release["release_id"], host_timeout_ms=300_000)

    def past_the_canary() -> dict[str, Any] | None:
        found = _deployment(deploying, deployment_id) or {}
        if found.get("status") in FINAL:
            raise AssertionError(f"ended before anything was killed: {found}")
        return found if any(h["wave"] and h["last_step"] for h in found.get("hosts", [])) else None

    eventually(past_the_canary, timeout=ROLLOUT_S, what="a host past the canary touched")
    # Every process of the platform but Kafka and Redis, at once, with SIGKILL.
    deploy_services = list(CLI.services(settings))
    everyone = [s.name for s in deploy_services]
    everyone += [platform.GATEWAY, platform.PROJECTOR, platform.worker_name(1)]
    for name in everyone:
        assert processes.kill(settings.state_dir, name), name

    worker = platform.start_worker(settings, 1)
    platform.start_projector(settings)
    platform.start_gateway(settings)
    for service in deploy_services:
        platform.start_domain_service(settings, service)
    platform.wait_for_worker(settings, worker, 1)

    ended = _ended(deploying, deployment_id)
    assert ended["status"] == "succeeded", ended
    _every_host_runs(deploying, version)


def test_a_tampered_artifact_is_refused_and_reported(
    deploying: DeployPlatform, tmp_path: Path
) -> None:
    service = deploying.http.get(f"/v1/deploy/services/{SERVICE}").json()
    running_version = service["current_version"]
    version = f"3.0.{uuid.uuid4().hex[:6]}"
    release = _upload(deploying, _variant(tmp_path, version), version)
    blob = deploying.deploy.blob_dir / release["artifact"]["digest"]
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.chmod(0o644)
    blob.write_bytes(bytes(data))

    deployment_id = _start(deploying, release["release_id"])
    ended = _ended(deploying, deployment_id)
    assert ended["status"] == "rolled_back", ended
    _every_host_runs(deploying, running_version)

    story = _audit(deploying, deployment_id)
    refused = [
        line["fields"]
        for line in story["lines"]
        if line["record_type"] == "HostStepReported"
        and line["fields"]["step"] in ("fetched", "verified")
        and not line["fields"]["ok"]
    ]
    assert refused and all(step["detail"] for step in refused), story["lines"]


def test_verify_finds_live_and_replayed_read_models_equal(deploying: DeployPlatform) -> None:
    verified = onelog(deploying.running, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
