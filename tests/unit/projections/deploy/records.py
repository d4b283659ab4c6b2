"""Deploy records for projection tests, with envelopes numbered in the order
they are added (tests/unit/projections/numbered_records.py).

`story()` is a session whose read models are known by hand, for service
`web` with hosts h1 (eu-west) and h2, h3 (us-east):

- release r1 (v1) is built from git (commit c1, committed at T1_MS) and
  created; release r2 (v2) is uploaded and created; release r3 (v3) fails
  to build;
- deployment d1 of r1 starts (canary h1, then us-east: h2, h3), every host
  goes fetched ... switched, and it succeeds at 10 s after its start;
- deployment d2 of r2 starts; d3 (of r1 again) is queued behind it; d2's
  canary h1 fails its health check, the orchestrator rolls back, h1 is
  restored to v1 and d2 ends rolled back; d3 is then aborted while queued;
- an approval of d2 by its own deployer was refused (approver_is_deployer).

Afterwards `web` runs v1; d1 succeeded, d2 rolled_back, d3 dequeued.
"""

from __future__ import annotations

from typing import Any

from schemas import deploy as dp
from schemas.deploy import topics
from schemas.envelope import Record
from tests.unit.projections.numbered_records import T0, NumberedRecords

COMMANDS = topics.DEPLOY_COMMANDS.name
BUILDS = topics.DEPLOY_BUILDS.name
STEPS = topics.DEPLOY_HOST_STEPS.name
FACTS = topics.DEPLOY_FACTS.name
INSTRUCTIONS = topics.DEPLOY_INSTRUCTIONS.name

SERVICE = "web"
T1_MS = T0 // 1000 - 3_600_000  # the commit, an hour before the first record
INSTALL = ("fetched", "verified", "unpacked", "started", "healthy", "switched")


def rid(n: int) -> str:
    return f"01R{n:023d}"


def did(n: int) -> str:
    return f"01D{n:023d}"


def artifact(n: int) -> dict[str, Any]:
    return {"digest": f"{n:064x}", "signature": f"{n:0128x}", "size_bytes": 1000 + n}


HOSTS = [
    {"region": "eu-west", "host_id": "h1"},
    {"region": "us-east", "host_id": "h2"},
    {"region": "us-east", "host_id": "h3"},
]
WAVES = [
    {"name": "canary", "steps": [[HOSTS[0]]], "is_canary": True, "needs_approval": False},
    {
        "name": "us-east",
        "steps": [[HOSTS[1]], [HOSTS[2]]],
        "is_canary": False,
        "needs_approval": False,
    },
]


class Story(NumberedRecords):
    def fact(self, model: type[Record], **fields: Any) -> Record:
        return self.add(FACTS, SERVICE, model, service=SERVICE, **fields)

    def step(
        self, deployment_id: str, host: dict[str, str], step: str, *, ok: bool = True, **more: Any
    ) -> Record:
        fields: dict[str, Any] = {
            "deployment_id": deployment_id,
            "service": SERVICE,
            "region": host["region"],
            "host_id": host["host_id"],
            "action": "install",
            "attempt": 1,
            "version": "v1",
            "step": step,
            "ok": ok,
            "duration_ms": 10 * (1 + INSTALL.index(step)) if step in INSTALL else 5,
            "detail": "" if ok else f"{step} failed",
        }
        fields.update(more)
        return self.add(STEPS, SERVICE, dp.HostStepReported, **fields)

    def started(
        self, deployment_id: str, release: int, version: str, previous: str, at: int
    ) -> Record:
        return self.fact(
            dp.DeploymentStarted,
            deployment_id=deployment_id,
            release_id=rid(release),
            version=version,
            previous_release_id=rid(1) if previous else "",
            previous_version=previous,
            strategy={},
            actor="alice",
            committed_at_ms=T1_MS if release == 1 else None,
            waves=WAVES,
            started_at_ms=at,
        )

    def install(
        self, deployment_id: str, wave: int, host: dict[str, str], version: str, at: int
    ) -> None:
        self.add(
            INSTRUCTIONS,
            host["region"],
            dp.InstallRelease,
            deployment_id=deployment_id,
            service=SERVICE,
            region=host["region"],
            host_id=host["host_id"],
            attempt=1,
            release_id=rid(1),
            version=version,
            artifact=artifact(1),
            deadline_ms=at + 60_000,
        )
        for step in INSTALL:
            self.step(deployment_id, host, step, version=version)
        self.fact(
            dp.HostUpdated,
            deployment_id=deployment_id,
            wave=wave,
            region=host["region"],
            host_id=host["host_id"],
            version=version,
            at_ms=at,
        )


