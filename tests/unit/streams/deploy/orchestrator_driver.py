"""Drives the orchestrator's pure core as the stage would, with a clock the
test sets: records sealed at the test's time, region agents played by the
test (it answers the instructions the orchestrator sent)."""

from __future__ import annotations

import itertools
from typing import Any

from schemas.deploy.records import (
    ClockTicked,
    CreateRelease,
    HostStepReported,
    InstallRelease,
    RestoreRelease,
    SetServiceHosts,
    StartDeployment,
)
from schemas.envelope import Record
from streams.deploy.orchestrator import decide, new_state
from streams.deploy.service_state import ServiceState
from streams.facts import Fact
from streams.sealing import build_record

REGIONS = ("ap-south", "eu-central", "eu-west", "us-east", "us-west")
INSTALL_STEPS = ("fetched", "verified", "unpacked", "started", "healthy", "switched")
_ids = itertools.count(1)


def artifact(n: int) -> dict[str, Any]:
    return {"digest": f"{n:064x}", "signature": "ab" * 64, "size_bytes": 100 + n}


def sealed(model: type[Record], at_ms: int, payload: dict[str, Any]) -> Record:
    """A record as the gateway (or the clock, or an agent) would write it at `at_ms`."""
    n = next(_ids)
    return build_record(
        model,
        payload,
        event_id=f"01{n:024d}",
        key=str(payload.get("service", payload.get("region"))),
        producer="test",
        correlation_id=None,
        occurred_at=None,
        recorded_at=at_ms * 1000,
    )


class Driver:
    def __init__(self, service: str = "shop", per_region: int = 2) -> None:
        self.service = service
        self.state: ServiceState = new_state(service)
        self.now_ms = 1_000_000
        self.log: list[Fact] = []
        self.records: list[Record] = []
        # The latest instruction each host got: what an agent would act on.
        self.instructions: dict[str, tuple[type[Record], dict[str, Any]]] = {}
        hosts = [
            {"region": region, "host_id": f"{region}-{i}"}
            for region in REGIONS
            for i in range(per_region)
        ]
        if per_region:
            self.send(SetServiceHosts, hosts=hosts, actor="ops")

    def send(self, model: type[Record], **payload: Any) -> list[Fact]:
        payload.setdefault("service", self.service)
        return self.feed(sealed(model, self.now_ms, payload))

    def feed(self, record: Record) -> list[Fact]:
        self.records.append(record)
        facts = decide(self.state, record)
        self.log += facts
        for kind, p in facts:
            if kind in (InstallRelease, RestoreRelease):
                self.instructions[p["host_id"]] = (kind, p)
        return facts

    def tick(self, ms: int) -> list[Fact]:
        self.now_ms += ms
        return self.send(ClockTicked, now_ms=self.now_ms)

    def release(self, release_id: str = "r1", version: str = "1.0", n: int = 1) -> list[Fact]:
        return self.send(
            CreateRelease, release_id=release_id, version=version, source="upload",
            artifact=artifact(n), actor="dev",
        )  # fmt: skip

    def start(
        self, deployment_id: str = "d1", release_id: str = "r1", actor: str = "dev", **strategy: Any
    ) -> list[Fact]:
        strategy.setdefault("max_unavailable", 2)
        return self.send(
            StartDeployment, deployment_id=deployment_id, release_id=release_id,
            strategy=strategy, actor=actor,
        )  # fmt: skip

    def report(
        self, host_id: str, step: str, ok: bool = True, attempt: int | None = None,
        deployment_id: str | None = None, detail: str = "",
    ) -> list[Fact]:  # fmt: skip
        kind, p = self.instructions[host_id]
        return self.send(
            HostStepReported,
            deployment_id=deployment_id or p["deployment_id"],
            region=p["region"],
            host_id=host_id,
            action="install" if kind is InstallRelease else "restore",
            attempt=attempt or p["attempt"],
            version=p["version"],
            step=step,
            ok=ok,
            duration_ms=1,
            detail=detail,
        )

    def pending(self) -> list[str]:
        """Hosts whose latest instruction the test has not answered yet."""
        answered = {
            (r.deployment_id, r.host_id, r.attempt)
            for r in self.records
            if isinstance(r, HostStepReported)
            and (r.step in ("switched", "rolled_back") or not r.ok)
        }
        return sorted(
            h
            for h, (_, p) in self.instructions.items()
            if (p["deployment_id"], h, p["attempt"]) not in answered
        )

    def succeed(self, host_id: str) -> list[Fact]:
        kind, _ = self.instructions[host_id]
        if kind is RestoreRelease:
            return self.report(host_id, "rolled_back")
        facts: list[Fact] = []
        for step in INSTALL_STEPS:
            facts += self.report(host_id, step)
        return facts

    def settle_all(self, limit: int = 100) -> None:
        """Answer every instruction well until none is left (gates and bakes stop it)."""
        for _ in range(limit):
            waiting = self.pending()
            if not waiting:
                return
            for host_id in waiting:
                self.succeed(host_id)
        raise AssertionError("the deployment never settled")

    def names(self, facts: list[Fact] | None = None) -> list[str]:
        return [kind.__name__ for kind, _ in (self.log if facts is None else facts)]

    def of(self, model: type[Record], facts: list[Fact] | None = None) -> list[dict[str, Any]]:
        return [p for kind, p in (self.log if facts is None else facts) if kind is model]
