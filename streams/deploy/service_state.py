"""What the orchestrator knows of one service, between two records.

Plain data, no behaviour but conversion to and from JSON-ready dicts (the
changelog's parts, streams/deploy/orchestrator_log.py, and the state hash
that holds a restored state equal to the one that wrote it). Every field is
an int, a str, a bool or a container of them, so a state survives the round
trip exactly. The rules that change it: streams/deploy/orchestrator.py and
streams/deploy/rollout.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import orjson

# A wave's life: a gate waits for an approval, `ready` starts it at the next
# chance (at once unless paused), `running` has a step of hosts in flight,
# `baking` waits bake_ms after its last step; `rolling_back` ends them all.
Phase = Literal["gate", "ready", "running", "baking", "rolling_back"]
# A touched host: an install in flight, its outcome, a restore in flight, restored.
HostStatus = Literal["installing", "updated", "failed", "restoring", "restored"]
Outcome = Literal["succeeded", "rolled_back", "dequeued", "rejected"]


@dataclass
class Release:
    version: str
    artifact: dict[str, Any]  # an Artifact's fields
    committed_at_ms: int | None


@dataclass
class HostRun:
    """One host a deployment sent an instruction to. `attempt` counts every
    instruction to it in this deployment (install 1, restores 2, 3, ...), so
    a report naming an older attempt is stale."""

    region: str
    attempt: int
    deadline_ms: int
    status: HostStatus


@dataclass
class Deployment:
    """The service's active deployment, or the rollback of its last success."""

    deployment_id: str
    release_id: str
    version: str
    previous_release_id: str
    previous_version: str
    strategy: dict[str, Any]  # a records.Strategy's fields
    actor: str
    started_at_ms: int
    # WavePlan dicts as DeploymentStarted carries them.
    waves: list[dict[str, Any]]
    phase: Phase
    wave: int = 0
    step: int = 0
    paused: bool = False
    bake_until_ms: int = 0
    failed_in_wave: int = 0
    runs: dict[str, HostRun] = field(default_factory=dict)
    rollback_reason: str = ""
    aborted: bool = False
    # True for a RollBackDeployment of an earlier success: on its end the
    # service runs its previous release again.
    of_success: bool = False


@dataclass
class Queued:
    deployment_id: str
    release_id: str
    strategy: dict[str, Any]
    actor: str


@dataclass
class Success:
    """The service's last succeeded deployment: what RollBackDeployment undoes."""

    deployment_id: str
    release_id: str
    version: str
    previous_release_id: str
    previous_version: str
    strategy: dict[str, Any]
    started_at_ms: int
    hosts: list[list[str]]  # [region, host_id], sorted


@dataclass
class ServiceState:
    service: str
    now_ms: int = 0
    hosts: dict[str, str] = field(default_factory=dict)  # host_id -> region
    releases: dict[str, Release] = field(default_factory=dict)
    current_release_id: str = ""
    current_version: str = ""
    last_success: Success | None = None
    active: Deployment | None = None
    queue: list[Queued] = field(default_factory=list)
    # Every deployment that ended or never started, so an id is never reused
    # and a late command about it is told it is final.
    done: dict[str, Outcome] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def state_hash(self) -> str:
        """sha256 of the state's canonical JSON: equal states, equal hashes."""
        return hashlib.sha256(orjson.dumps(self.to_dict(), option=orjson.OPT_SORT_KEYS)).hexdigest()


def release_from(data: dict[str, Any]) -> Release:
    return Release(**data)


def deployment_from(data: dict[str, Any]) -> Deployment:
    runs = {host_id: HostRun(**run) for host_id, run in data["runs"].items()}
    return Deployment(**{**data, "runs": runs})


def success_from(data: dict[str, Any] | None) -> Success | None:
    return None if data is None else Success(**data)


def queued_from(data: dict[str, Any]) -> Queued:
    return Queued(**data)