def story() -> Story:
    s = Story()
    ms = T0 // 1000
    s.add(BUILDS, SERVICE, dp.BuildRelease, release_id=rid(1), service=SERVICE, version="v1",
          repo="/src/web", commit="c1", actor="alice")  # fmt: skip
    s.add(BUILDS, SERVICE, dp.ReleaseBuilt, release_id=rid(1), service=SERVICE, version="v1",
          repo="/src/web", commit="c1", committed_at_ms=T1_MS, artifact=artifact(1),
          actor="alice", build_ms=1200, log_excerpt="ok")  # fmt: skip
    s.fact(dp.ReleaseCreated, release_id=rid(1), version="v1", source="git", repo="/src/web",
           commit="c1", committed_at_ms=T1_MS, artifact=artifact(1), actor="alice")  # fmt: skip
    s.add(COMMANDS, SERVICE, dp.CreateRelease, release_id=rid(2), service=SERVICE, version="v2",
          source="upload", artifact=artifact(2), actor="bob")  # fmt: skip
    s.fact(dp.ReleaseCreated, release_id=rid(2), version="v2", source="upload", repo="",
           commit="", artifact=artifact(2), actor="bob")  # fmt: skip
    s.add(BUILDS, SERVICE, dp.BuildRelease, release_id=rid(3), service=SERVICE, version="v3",
          repo="/src/web", commit="c3", actor="alice")  # fmt: skip
    s.add(BUILDS, SERVICE, dp.ReleaseBuildFailed, release_id=rid(3), service=SERVICE,
          version="v3", repo="/src/web", commit="c3", actor="alice",
          reason="build exited with status 2", log_excerpt="make: *** error")  # fmt: skip
    s.fact(dp.HostsChanged, hosts=HOSTS, actor="ops", change="set")

    # d1: v1 everywhere.
    s.add(COMMANDS, SERVICE, dp.StartDeployment, deployment_id=did(1), service=SERVICE,
          release_id=rid(1), strategy={}, actor="alice")  # fmt: skip
    s.started(did(1), 1, "v1", "", ms)
    s.fact(dp.WaveStarted, deployment_id=did(1), wave=0, name="canary", hosts=1, at_ms=ms + 1000)
    s.install(did(1), 0, HOSTS[0], "v1", ms + 3000)
    s.fact(dp.WaveCompleted, deployment_id=did(1), wave=0, failed_hosts=0, at_ms=ms + 3000)
    s.fact(dp.WaveStarted, deployment_id=did(1), wave=1, name="us-east", hosts=2, at_ms=ms + 4000)
    s.install(did(1), 1, HOSTS[1], "v1", ms + 6000)
    s.install(did(1), 1, HOSTS[2], "v1", ms + 8000)
    s.fact(dp.WaveCompleted, deployment_id=did(1), wave=1, failed_hosts=0, at_ms=ms + 9000)
    s.fact(dp.DeploymentSucceeded, deployment_id=did(1), release_id=rid(1), version="v1",
           hosts=3, started_at_ms=ms, at_ms=ms + 10_000)  # fmt: skip

    # d2: v2's canary fails its health check; d3 waits behind it.
    s.add(COMMANDS, SERVICE, dp.StartDeployment, deployment_id=did(2), service=SERVICE,
          release_id=rid(2), strategy={}, actor="alice")  # fmt: skip
    at = ms + 20_000
    s.started(did(2), 2, "v2", "v1", at)
    s.fact(dp.DeploymentQueued, deployment_id=did(3), release_id=rid(1), version="v1",
           actor="carol", behind=did(2))  # fmt: skip
    s.fact(dp.CommandRejected, command="ApproveDeployment", deployment_id=did(2),
           reason="approver_is_deployer", detail="alice started it", actor="alice",
           at_ms=at + 500)  # fmt: skip
    s.fact(dp.WaveStarted, deployment_id=did(2), wave=0, name="canary", hosts=1, at_ms=at + 1000)
    for step in INSTALL[:4]:
        s.step(did(2), HOSTS[0], step, version="v2")
    s.step(did(2), HOSTS[0], "healthy", ok=False, version="v2")
    s.fact(dp.HostFailed, deployment_id=did(2), wave=0, region="eu-west", host_id="h1",
           reason="health check failed", timed_out=False, at_ms=at + 2000)  # fmt: skip
    s.fact(dp.RollbackStarted, deployment_id=did(2), reason="canary failed",
           actor="orchestrator", to_version="v1", hosts=1, at_ms=at + 2000)  # fmt: skip
    s.step(did(2), HOSTS[0], "rolled_back", action="restore", attempt=2, version="v1")
    s.fact(dp.HostRestored, deployment_id=did(2), region="eu-west", host_id="h1", version="v1",
           at_ms=at + 2500)  # fmt: skip
    s.fact(dp.DeploymentRolledBack, deployment_id=did(2), release_id=rid(2), version="v2",
           restored_version="v1", reason="canary failed", aborted=False, started_at_ms=at,
           at_ms=at + 3000)  # fmt: skip
    s.fact(dp.DeploymentDequeued, deployment_id=did(3), actor="carol", at_ms=at + 4000)
    return s
