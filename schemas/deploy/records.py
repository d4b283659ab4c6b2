"""The deployment system's records: releases, deployments, what hosts did, time.

Times are integer milliseconds since the epoch (`*_ms`) or microseconds where
the envelope's are meant; sizes integer bytes; shares integer percent. Topics
and keys: topics.py beside this module. The design: docs/deploy.md.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.envelope import Record

ReleaseSource = Literal["git", "upload"]
RolloutKind = Literal["region_by_region", "all_at_once"]
# What a region agent did for one host, in the order it does them; `failed`
# ends an install or a restore that could not go on (detail says why).
HostStep = Literal[
    "fetched", "verified", "unpacked", "started", "healthy", "switched", "rolled_back", "failed"
]
HostAction = Literal["install", "restore"]
# Why a command was refused, one word each (docs/deploy.md lists them).
RejectReason = Literal[
    "unknown_release",
    "duplicate_release",
    "unknown_deployment",
    "duplicate_deployment",
    "no_hosts",
    "invalid_strategy",
    "not_at_gate",
    "wrong_gate",
    "approver_is_deployer",
    "not_running",
    "not_paused",
    "already_final",
    "unknown_host",
    "duplicate_host",
    "host_in_use",
    "nothing_to_roll_back",
]

_NS = "onelog.deploy."


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HostRef(_Part):
    region: str
    host_id: str = Field(description="unique across the service")


class Strategy(_Part):
    """How a release rolls out (streams/deploy/waves.py plans the waves)."""

    rollout: RolloutKind = "region_by_region"
    max_unavailable: int = Field(default=1, ge=1, description="hosts of the service down at once")
    canary: bool = True
    region_order: list[str] = Field(default_factory=list, description="empty: alphabetical")
    approval_after_canary: bool = Field(default=False, description="a four-eyes gate")
    bake_ms: int = Field(default=0, ge=0, description="wait after each wave before the next")
    max_failed_percent: int = Field(
        default=0, ge=0, le=99, description="a wave's failed hosts tolerated; the canary: none"
    )
    host_timeout_ms: int = Field(
        default=60_000, gt=0, description="a host silent this long after its instruction failed"
    )


class WavePlan(_Part):
    name: str
    steps: list[list[HostRef]] = Field(description="hosts taken down together, step by step")
    is_canary: bool
    needs_approval: bool


class Artifact(_Part):
    """A packed release: a gzipped tar, content-addressed and signed."""

    digest: str = Field(description="sha256 of the artifact, lowercase hex")
    signature: str = Field(description="ed25519 signature of the digest's 32 bytes, hex")
    size_bytes: int = Field(ge=0)


# --- engineers' commands: deploy.commands, key service -----------------------


class CreateRelease(Record):
    """Record an artifact already in the blob store as a release of a service."""

    schema_name = _NS + "CreateRelease"
    release_id: str = Field(description="ULID assigned by the gateway")
    service: str
    version: str
    source: ReleaseSource
    repo: str = Field(default="", description="git only: where it was built from")
    commit: str = Field(default="", description="git only: the commit built")
    committed_at_ms: int | None = Field(default=None, description="the commit's time: lead time")
    artifact: Artifact
    actor: str


class BuildRelease(Record):
    """Build a release from a git repository at a commit, in the sandbox."""

    schema_name = _NS + "BuildRelease"
    release_id: str = Field(description="ULID assigned by the gateway")
    service: str
    version: str
    repo: str = Field(description="a repository the builder may read (a local path or file URL)")
    commit: str
    actor: str


class StartDeployment(Record):
    schema_name = _NS + "StartDeployment"
    deployment_id: str = Field(description="ULID assigned by the gateway")
    service: str
    release_id: str
    strategy: Strategy
    actor: str


class ApproveDeployment(Record):
    schema_name = _NS + "ApproveDeployment"
    deployment_id: str
    service: str
    wave: int = Field(ge=0, description="the wave whose gate this opens")
    actor: str


class PauseDeployment(Record):
    schema_name = _NS + "PauseDeployment"
    deployment_id: str
    service: str
    actor: str


class ResumeDeployment(Record):
    schema_name = _NS + "ResumeDeployment"
    deployment_id: str
    service: str
    actor: str


class AbortDeployment(Record):
    """Stop a deployment: a queued one leaves the queue, an active one rolls back."""

    schema_name = _NS + "AbortDeployment"
    deployment_id: str
    service: str
    actor: str


class RollBackDeployment(Record):
    """Roll an active deployment back, or the service's last successful one."""

    schema_name = _NS + "RollBackDeployment"
    deployment_id: str
    service: str
    actor: str


