"""Region agents as real processes on the real broker: instructions in,
hosts running the sample service, step reports out, one origin copy per region."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from infra import processes
from infra.settings import Settings
from schemas.deploy.records import Artifact, HostStepReported, InstallRelease, RestoreRelease
from schemas.deploy.topics import DEPLOY_HOST_STEPS
from schemas.ulid import new_ulid
from streams.deploy.artifacts import pack
from streams.deploy.blob_store import BlobStore
from streams.deploy.config import DeploySettings, deploy_settings
from streams.deploy.host_folder import HostFolder
from streams.deploy.region_agent import agent_argv, stop_region_hosts
from streams.deploy.signing import load_or_create_signing_key, write_public_key
from tests.support.log import LogReader, LogWriter, Seen, command

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[4] / "samples" / "hello-service"
REGIONS = ("us-east", "eu-west")
INSTALL_STEPS = ["fetched", "verified", "unpacked", "started", "healthy", "switched"]


@dataclass
class Deploy:
    platform: Settings
    settings: DeploySettings
    env: dict[str, str]
    store: BlobStore
    writer: LogWriter
    work: Path

    def agent_name(self, region: str) -> str:
        return f"test-deploy-agent-{region}"

    def start_agent(self, region: str) -> None:
        service = processes.start(
            self.platform.state_dir,
            self.agent_name(region),
            agent_argv(sys.executable, region),
            env=self.env,
        )
        port = self.settings.region_port + self.settings.regions.index(region)
        processes.wait_ready(service, lambda: processes.port_open("127.0.0.1", port), 30)

    def release(self, version: str, slow_start_s: int = 0) -> Artifact:
        """The sample service built as `version`, packed and put in the blob store."""
        out = self.work / f"build-{version}"
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(
            ["sh", str(SAMPLE / "build.sh")],
            env={**os.environ, "OUT": str(out), "VERSION": version},
            check=True,
            timeout=30,
        )
        if slow_start_s:
            start = f"sleep {slow_start_s} && exec python3 service.py"
            (out / "run").write_text(f'#!/bin/sh\ncd "$(dirname "$0")" && {start}\n')
        return self.store.put(pack(out))


@pytest.fixture(scope="module")
def deploy(infrastructure: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deploy]:
    work = tmp_path_factory.mktemp("deploy")
    env = {"ONELOG_DEPLOY_DIR": str(work / "deploy"), "ONELOG_DEPLOY_REGIONS": ",".join(REGIONS)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    settings = deploy_settings(infrastructure)
    key = load_or_create_signing_key(settings.signing_key_path)
    write_public_key(key, settings.public_key_path)
    ctx = Deploy(
        infrastructure,
        settings,
        env,
        BlobStore(settings.blob_dir, key),
        LogWriter(infrastructure.kafka_bootstrap),
        work,
    )
    origin = processes.start(
        infrastructure.state_dir,
        "test-deploy-origin",
        [sys.executable, "-m", "streams.deploy.origin"],
        env=env,
    )
    try:
        processes.wait_ready(
            origin, lambda: processes.port_open("127.0.0.1", settings.origin_port), 30
        )
        for region in REGIONS:
            ctx.start_agent(region)
        yield ctx
    finally:
        for region in REGIONS:
            processes.stop(infrastructure.state_dir, ctx.agent_name(region))
            stop_region_hosts(settings, region)
        processes.stop(infrastructure.state_dir, "test-deploy-origin")
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _install(
    service: str, deployment_id: str, region: str, host: str, version: str, artifact: Artifact
) -> InstallRelease:
    return command(  # type: ignore[return-value]
        InstallRelease,
        deployment_id=deployment_id,
        service=service,
        region=region,
        host_id=host,
        attempt=1,
        release_id=new_ulid(int(time.time() * 1000)),
        version=version,
        artifact=artifact,
        deadline_ms=int(time.time() * 1000) + 60_000,
    )


def _restore(
    service: str, deployment_id: str, region: str, host: str, version: str
) -> RestoreRelease:
    return command(  # type: ignore[return-value]
        RestoreRelease,
        deployment_id=deployment_id,
        service=service,
        region=region,
        host_id=host,
        attempt=2,
        version=version,
    )


def _reports(seen: list[Seen]) -> list[HostStepReported]:
    return [s.record for s in seen if isinstance(s.record, HostStepReported)]


def _of(service: str) -> Callable[[Seen], bool]:
    return lambda s: isinstance(s.record, HostStepReported) and s.record.service == service


def _ended(hosts: set[str], final: tuple[str, ...] = ("switched",)) -> Callable[[list[Seen]], bool]:
    """Every host reported a final step, or a failure."""

    def done(seen: list[Seen]) -> bool:
        ended = {r.host_id for r in _reports(seen) if r.step in final or not r.ok}
        return hosts <= ended

    return done


def _reader(ctx: Deploy) -> LogReader:
    return LogReader(ctx.platform.kafka_bootstrap, [DEPLOY_HOST_STEPS.name], from_end=True)


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.status, resp.read().decode()


def _host(ctx: Deploy, region: str, host: str) -> HostFolder:
    return HostFolder(ctx.settings.host_dir(region, host))


def _runs(ctx: Deploy, region: str, host: str, version: str) -> None:
    folder = _host(ctx, region, host)
    assert folder.current_version() == version
    assert os.readlink(folder.current_link) == f"releases/{version}"
    port = folder.port(version)
    assert port is not None
    assert _get(f"http://127.0.0.1:{port}/health") == (200, "ok\n")
    assert f"version <b>{version}</b>" in _get(f"http://127.0.0.1:{port}/")[1]
    assert folder.running_versions() == [version]


def test_three_hosts_install_with_one_origin_copy_per_region(deploy: Deploy) -> None:
    service, deployment = f"svc-{uuid.uuid4().hex[:8]}", new_ulid(int(time.time() * 1000))
    artifact = deploy.release(f"v1-{service}")
    version = f"v1-{service}"
    hosts = {("us-east", f"{service}-a"), ("us-east", f"{service}-b"), ("eu-west", f"{service}-c")}
    reader = _reader(deploy)
    deploy.writer.send(
        *(_install(service, deployment, r, h, version, artifact) for r, h in sorted(hosts))
    )
    seen = reader.wait_for(_of(service), _ended({h for _, h in hosts}), timeout=90)
    reports = _reports(seen)
    for region, host in hosts:
        mine = [r for r in reports if r.host_id == host]
        assert [r.step for r in mine] == INSTALL_STEPS, [(r.step, r.detail) for r in mine]
        assert all(r.ok and r.region == region and r.deployment_id == deployment for r in mine)
        assert all(r.action == "install" and r.attempt == 1 and r.version == version for r in mine)
        _runs(deploy, region, host, version)
    stats = json.loads(_get(f"{deploy.settings.origin_url}/stats")[1])
    assert stats["by_digest"][artifact.digest]["blobs_sent"] == len(REGIONS)
    assert stats["by_digest"][artifact.digest]["bytes_sent"] == len(REGIONS) * artifact.size_bytes


def test_tampered_artifacts_are_refused_at_verify(deploy: Deploy) -> None:
    service, deployment = f"svc-{uuid.uuid4().hex[:8]}", new_ulid(int(time.time() * 1000))
    good = deploy.release(f"v1-{service}")
    bad_signature = good.model_copy(update={"signature": "00" * 64})
    swapped = deploy.release(f"v2-{service}")
    # The blob on the origin is not what its name says: someone changed it.
    deploy.store.path(swapped.digest).write_bytes(b"not the release" * 100)
    reader = _reader(deploy)
    deploy.writer.send(
        _install(service, deployment, "us-east", f"{service}-sig", f"v1-{service}", bad_signature),
        _install(service, deployment, "us-east", f"{service}-sha", f"v2-{service}", swapped),
    )
    seen = reader.wait_for(_of(service), _ended({f"{service}-sig", f"{service}-sha"}), timeout=60)
    for host, why in ((f"{service}-sig", "signature"), (f"{service}-sha", "sha256")):
        mine = [r for r in _reports(seen) if r.host_id == host]
        assert [(r.step, r.ok) for r in mine] == [("fetched", True), ("verified", False)]
        assert why in mine[-1].detail
        folder = _host(deploy, "us-east", host)
        assert folder.current_version() is None
        assert not folder.releases.exists() or not any(folder.releases.iterdir())


def test_restore_switches_back_and_stops_the_new_release(deploy: Deploy) -> None:
    service, deployment = f"svc-{uuid.uuid4().hex[:8]}", new_ulid(int(time.time() * 1000))
    host, old, new = f"{service}-a", f"v1-{service}", f"v2-{service}"
    first, second = deploy.release(old), deploy.release(new)
    reader = _reader(deploy)
    deploy.writer.send(_install(service, deployment, "us-east", host, old, first))
    reader.wait_for(_of(service), _ended({host}), timeout=60)
    reader.seen.clear()
    deploy.writer.send(_install(service, deployment, "us-east", host, new, second))
    reader.wait_for(_of(service), _ended({host}), timeout=60)
    _runs(deploy, "us-east", host, new)
    reader.seen.clear()
    deploy.writer.send(_restore(service, deployment, "us-east", host, old))
    seen = reader.wait_for(_of(service), _ended({host}, ("rolled_back",)), timeout=60)
    assert [(r.step, r.ok, r.action, r.attempt) for r in _reports(seen)] == [
        ("rolled_back", True, "restore", 2)
    ]
    _runs(deploy, "us-east", host, old)
    reader.seen.clear()
    deploy.writer.send(_restore(service, deployment, "us-east", host, ""))
    seen = reader.wait_for(_of(service), _ended({host}, ("rolled_back",)), timeout=60)
    assert [(r.step, r.ok) for r in _reports(seen)] == [("rolled_back", True)]
    folder = _host(deploy, "us-east", host)
    assert folder.current_version() is None
    assert folder.running_versions() == []


def test_an_agent_killed_mid_install_finishes_after_restart(deploy: Deploy) -> None:
    service, deployment = f"svc-{uuid.uuid4().hex[:8]}", new_ulid(int(time.time() * 1000))
    host, version = f"{service}-a", f"v1-{service}"
    artifact = deploy.release(version, slow_start_s=4)  # health takes a while: time to kill
    reader = _reader(deploy)
    deploy.writer.send(_install(service, deployment, "eu-west", host, version, artifact))
    reader.wait_for(
        _of(service),
        lambda seen: any(r.step == "started" and r.ok for r in _reports(seen)),
        timeout=60,
    )
    assert not any(r.step == "switched" for r in _reports(reader.seen))
    processes.kill(deploy.platform.state_dir, deploy.agent_name("eu-west"))
    pid_before = _host(deploy, "eu-west", host).pid(version)
    assert pid_before is not None  # the release outlives its agent
    deploy.start_agent("eu-west")
    seen = reader.wait_for(_of(service), _ended({host}), timeout=90)
    reports = _reports(seen)
    assert all(r.ok for r in reports), [(r.step, r.detail) for r in reports]
    assert reports[-1].step == "switched"
    # The restarted agent re-read the instruction and adopted the release it
    # had started: reported again, not started twice.
    assert any(r.step == "started" and r.detail == "already done" for r in reports)
    assert _host(deploy, "eu-west", host).pid(version) == pid_before
    _runs(deploy, "eu-west", host, version)
