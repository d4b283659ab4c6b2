"""The orchestrator's pure core: `decide(state, record) -> facts` for one service.

It takes the engineers' commands (deploy.commands), the builder's outcomes
(deploy.builds), the clock (deploy.clock) and the region agents' reports
(deploy.host-steps), and answers with facts (deploy.facts) and instructions
to the region agents (deploy.instructions). A command it cannot follow is
answered by CommandRejected with a one-word reason.

Time is `state.now_ms`: the latest of the clock's ticks and the inputs'
recorded_at, never the wall clock, so replaying the same records gives the
same facts. How a deployment moves once started: rollout.py.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from schemas.deploy.records import (
    AbortDeployment,
    ApproveDeployment,
    BuildRelease,
    ClockTicked,
    CommandRejected,
    CreateRelease,
    DeploymentApproved,
    DeploymentDequeued,
    DeploymentPaused,
    DeploymentQueued,
    DeploymentResumed,
    DeploymentStarted,
    HostsChanged,
    HostStepReported,
    PauseDeployment,
    RegisterHost,
    RejectReason,
    ReleaseBuildFailed,
    ReleaseBuilt,
    ReleaseCreated,
    ResumeDeployment,
    RetireHost,
    RollBackDeployment,
    SetServiceHosts,
    StartDeployment,
)
from schemas.envelope import Record
from streams.deploy import rollout
from streams.deploy.approval import ApprovalOutcome, GateState, judge_approval
from streams.deploy.failures import FailureThreshold
from streams.deploy.service_state import Deployment, HostRun, Queued, Release, ServiceState
from streams.deploy.waves import Host, Rollout, Strategy, plan_waves
from streams.facts import Fact

DeploymentCommand = (
    ApproveDeployment | PauseDeployment | ResumeDeployment | AbortDeployment | RollBackDeployment
)


def decide(state: ServiceState, record: Record) -> list[Fact]:
    """The facts `record` leads to for this service; applies them to `state`."""
    state.now_ms = max(state.now_ms, record.envelope.recorded_at // 1000)
    facts: list[Fact] = []
    if isinstance(record, ClockTicked):
        state.now_ms = max(state.now_ms, record.now_ms)
        if state.active is not None:
            rollout.on_time(state, state.active, facts)
    elif isinstance(record, HostStepReported):
        if state.active is not None:
            rollout.on_report(state, state.active, record, facts)
    elif isinstance(record, CreateRelease | ReleaseBuilt):
        _create_release(state, record, facts)
    elif isinstance(record, BuildRelease | ReleaseBuildFailed):
        pass  # the builder acts on the one; projections show the other
    elif isinstance(record, StartDeployment):
        _start_or_queue(state, record, facts)
    elif isinstance(record, ApproveDeployment):
        _approve(state, record, facts)
    elif isinstance(record, PauseDeployment | ResumeDeployment):
        _pause_or_resume(state, record, facts)
    elif isinstance(record, AbortDeployment | RollBackDeployment):
        _abort_or_roll_back(state, record, facts)
    elif isinstance(record, RegisterHost | RetireHost | SetServiceHosts):
        _change_hosts(state, record, facts)
    else:
        raise TypeError(f"the orchestrator takes no {type(record).__name__}")
    _start_queued(state, facts)
    return facts


def new_state(service: str) -> ServiceState:
    return ServiceState(service)


# --- releases -------------------------------------------------------------------


def _create_release(
    state: ServiceState, r: CreateRelease | ReleaseBuilt, facts: list[Fact]
) -> None:
    if r.release_id in state.releases:
        if isinstance(r, CreateRelease):  # a build redelivered is no one's mistake
            _reject(state, r, "duplicate_release", f"release {r.release_id} exists", facts)
        return
    artifact = r.artifact.model_dump()
    state.releases[r.release_id] = Release(r.version, artifact, r.committed_at_ms)
    facts.append((ReleaseCreated, {
        "release_id": r.release_id, "service": r.service, "version": r.version,
        "source": r.source if isinstance(r, CreateRelease) else "git", "repo": r.repo,
        "commit": r.commit, "committed_at_ms": r.committed_at_ms, "artifact": artifact,
        "actor": r.actor,
    }))  # fmt: skip


# --- starting ------------------------------------------------------------------


def _start_or_queue(state: ServiceState, c: StartDeployment, facts: list[Fact]) -> None:
    known = state.done.keys() | {q.deployment_id for q in state.queue}
    if state.active is not None:
        known.add(state.active.deployment_id)
    if c.deployment_id in known:
        _reject(state, c, "duplicate_deployment", f"{c.deployment_id} was used before", facts)
        return
    release = state.releases.get(c.release_id)
    if release is None:
        _reject(state, c, "unknown_release", f"no release {c.release_id} of {c.service}", facts)
        return
    strategy = c.strategy.model_dump()
    refused = _plan(state, strategy)
    if isinstance(refused, tuple):
        _reject(state, c, refused[0], refused[1], facts)
        return
    queued = Queued(c.deployment_id, c.release_id, strategy, c.actor)
    if state.active is not None:
        state.queue.append(queued)
        facts.append((DeploymentQueued, {
            "deployment_id": c.deployment_id, "service": state.service,
            "release_id": c.release_id, "version": release.version, "actor": c.actor,
            "behind": state.active.deployment_id,
        }))  # fmt: skip
        return
    _start(state, queued, refused, facts)


def _start_queued(state: ServiceState, facts: list[Fact]) -> None:
    """When nothing is active, the oldest queued deployment starts; one whose
    plan no longer holds (its hosts changed meanwhile) is refused instead."""
    while state.active is None and state.queue:
        queued = state.queue.pop(0)
        planned = _plan(state, queued.strategy)
        if isinstance(planned, tuple):
            state.done[queued.deployment_id] = "rejected"
            facts.append((CommandRejected, {
                "command": "StartDeployment", "service": state.service,
                "deployment_id": queued.deployment_id, "release_id": queued.release_id,
                "reason": planned[0], "detail": f"when its turn came: {planned[1]}",
                "actor": queued.actor, "at_ms": state.now_ms,
            }))  # fmt: skip
            continue
        _start(state, queued, planned, facts)


def _plan(
    state: ServiceState, strategy: dict[str, Any]
) -> list[dict[str, Any]] | tuple[RejectReason, str]:
    """The waves as DeploymentStarted carries them, or why there are none."""
    if not state.hosts:
        return "no_hosts", f"{state.service} has no hosts"
    try:
        plan = plan_waves(
            (Host(region, host_id) for host_id, region in state.hosts.items()),
            Strategy(
                rollout=Rollout(strategy["rollout"]),
                max_unavailable=strategy["max_unavailable"],
                canary=strategy["canary"],
                region_order=tuple(strategy["region_order"]),
                approval_after_canary=strategy["approval_after_canary"],
            ),
        )
        FailureThreshold(Fraction(strategy["max_failed_percent"], 100))
    except ValueError as exc:
        return "invalid_strategy", str(exc)
    return [
        {
            "name": wave.name,
            "steps": [
                [{"region": h.region, "host_id": h.host_id} for h in step] for step in wave.steps
            ],
            "is_canary": wave.is_canary,
            "needs_approval": wave.needs_approval,
        }
        for wave in plan
    ]


def _start(
    state: ServiceState, queued: Queued, waves: list[dict[str, Any]], facts: list[Fact]
) -> None:
    release = state.releases[queued.release_id]
    d = Deployment(
        deployment_id=queued.deployment_id,
        release_id=queued.release_id,
        version=release.version,
        previous_release_id=state.current_release_id,
        previous_version=state.current_version,
        strategy=queued.strategy,
        actor=queued.actor,
        started_at_ms=state.now_ms,
        waves=waves,
        phase="ready",
    )
    state.active = d
    facts.append((DeploymentStarted, {
        "deployment_id": d.deployment_id, "service": state.service, "release_id": d.release_id,
        "version": d.version, "previous_release_id": d.previous_release_id,
        "previous_version": d.previous_version, "strategy": d.strategy, "actor": d.actor,
        "committed_at_ms": release.committed_at_ms, "waves": waves,
        "started_at_ms": d.started_at_ms,
    }))  # fmt: skip
    rollout.enter_wave(state, d, facts)
    rollout.advance(state, d, facts)


# --- commands on a deployment ---------------------------------------------------


def _active_or_reject(
    state: ServiceState, c: DeploymentCommand, facts: list[Fact]
) -> Deployment | None:
    """The active deployment `c` names; else rejects `c` with the reason and gives None."""
    d = state.active
    if d is not None and d.deployment_id == c.deployment_id:
        return d
    if c.deployment_id in state.done:
        _reject(
            state, c, "already_final", f"{c.deployment_id} {state.done[c.deployment_id]}", facts
        )
    elif any(q.deployment_id == c.deployment_id for q in state.queue):
        _reject(state, c, "not_running", f"{c.deployment_id} is queued", facts)
    else:
        _reject(state, c, "unknown_deployment", f"no deployment {c.deployment_id}", facts)
    return None


def _approve(state: ServiceState, c: ApproveDeployment, facts: list[Fact]) -> None:
    d = state.active
    if d is None or d.deployment_id != c.deployment_id:
        if any(q.deployment_id == c.deployment_id for q in state.queue):
            _reject(state, c, "not_at_gate", f"{c.deployment_id} is queued", facts)
        else:
            _active_or_reject(state, c, facts)
        return
    waiting = d.wave if d.phase == "gate" else None
    outcome = judge_approval(GateState(deployer=d.actor, waiting_at_wave=waiting), c.actor, c.wave)
    if outcome is not ApprovalOutcome.ACCEPTED:
        detail = {
            ApprovalOutcome.NOT_AT_GATE: "it waits at no gate",
            ApprovalOutcome.WRONG_GATE: f"it waits at the gate of wave {waiting}",
            ApprovalOutcome.APPROVER_IS_DEPLOYER: "the deployer may not approve their own",
        }[outcome]
        _reject(state, c, outcome.value, detail, facts)  # type: ignore[arg-type]
        return
    facts.append((DeploymentApproved, {
        "deployment_id": d.deployment_id, "service": state.service, "wave": c.wave,
        "actor": c.actor, "at_ms": state.now_ms,
    }))  # fmt: skip
    d.phase = "ready"
    rollout.advance(state, d, facts)


def _pause_or_resume(
    state: ServiceState, c: PauseDeployment | ResumeDeployment, facts: list[Fact]
) -> None:
    d = _active_or_reject(state, c, facts)
    if d is None:
        return
    if isinstance(c, PauseDeployment):
        if d.paused or d.phase == "rolling_back":
            _reject(state, c, "not_running", f"{d.deployment_id} is paused or rolling back", facts)
            return
        d.paused = True
        facts.append((DeploymentPaused, {
            "deployment_id": d.deployment_id, "service": state.service, "actor": c.actor,
            "at_ms": state.now_ms,
        }))  # fmt: skip
        return
    if not d.paused:
        _reject(state, c, "not_paused", f"{d.deployment_id} is not paused", facts)
        return
    d.paused = False
    facts.append((DeploymentResumed, {
        "deployment_id": d.deployment_id, "service": state.service, "actor": c.actor,
        "at_ms": state.now_ms,
    }))  # fmt: skip
    rollout.advance(state, d, facts)


def _abort_or_roll_back(
    state: ServiceState, c: AbortDeployment | RollBackDeployment, facts: list[Fact]
) -> None:
    aborted = isinstance(c, AbortDeployment)
    for i, q in enumerate(state.queue):
        if q.deployment_id == c.deployment_id:
            if not aborted:
                _reject(state, c, "not_running", f"{c.deployment_id} is queued", facts)
                return
            del state.queue[i]
            state.done[c.deployment_id] = "dequeued"
            facts.append((DeploymentDequeued, {
                "deployment_id": c.deployment_id, "service": state.service, "actor": c.actor,
                "at_ms": state.now_ms,
            }))  # fmt: skip
            return
    last = state.last_success
    if isinstance(c, RollBackDeployment) and last and last.deployment_id == c.deployment_id:
        if state.active is not None:
            detail = f"{state.active.deployment_id} is active"
            _reject(state, c, "nothing_to_roll_back", detail, facts)
            return
        _roll_back_success(state, c, facts)
        return
    if not aborted and state.done.get(c.deployment_id) == "succeeded":
        detail = f"{c.deployment_id} is not the last succeeded deployment"
        _reject(state, c, "nothing_to_roll_back", detail, facts)
        return
    d = _active_or_reject(state, c, facts)
    if d is None:
        return
    if d.phase == "rolling_back":
        _reject(state, c, "not_running", f"{d.deployment_id} is rolling back already", facts)
        return
    word = "aborted" if aborted else "rolled back"
    rollout.start_rollback(state, d, f"{word} by {c.actor}", c.actor, aborted, facts)


def _roll_back_success(state: ServiceState, c: RollBackDeployment, facts: list[Fact]) -> None:
    """Every host of the last success that the service still has goes back
    to the release it ran before."""
    last = state.last_success
    assert last is not None
    runs = {
        host_id: HostRun(region, 1, state.now_ms, "updated")
        for region, host_id in last.hosts
        if state.hosts.get(host_id) == region
    }
    d = Deployment(
        deployment_id=last.deployment_id,
        release_id=last.release_id,
        version=last.version,
        previous_release_id=last.previous_release_id,
        previous_version=last.previous_version,
        strategy=last.strategy,
        actor=c.actor,
        started_at_ms=last.started_at_ms,
        waves=[],
        phase="rolling_back",
        runs=runs,
        of_success=True,
    )
    state.active = d
    rollout.start_rollback(state, d, f"rolled back by {c.actor}", c.actor, False, facts)


# --- hosts ---------------------------------------------------------------------


def _change_hosts(
    state: ServiceState, c: RegisterHost | RetireHost | SetServiceHosts, facts: list[Fact]
) -> None:
    in_use = rollout.hosts_of(state.active) if state.active is not None else set()
    if isinstance(c, RegisterHost):
        if c.host.host_id in state.hosts:
            _reject(state, c, "duplicate_host", f"{c.host.host_id} is registered", facts)
            return
        state.hosts[c.host.host_id] = c.host.region
        change = "registered"
    elif isinstance(c, RetireHost):
        if c.host_id not in state.hosts:
            _reject(state, c, "unknown_host", f"no host {c.host_id}", facts)
            return
        stuck = state.active is not None and rollout.restore_pending(state.active, c.host_id)
        if c.host_id in in_use and not stuck:
            _reject(state, c, "host_in_use", f"{c.host_id} is in the active deployment", facts)
            return
        del state.hosts[c.host_id]
        change = "retired"
    else:
        ids = [h.host_id for h in c.hosts]
        if len(set(ids)) != len(ids):
            _reject(state, c, "duplicate_host", "a host id is listed twice", facts)
            return
        kept = {h.host_id: h.region for h in c.hosts}
        moved = sorted(h for h in in_use if kept.get(h) != state.hosts.get(h))
        if moved:
            _reject(state, c, "host_in_use", f"{moved} are in the active deployment", facts)
            return
        state.hosts = kept
        change = "set"
    hosts = [{"region": r, "host_id": h} for h, r in sorted(state.hosts.items(), key=_by_region)]
    facts.append((HostsChanged, {
        "service": state.service, "hosts": hosts, "actor": c.actor, "change": change,
    }))  # fmt: skip
    if isinstance(c, RetireHost) and state.active is not None and c.host_id in in_use:
        rollout.forget_stuck_host(state, state.active, c.host_id, facts)


def _by_region(item: tuple[str, str]) -> tuple[str, str]:
    return item[1], item[0]


def _reject(
    state: ServiceState, c: Record, reason: RejectReason, detail: str, facts: list[Fact]
) -> None:
    facts.append((CommandRejected, {
        "command": type(c).__name__, "service": state.service,
        "deployment_id": getattr(c, "deployment_id", ""),
        "release_id": getattr(c, "release_id", ""), "reason": reason, "detail": detail,
        "actor": getattr(c, "actor", ""), "at_ms": state.now_ms,
    }))  # fmt: skip
