"""The orchestrator stage on the batched engine and the real broker: commands
in, facts on deploy.facts and instructions on deploy.instructions out. The
test plays the region agents by writing HostStepReported records (the
orchestrator's input, as an agent writes them) and the clock by writing
ClockTicked."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from infra.settings import Settings
from schemas.deploy.records import (
    ClockTicked,
    CreateRelease,
    DeploymentRolledBack,
    DeploymentStarted,
    DeploymentSucceeded,
    HostFailed,
    HostRestored,
    HostStepReported,
    HostUpdated,
    InstallRelease,
    RestoreRelease,
    RollbackStarted,
    SetServiceHosts,
    StartDeployment,
    WaveCompleted,
)
from schemas.deploy.topics import DEPLOY_CLOCK, DEPLOY_FACTS, DEPLOY_INSTRUCTIONS
from schemas.envelope import Record
from streams.deploy.stage import ORCHESTRATOR_STAGE
from streams.engine.loop import StageLoop
from tests.support.log import LogReader, LogWriter, Seen, command, records

pytestmark = pytest.mark.integration

INSTALL_STEPS = ("fetched", "verified", "unpacked", "started", "healthy", "switched")
ARTIFACT = {"digest": "ab" * 32, "signature": "cd" * 64, "size_bytes": 1234}


@pytest.fixture(scope="module")
def orchestrator(infrastructure: Settings) -> Iterator[Settings]:
    loop = StageLoop(ORCHESTRATOR_STAGE, dataclasses.replace(infrastructure, worker_id="orch-t"))
    thread = threading.Thread(target=loop.run, name="deploy-orchestrator-test")
    thread.start()
    try:
        yield infrastructure
    finally:
        loop.stop()
        thread.join(60)
        assert not thread.is_alive(), "the orchestrator's loop did not stop"


class Service:
    """One fresh service on the real log, its facts and instructions read back."""

    def __init__(self, settings: Settings, regions: tuple[str, ...]) -> None:
        self.name = f"svc-{uuid.uuid4().hex[:8]}"
        self.writer = LogWriter(settings.kafka_bootstrap)
        topics = [DEPLOY_FACTS.name, DEPLOY_INSTRUCTIONS.name, DEPLOY_CLOCK.name]
        self.reader = LogReader(settings.kafka_bootstrap, topics, from_end=True)
        hosts = [{"region": r, "host_id": f"{r}-0"} for r in regions]
        self.send(SetServiceHosts, hosts=hosts, actor="ops")
        self.send(
            CreateRelease, release_id="r1", version="1.0", source="upload", artifact=ARTIFACT,
            actor="dev",
        )  # fmt: skip

    def send(self, model: type[Record], **payload: Any) -> None:
        self.writer.send(command(model, service=self.name, **payload))

    def _ours(self, seen: Seen) -> bool:
        return getattr(seen.record, "service", None) == self.name

    def wait(self, done: Any, timeout: float = 60) -> list[Seen]:
        return self.reader.wait_for(self._ours, done, timeout=timeout)

    def report(
        self, instruction: InstallRelease | RestoreRelease, step: str, ok: bool = True
    ) -> None:
        self.send(
            HostStepReported,
            deployment_id=instruction.deployment_id,
            region=instruction.region,
            host_id=instruction.host_id,
            action="install" if isinstance(instruction, InstallRelease) else "restore",
            attempt=instruction.attempt,
            version=instruction.version,
            step=step,
            ok=ok,
            duration_ms=3,
            detail="" if ok else "GET /health: 503",
        )

    def close(self) -> None:
        self.reader.close()


def test_a_rollout_goes_wave_by_wave_as_hosts_report(orchestrator: Settings) -> None:
    service = Service(orchestrator, ("ap-south", "eu-west", "us-east"))
    strategy = {"max_unavailable": 1, "canary": True}
    service.send(
        StartDeployment, deployment_id="d1", release_id="r1", strategy=strategy, actor="dev"
    )
    for answered in range(3):  # three hosts, one at a time: the canary, then a region each
        seen = service.wait(lambda s, n=answered: len(records(s, InstallRelease)) > n)
        install = records(seen, InstallRelease)[answered]
        assert len(records(seen, InstallRelease)) == answered + 1, "one host at a time"
        for step in INSTALL_STEPS:
            service.report(install, step)
    seen = service.wait(lambda s: bool(records(s, DeploymentSucceeded)))
    (started,) = records(seen, DeploymentStarted)
    assert [w.name for w in started.waves] == [
        "canary:ap-south-0",
        "region:eu-west",
        "region:us-east",
    ]
    assert [i.host_id for i in records(seen, InstallRelease)] == [
        "ap-south-0", "eu-west-0", "us-east-0",
    ]  # fmt: skip
    # Instructions go to the region's partition key, facts to the service's.
    for s in seen:
        if isinstance(s.record, InstallRelease):
            assert s.topic == DEPLOY_INSTRUCTIONS.name and s.record.envelope.key == s.record.region
            assert s.record.artifact.digest == ARTIFACT["digest"]
    assert len(records(seen, HostUpdated)) == 3
    assert len(records(seen, WaveCompleted)) == 3
    (done,) = records(seen, DeploymentSucceeded)
    assert (done.hosts, done.version) == (3, "1.0")
    service.close()


def test_a_silent_canary_fails_by_the_clock_and_is_rolled_back(orchestrator: Settings) -> None:
    service = Service(orchestrator, ("eu-west", "us-east"))
    strategy = {"max_unavailable": 1, "host_timeout_ms": 1_000}
    service.send(
        StartDeployment, deployment_id="d1", release_id="r1", strategy=strategy, actor="dev"
    )
    seen = service.wait(lambda s: bool(records(s, InstallRelease)))
    (install,) = records(seen, InstallRelease)
    service.report(install, "fetched")
    service.send(ClockTicked, now_ms=install.deadline_ms + 1)
    seen = service.wait(lambda s: bool(records(s, RestoreRelease)))
    (failed,) = records(seen, HostFailed)
    assert (failed.host_id, failed.timed_out) == (install.host_id, True)
    (rollback,) = records(seen, RollbackStarted)
    assert (rollback.actor, rollback.to_version) == ("orchestrator", "")
    (restore,) = records(seen, RestoreRelease)
    assert (restore.host_id, restore.attempt, restore.version) == (install.host_id, 2, "")
    service.report(install, "switched")  # the old attempt, late: stale
    service.report(restore, "rolled_back")
    seen = service.wait(lambda s: bool(records(s, DeploymentRolledBack)))
    assert len(records(seen, HostRestored)) == 1
    assert not records(seen, HostUpdated)
    (rolled,) = records(seen, DeploymentRolledBack)
    assert (rolled.aborted, rolled.version) == (False, "1.0")
    service.close()


@pytest.fixture
def clock(orchestrator: Settings) -> Iterator[subprocess.Popen[bytes]]:
    """The clock as its own process, ticking every 100 ms."""
    env = {
        **os.environ,
        "ONELOG_KAFKA_BOOTSTRAP": orchestrator.kafka_bootstrap,
        "ONELOG_DEPLOY_TICK_MS": "100",
    }
    process = subprocess.Popen([sys.executable, "-m", "streams.deploy.clock"], env=env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_the_clock_ticks_a_deploying_service_until_its_deployment_ends(
    orchestrator: Settings, clock: subprocess.Popen[bytes]
) -> None:
    service = Service(orchestrator, ("eu-west",))
    strategy = {"max_unavailable": 1, "host_timeout_ms": 1_500}
    service.send(
        StartDeployment, deployment_id="d1", release_id="r1", strategy=strategy, actor="dev"
    )
    # Nobody answers the canary: only the clock's ticks can fail it.
    seen = service.wait(lambda s: bool(records(s, RestoreRelease)), timeout=60)
    (install,) = records(seen, InstallRelease)
    (failed,) = records(seen, HostFailed)
    assert failed.timed_out
    ticks = records(seen, ClockTicked)
    assert len(ticks) >= 2
    assert max(t.now_ms for t in ticks) > install.deadline_ms
    assert [t.now_ms for t in ticks] == sorted(t.now_ms for t in ticks)
    (restore,) = records(seen, RestoreRelease)
    service.report(restore, "rolled_back")
    seen = service.wait(lambda s: bool(records(s, DeploymentRolledBack)))
    # Once the clock has read the end, it ticks the service no more.
    time.sleep(1.5)
    before = len(records(service.wait(lambda s: True), ClockTicked))
    time.sleep(1.0)
    after = len(records(service.wait(lambda s: True), ClockTicked))
    assert after == before, "the clock still ticks a service with nothing to deploy"
    clock.send_signal(signal.SIGTERM)
    assert clock.wait(15) == 0
    service.close()