class RegisterHost(Record):
    schema_name = _NS + "RegisterHost"
    service: str
    host: HostRef
    actor: str


class RetireHost(Record):
    schema_name = _NS + "RetireHost"
    service: str
    host_id: str
    actor: str


class SetServiceHosts(Record):
    """Replace a service's hosts (and so its regions) whole."""

    schema_name = _NS + "SetServiceHosts"
    service: str
    hosts: list[HostRef]
    actor: str


# --- the builder's facts: deploy.builds, key service -------------------------


class ReleaseBuilt(Record):
    """A BuildRelease built, packed, stored and signed; the orchestrator
    records it as the release (ReleaseCreated)."""

    schema_name = _NS + "ReleaseBuilt"
    release_id: str
    service: str
    version: str
    repo: str
    commit: str
    committed_at_ms: int | None = None
    artifact: Artifact
    actor: str
    build_ms: int
    log_excerpt: str = Field(description="the build's output, cut")


class ReleaseBuildFailed(Record):
    schema_name = _NS + "ReleaseBuildFailed"
    release_id: str
    service: str
    version: str
    repo: str
    commit: str
    actor: str
    reason: str = Field(description="for a person: checkout failed, exit status, ...")
    log_excerpt: str


# --- time: deploy.clock, key service ----------------------------------------


class ClockTicked(Record):
    """The time, for a service with an active deployment: the orchestrator's
    only clock (bake times, host deadlines), so replay decides the same."""

    schema_name = _NS + "ClockTicked"
    service: str
    now_ms: int


# --- what region agents did: deploy.host-steps, key service ------------------


class HostStepReported(Record):
    schema_name = _NS + "HostStepReported"
    deployment_id: str
    service: str
    region: str
    host_id: str
    action: HostAction
    attempt: int = Field(ge=1)
    version: str = Field(description="the version being installed or restored; '' for none")
    step: HostStep
    ok: bool
    duration_ms: int = Field(ge=0, description="how long this step took")
    detail: str = Field(default="", description="why it failed, or what it found")


# --- the orchestrator's instructions: deploy.instructions, key region --------


class InstallRelease(Record):
    """Put a release on one host: fetch, verify, unpack, start, check, switch."""

    schema_name = _NS + "InstallRelease"
    deployment_id: str
    service: str
    region: str
    host_id: str
    attempt: int = Field(ge=1)
    release_id: str
    version: str
    artifact: Artifact
    deadline_ms: int = Field(description="on the orchestrator's clock; later counts as failed")


class RestoreRelease(Record):
    """Put one host back on the release it ran before (rollback); version ''
    means it ran nothing: stop what runs and clear `current`."""

    schema_name = _NS + "RestoreRelease"
    deployment_id: str
    service: str
    region: str
    host_id: str
    attempt: int = Field(ge=1)
    version: str
    artifact: Artifact | None = Field(default=None, description="the release restored, if any")


# --- the orchestrator's facts: deploy.facts, key service ---------------------


class ReleaseCreated(Record):
    schema_name = _NS + "ReleaseCreated"
    release_id: str
    service: str
    version: str
    source: ReleaseSource
    repo: str
    commit: str
    committed_at_ms: int | None = None
    artifact: Artifact
    actor: str


class HostsChanged(Record):
    """A service's hosts after a register, retire or set: the whole list."""

    schema_name = _NS + "HostsChanged"
    service: str
    hosts: list[HostRef]
    actor: str
    change: Literal["registered", "retired", "set"]


class DeploymentQueued(Record):
    """Another deployment of the service is active; this one starts after it."""

    schema_name = _NS + "DeploymentQueued"
    deployment_id: str
    service: str
    release_id: str
    version: str
    actor: str
    behind: str = Field(description="the deployment active when this one came")


class DeploymentStarted(Record):
    schema_name = _NS + "DeploymentStarted"
    deployment_id: str
    service: str
    release_id: str
    version: str
    previous_release_id: str = Field(description="'' when the service ran nothing")
    previous_version: str
    strategy: Strategy
    actor: str = Field(description="who asked for it")
    committed_at_ms: int | None = None
    waves: list[WavePlan]
    started_at_ms: int


class GateReached(Record):
    """The deployment waits for an approval (not its deployer's) before `wave`."""

    schema_name = _NS + "GateReached"
    deployment_id: str
    service: str
    wave: int
    at_ms: int


