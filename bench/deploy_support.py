"""What the deployment benchmarks share: the platform of bench.support plus
the deployment system's processes (origin, region agents, clock) on ports of
their own, a key for every service, artifacts of the sample service (padded
to a size), and an HTTP client that starts deployments and waits for them.

Release processes (one per host) run in sessions of their own; `deploy_running`
stops them on exit with the agents.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import support
from gateway.auth import create_api_key
from infra import processes
from infra.settings import REPO_ROOT, Settings
from onelog import platform
from onelog.deploy.services import deploy_services
from streams.deploy.artifacts import pack
from streams.deploy.config import DeploySettings, deploy_settings
from streams.deploy.region_agent import stop_region_hosts

DEPLOY_BENCH_ENVIRONMENT = {
    "ONELOG_DEPLOY_ORIGIN_PORT": "38090",
    "ONELOG_DEPLOY_REGION_PORT": "38100",
}
FINAL = ("succeeded", "rolled_back", "dequeued")


def deploy_bench_settings() -> tuple[Settings, DeploySettings]:
    for name, value in DEPLOY_BENCH_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    settings = support.bench_settings()
    return settings, deploy_settings(settings)


@contextmanager
def deploy_running(settings: Settings) -> Iterator[DeploySettings]:
    """The platform and the deployment system's processes; stops what it started."""
    deploy = deploy_settings(settings)
    with support.platform_running(settings) as running:
        started = []
        try:
            for service in deploy_services(settings):
                if processes.running_pid(settings.state_dir, service.name) is None:
                    started.append(service.name)
                platform.start_domain_service(settings, service)
            print(running.describe() + (", " + ", ".join(started) if started else ""))
            yield deploy
        finally:
            for name in reversed(started):
                processes.stop(settings.state_dir, name)
            for region in deploy.regions:
                stop_region_hosts(deploy, region)


def sample_artifact(version: str, pad_bytes: int = 0) -> bytes:
    """The sample service built as `version`, with `pad_bytes` of random
    (incompressible) data beside it: an artifact of a chosen size."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        subprocess.run(
            ["sh", str(REPO_ROOT / "samples" / "hello-service" / "build.sh")],
            env={"OUT": str(out), "VERSION": version, "PATH": "/usr/bin:/bin"},
            check=True,
            timeout=30,
        )
        if pad_bytes:
            with open(out / "padding.bin", "wb") as padding:
                left = pad_bytes
                while left:
                    chunk = min(left, 1 << 20)
                    padding.write(os.urandom(chunk))
                    left -= chunk
        return pack(out)


@dataclass
class DeployClient:
    http: httpx.Client

    def set_hosts(self, service: str, hosts: list[dict[str, str]]) -> None:
        answer = self.http.put(f"/v1/deploy/services/{service}/hosts", json={"hosts": hosts})
        answer.raise_for_status()

    def upload(self, service: str, version: str, data: bytes) -> str:
        answer = self.http.post(
            "/v1/deploy/releases/upload",
            params={"service": service, "version": version},
            content=data,
            headers={"Content-Type": "application/gzip"},
            timeout=600,
        )
        answer.raise_for_status()
        release_id: str = answer.json()["release_id"]
        self.wait(
            lambda: self._release_status(service, release_id) == "created",
            120,
            f"release {release_id} created",
        )
        return release_id

    def _release_status(self, service: str, release_id: str) -> str:
        answer = self.http.get(f"/v1/deploy/services/{service}/releases/{release_id}")
        return str(answer.json().get("status", "")) if answer.status_code == 200 else ""

    def start(self, service: str, release_id: str, **strategy: Any) -> str:
        answer = self.http.post(
            "/v1/deploy/deployments",
            json={"service": service, "release_id": release_id, "strategy": strategy},
        )
        answer.raise_for_status()
        deployment_id: str = answer.json()["deployment_id"]
        return deployment_id

    def roll_back(self, deployment_id: str) -> None:
        self.http.post(
            f"/v1/deploy/deployments/{deployment_id}/rollback", json={}
        ).raise_for_status()

    def status(self, deployment_id: str) -> str:
        answer = self.http.get(f"/v1/deploy/deployments/{deployment_id}")
        return str(answer.json().get("status", "")) if answer.status_code == 200 else ""

    def wait_final(
        self, deployment_id: str, timeout: float, final_states: tuple[str, ...] = FINAL
    ) -> str:
        found: list[str] = []

        def final() -> bool:
            found[:] = [self.status(deployment_id)]
            return found[0] in final_states

        self.wait(final, timeout, f"deployment {deployment_id} ended")
        return found[0]

    @staticmethod
    def wait(check: Any, timeout: float, what: str, every: float = 0.05) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise SystemExit(f"{what}: not within {timeout:.0f} s")
            time.sleep(every)


@contextmanager
def deploy_client(settings: Settings) -> Iterator[DeployClient]:
    key = create_api_key(
        settings.api_keys_file,
        f"bench-deploy-{uuid.uuid4().hex[:6]}",
        ["deploy:read", "deploy:write", "deploy:approve", "deploy:admin", "deploy:operator"],
        rate_per_minute=600_000_000,
        burst=10_000_000,
    )
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=settings.gateway_url, headers=headers, timeout=30) as http:
        yield DeployClient(http)


def origin_bytes_sent(deploy: DeploySettings) -> int:
    sent: int = httpx.get(f"{deploy.origin_url}/stats", timeout=5).json()["bytes_sent"]
    return sent


def hosts_of(regions: tuple[str, ...], per_region: int, prefix: str) -> list[dict[str, str]]:
    return [
        {"region": region, "host_id": f"{prefix}-{region}-{index}"}
        for region in regions
        for index in range(1, per_region + 1)
    ]
