"""How an active deployment moves: waves and steps forward, host reports and
deadlines in, a rollback when failures call for it, and its end.

Every function appends the facts it decides to `facts` and changes `state`
in place; nothing reads a clock but `state.now_ms`, and every iteration over
hosts is sorted, so replay decides the same, fact for fact.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from schemas.deploy.records import (
    DeploymentRolledBack,
    DeploymentSucceeded,
    GateReached,
    HostFailed,
    HostRestored,
    HostStepReported,
    HostUpdated,
    InstallRelease,
    RestoreRelease,
    RollbackStarted,
    WaveCompleted,
    WaveStarted,
)
from streams.deploy.failures import FailureThreshold, must_roll_back
from streams.deploy.service_state import Deployment, HostRun, ServiceState, Success
from streams.facts import Fact

ORCHESTRATOR = "orchestrator"
# A host failure the threshold tolerates is retried, up to this many installs in all.
MAX_INSTALL_ATTEMPTS = 3


def advance(state: ServiceState, d: Deployment, facts: list[Fact]) -> None:
    """Take every step the deployment may take now: start the next step or
    wave, finish a bake, reach a gate, succeed. Stops while paused (hosts in
    flight still report), at a gate, while hosts of the step are in flight or
    the bake lasts."""
    while not d.paused and d.phase != "rolling_back" and state.active is d:
        if d.phase == "gate":
            return
        if d.phase == "ready":
            wave = d.waves[d.wave]
            facts.append((WaveStarted, {
                "deployment_id": d.deployment_id, "service": state.service, "wave": d.wave,
                "name": wave["name"], "hosts": sum(len(s) for s in wave["steps"]),
                "at_ms": state.now_ms,
            }))  # fmt: skip
            d.phase, d.step, d.failed_in_wave = "running", 0, 0
            _install_step(state, d, facts)
        elif d.phase == "running":
            if _in_flight(d) or _retry_failed(state, d, facts):
                return
            if d.step + 1 < len(d.waves[d.wave]["steps"]):
                d.step += 1
                _install_step(state, d, facts)
            else:
                d.phase, d.bake_until_ms = "baking", state.now_ms + d.strategy["bake_ms"]
        else:  # baking
            if state.now_ms < d.bake_until_ms:
                return
            facts.append((WaveCompleted, {
                "deployment_id": d.deployment_id, "service": state.service, "wave": d.wave,
                "failed_hosts": d.failed_in_wave, "at_ms": state.now_ms,
            }))  # fmt: skip
            d.wave += 1
            if d.wave == len(d.waves):
                _succeed(state, d, facts)
                return
            enter_wave(state, d, facts)


def enter_wave(state: ServiceState, d: Deployment, facts: list[Fact]) -> None:
    """Make `d.wave` the next to start: at its gate, or ready."""
    if d.waves[d.wave]["needs_approval"]:
        d.phase = "gate"
        facts.append((GateReached, {
            "deployment_id": d.deployment_id, "service": state.service, "wave": d.wave,
            "at_ms": state.now_ms,
        }))  # fmt: skip
    else:
        d.phase = "ready"


def on_report(
    state: ServiceState, d: Deployment, report: HostStepReported, facts: list[Fact]
) -> None:
    """A region agent's report of one step for one host. Only the host's
    latest instruction in this deployment counts; any other report is stale."""
    run = d.runs.get(report.host_id)
    if run is None or report.deployment_id != d.deployment_id or report.attempt != run.attempt:
        return
    if run.status == "installing" and report.action == "install":
        if not report.ok:
            _fail(state, d, report.host_id, run, f"{report.step}: {report.detail}", False, facts)
        elif report.step == "switched":
            run.status = "updated"
            facts.append((HostUpdated, {
                "deployment_id": d.deployment_id, "service": state.service, "wave": d.wave,
                "region": run.region, "host_id": report.host_id, "version": d.version,
                "at_ms": state.now_ms,
            }))  # fmt: skip
        advance(state, d, facts)
    # A failed restore is tried again when its deadline passes (on_time).
    elif run.status == "restoring" and report.ok and report.step == "rolled_back":
        run.status = "restored"
        facts.append((HostRestored, {
            "deployment_id": d.deployment_id, "service": state.service,
            "region": run.region, "host_id": report.host_id, "version": d.previous_version,
            "at_ms": state.now_ms,
        }))  # fmt: skip
        _finish_rollback_if_done(state, d, facts)


def on_time(state: ServiceState, d: Deployment, facts: list[Fact]) -> None:
    """The clock moved: hosts silent past their deadline fail (install) or are
    told again (restore, without end), and a bake may be over."""
    if d.phase == "rolling_back":
        for host_id in sorted(d.runs):
            run = d.runs[host_id]
            if run.status == "restoring" and state.now_ms > run.deadline_ms:
                _restore(state, d, host_id, run, facts)
        return
    if d.phase == "running":
        for host_id in _step_hosts(d):
            run = d.runs[host_id]
            if run.status == "installing" and state.now_ms > run.deadline_ms:
                reason = f"no report past its deadline ({run.deadline_ms} ms)"
                _fail(state, d, host_id, run, reason, True, facts)
                if _rolling_back(d):
                    return
    advance(state, d, facts)


def start_rollback(
    state: ServiceState, d: Deployment, reason: str, actor: str, aborted: bool, facts: list[Fact]
) -> None:
    """Send every host the deployment touched, in flight or not, back to the
    previous release; final once each reported `rolled_back`."""
    d.phase, d.rollback_reason, d.aborted = "rolling_back", reason, aborted
    facts.append((RollbackStarted, {
        "deployment_id": d.deployment_id, "service": state.service, "reason": reason,
        "actor": actor, "to_version": d.previous_version, "hosts": len(d.runs),
        "at_ms": state.now_ms,
    }))  # fmt: skip
    for host_id in sorted(d.runs):
        _restore(state, d, host_id, d.runs[host_id], facts)
    _finish_rollback_if_done(state, d, facts)


def _install_step(state: ServiceState, d: Deployment, facts: list[Fact]) -> None:
    for region, host_id in _step_refs(d):
        d.runs[host_id] = HostRun(region, 0, 0, "installing")
        _install(state, d, host_id, d.runs[host_id], facts)


def _install(
    state: ServiceState, d: Deployment, host_id: str, run: HostRun, facts: list[Fact]
) -> None:
    run.attempt += 1
    run.status = "installing"
    run.deadline_ms = state.now_ms + d.strategy["host_timeout_ms"]
    facts.append((InstallRelease, {
        "deployment_id": d.deployment_id, "service": state.service, "region": run.region,
        "host_id": host_id, "attempt": run.attempt, "release_id": d.release_id,
        "version": d.version, "artifact": state.releases[d.release_id].artifact,
        "deadline_ms": run.deadline_ms,
    }))  # fmt: skip


def _retry_failed(state: ServiceState, d: Deployment, facts: list[Fact]) -> bool:
    """Once the rest of the step has settled, install again on the hosts of
    it that failed within the threshold: a deployment only succeeds with
    every host on the new release (never a mix at rest), so a host that
    fails MAX_INSTALL_ATTEMPTS times rolls the deployment back. True while
    the step still waits for a host."""
    failed = [h for h in _step_hosts(d) if d.runs[h].status == "failed"]
    given_up = [h for h in failed if d.runs[h].attempt >= MAX_INSTALL_ATTEMPTS]
    if given_up:
        why = f"host {given_up[0]} failed {MAX_INSTALL_ATTEMPTS} installs"
        start_rollback(state, d, why, ORCHESTRATOR, False, facts)
        return True
    for host_id in failed:
        _install(state, d, host_id, d.runs[host_id], facts)
    return bool(failed)


def _restore(
    state: ServiceState, d: Deployment, host_id: str, run: HostRun, facts: list[Fact]
) -> None:
    run.attempt += 1
    run.status = "restoring"
    run.deadline_ms = state.now_ms + d.strategy["host_timeout_ms"]
    previous = state.releases.get(d.previous_release_id)
    facts.append((RestoreRelease, {
        "deployment_id": d.deployment_id, "service": state.service, "region": run.region,
        "host_id": host_id, "attempt": run.attempt, "version": d.previous_version,
        "artifact": None if previous is None else previous.artifact,
    }))  # fmt: skip


def _fail(
    state: ServiceState, d: Deployment, host_id: str, run: HostRun, reason: str,
    timed_out: bool, facts: list[Fact],
) -> None:  # fmt: skip
    run.status = "failed"
    if run.attempt == 1:  # hosts that failed, not failures: a retry may fail again
        d.failed_in_wave += 1
    facts.append((HostFailed, {
        "deployment_id": d.deployment_id, "service": state.service, "wave": d.wave,
        "region": run.region, "host_id": host_id, "reason": reason, "timed_out": timed_out,
        "at_ms": state.now_ms,
    }))  # fmt: skip
    wave = d.waves[d.wave]
    size = sum(len(step) for step in wave["steps"])
    threshold = FailureThreshold(Fraction(d.strategy["max_failed_percent"], 100))
    if must_roll_back(d.failed_in_wave, size, threshold, is_canary=wave["is_canary"]):
        why = (
            f"canary {host_id} failed"
            if wave["is_canary"]
            else f"{d.failed_in_wave} of {size} hosts of wave {d.wave} failed"
        )
        start_rollback(state, d, why, ORCHESTRATOR, False, facts)


def _succeed(state: ServiceState, d: Deployment, facts: list[Fact]) -> None:
    updated = sum(1 for run in d.runs.values() if run.status == "updated")
    facts.append((DeploymentSucceeded, {
        "deployment_id": d.deployment_id, "service": state.service, "release_id": d.release_id,
        "version": d.version, "hosts": updated, "started_at_ms": d.started_at_ms,
        "at_ms": state.now_ms,
    }))  # fmt: skip
    state.current_release_id, state.current_version = d.release_id, d.version
    state.last_success = Success(
        deployment_id=d.deployment_id,
        release_id=d.release_id,
        version=d.version,
        previous_release_id=d.previous_release_id,
        previous_version=d.previous_version,
        strategy=d.strategy,
        started_at_ms=d.started_at_ms,
        hosts=sorted([run.region, host_id] for host_id, run in d.runs.items()),
    )
    state.done[d.deployment_id] = "succeeded"
    state.active = None


def _finish_rollback_if_done(state: ServiceState, d: Deployment, facts: list[Fact]) -> None:
    if any(run.status != "restored" for run in d.runs.values()):
        return
    facts.append((DeploymentRolledBack, {
        "deployment_id": d.deployment_id, "service": state.service, "release_id": d.release_id,
        "version": d.version, "restored_version": d.previous_version,
        "reason": d.rollback_reason, "aborted": d.aborted, "started_at_ms": d.started_at_ms,
        "at_ms": state.now_ms,
    }))  # fmt: skip
    if d.of_success:
        state.current_release_id, state.current_version = d.previous_release_id, d.previous_version
        state.last_success = None
    state.done[d.deployment_id] = "rolled_back"
    state.active = None


def restore_pending(d: Deployment, host_id: str) -> bool:
    """The host is told to roll back and has not yet said it did."""
    run = d.runs.get(host_id)
    return d.phase == "rolling_back" and run is not None and run.status == "restoring"


def forget_stuck_host(state: ServiceState, d: Deployment, host_id: str, facts: list[Fact]) -> None:
    """An operator retired a host the rollback could not reach: the rollback
    no longer waits for it (the only way out for a host that is gone)."""
    del d.runs[host_id]
    _finish_rollback_if_done(state, d, facts)


def hosts_of(d: Deployment) -> set[str]:
    """Every host the deployment plans to change or has touched."""
    planned = {ref["host_id"] for wave in d.waves for step in wave["steps"] for ref in step}
    return planned | set(d.runs)


def _step_refs(d: Deployment) -> list[tuple[str, str]]:
    step: list[dict[str, Any]] = d.waves[d.wave]["steps"][d.step]
    return sorted((ref["region"], ref["host_id"]) for ref in step)


def _step_hosts(d: Deployment) -> list[str]:
    return sorted(host_id for _, host_id in _step_refs(d))


def _in_flight(d: Deployment) -> bool:
    return any(d.runs[host_id].status == "installing" for host_id in _step_hosts(d))


def _rolling_back(d: Deployment) -> bool:
    # A function, so that the type checker does not keep the phase it saw before a call.
    return d.phase == "rolling_back"