class DeploymentApproved(Record):
    schema_name = _NS + "DeploymentApproved"
    deployment_id: str
    service: str
    wave: int
    actor: str
    at_ms: int


class WaveStarted(Record):
    schema_name = _NS + "WaveStarted"
    deployment_id: str
    service: str
    wave: int
    name: str
    hosts: int
    at_ms: int


class HostUpdated(Record):
    """A host runs the new release (its agent reported `switched`)."""

    schema_name = _NS + "HostUpdated"
    deployment_id: str
    service: str
    wave: int
    region: str
    host_id: str
    version: str
    at_ms: int


class HostFailed(Record):
    """A host counts as failed: a step failed, or it was silent past its deadline."""

    schema_name = _NS + "HostFailed"
    deployment_id: str
    service: str
    wave: int
    region: str
    host_id: str
    reason: str
    timed_out: bool
    at_ms: int


class WaveCompleted(Record):
    schema_name = _NS + "WaveCompleted"
    deployment_id: str
    service: str
    wave: int
    failed_hosts: int
    at_ms: int


class DeploymentPaused(Record):
    schema_name = _NS + "DeploymentPaused"
    deployment_id: str
    service: str
    actor: str
    at_ms: int


class DeploymentResumed(Record):
    schema_name = _NS + "DeploymentResumed"
    deployment_id: str
    service: str
    actor: str
    at_ms: int


class RollbackStarted(Record):
    schema_name = _NS + "RollbackStarted"
    deployment_id: str
    service: str
    reason: str = Field(description="for a person: canary failed, threshold, aborted by, ...")
    actor: str = Field(description="who asked, or 'orchestrator' when it decided by itself")
    to_version: str = Field(description="the version every touched host goes back to; '' none")
    hosts: int
    at_ms: int


class HostRestored(Record):
    schema_name = _NS + "HostRestored"
    deployment_id: str
    service: str
    region: str
    host_id: str
    version: str
    at_ms: int


class DeploymentSucceeded(Record):
    schema_name = _NS + "DeploymentSucceeded"
    deployment_id: str
    service: str
    release_id: str
    version: str
    hosts: int
    started_at_ms: int
    at_ms: int


class DeploymentRolledBack(Record):
    """Every host touched runs the previous release again."""

    schema_name = _NS + "DeploymentRolledBack"
    deployment_id: str
    service: str
    release_id: str
    version: str = Field(description="the version that was rolled back")
    restored_version: str
    reason: str
    aborted: bool = Field(description="an operator aborted it (else it failed or was rolled back)")
    started_at_ms: int
    at_ms: int


class DeploymentDequeued(Record):
    """A queued deployment aborted before it started."""

    schema_name = _NS + "DeploymentDequeued"
    deployment_id: str
    service: str
    actor: str
    at_ms: int


class CommandRejected(Record):
    schema_name = _NS + "CommandRejected"
    command: str = Field(description="the command's record type, e.g. StartDeployment")
    service: str
    deployment_id: str = ""
    release_id: str = ""
    reason: RejectReason
    detail: str = Field(description="for a person")
    actor: str
    at_ms: int


COMMANDS: tuple[type[Record], ...] = (
    CreateRelease,
    StartDeployment,
    ApproveDeployment,
    PauseDeployment,
    ResumeDeployment,
    AbortDeployment,
    RollBackDeployment,
    RegisterHost,
    RetireHost,
    SetServiceHosts,
)
BUILDS: tuple[type[Record], ...] = (BuildRelease, ReleaseBuilt, ReleaseBuildFailed)
CLOCK: tuple[type[Record], ...] = (ClockTicked,)
HOST_STEPS: tuple[type[Record], ...] = (HostStepReported,)
INSTRUCTIONS: tuple[type[Record], ...] = (InstallRelease, RestoreRelease)
FACTS: tuple[type[Record], ...] = (
    ReleaseCreated,
    HostsChanged,
    DeploymentQueued,
    DeploymentStarted,
    GateReached,
    DeploymentApproved,
    WaveStarted,
    HostUpdated,
    HostFailed,
    WaveCompleted,
    DeploymentPaused,
    DeploymentResumed,
    RollbackStarted,
    HostRestored,
    DeploymentSucceeded,
    DeploymentRolledBack,
    DeploymentDequeued,
    CommandRejected,
)
ALL: tuple[type[Record], ...] = COMMANDS + BUILDS + CLOCK + HOST_STEPS + INSTRUCTIONS + FACTS
