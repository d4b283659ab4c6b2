"""The orchestrator's decisions, one service at a time, with the test playing
the clock and the region agents (orchestrator_driver.py)."""

from __future__ import annotations

from schemas.deploy.records import (
    AbortDeployment,
    ApproveDeployment,
    BuildRelease,
    CommandRejected,
    DeploymentApproved,
    DeploymentDequeued,
    DeploymentQueued,
    DeploymentRolledBack,
    DeploymentStarted,
    DeploymentSucceeded,
    GateReached,
    HostFailed,
    HostRestored,
    HostsChanged,
    HostUpdated,
    InstallRelease,
    PauseDeployment,
    RegisterHost,
    ReleaseBuildFailed,
    ReleaseBuilt,
    ReleaseCreated,
    RestoreRelease,
    ResumeDeployment,
    RetireHost,
    RollBackDeployment,
    RollbackStarted,
    SetServiceHosts,
    WaveCompleted,
    WaveStarted,
)
from streams.deploy.rollout import MAX_INSTALL_ATTEMPTS
from tests.unit.streams.deploy.orchestrator_driver import REGIONS, Driver, artifact


def _deployed(d: Driver, deployment_id: str = "d1", release_id: str = "r1") -> None:
    d.start(deployment_id, release_id)
    d.settle_all()
    assert d.of(DeploymentSucceeded)[-1]["deployment_id"] == deployment_id


def test_a_good_rollout_reaches_five_regions_wave_by_wave() -> None:
    d = Driver()
    d.release()
    d.start()
    d.settle_all()
    started = d.of(DeploymentStarted)[0]
    names = [w["name"] for w in started["waves"]]
    assert names == ["canary:ap-south-0", *(f"region:{r}" for r in REGIONS)]
    assert [w["wave"] for w in d.of(WaveStarted)] == list(range(6))
    assert [w["wave"] for w in d.of(WaveCompleted)] == list(range(6))
    assert len(d.of(HostUpdated)) == 10
    assert len(d.of(InstallRelease)) == 10
    (done,) = d.of(DeploymentSucceeded)
    assert (done["hosts"], done["version"]) == (10, "1.0")
    assert d.state.active is None and d.state.current_version == "1.0"
    # A wave starts only after the one before completed.
    at = {name: [i for i, n in enumerate(d.names()) if n == name] for name in d.names()}
    after_first = at["WaveStarted"][1:]
    assert all(done < start for done, start in zip(at["WaveCompleted"], after_first, strict=False))


def test_the_next_step_waits_for_every_host_of_the_step() -> None:
    d = Driver(per_region=4)
    d.release()
    d.start(max_unavailable=2, canary=False, region_order=list(REGIONS))
    first = d.pending()
    assert first == ["ap-south-0", "ap-south-1"]
    d.succeed("ap-south-0")
    assert d.pending() == ["ap-south-1"]
    d.succeed("ap-south-1")
    assert d.pending() == ["ap-south-2", "ap-south-3"]


def test_a_failing_canary_rolls_back_and_restores_the_previous_version() -> None:
    d = Driver()
    d.release("r1", "1.0", 1)
    _deployed(d)
    d.release("r2", "2.0", 2)
    d.start("d2", "r2")
    (canary,) = d.pending()
    d.report(canary, "fetched")
    facts = d.report(canary, "healthy", ok=False, detail="GET /health: 500")
    assert d.names(facts) == ["HostFailed", "RollbackStarted", "RestoreRelease"]
    assert d.of(HostFailed, facts)[0]["reason"] == "healthy: GET /health: 500"
    (restore,) = d.of(RestoreRelease, facts)
    assert (restore["version"], restore["attempt"]) == ("1.0", 2)
    assert restore["artifact"] == artifact(1)
    facts = d.succeed(canary)
    assert d.names(facts) == ["HostRestored", "DeploymentRolledBack"]
    rolled = d.of(DeploymentRolledBack, facts)[0]
    assert (rolled["restored_version"], rolled["aborted"]) == ("1.0", False)
    assert d.state.current_version == "1.0"


def test_retiring_a_host_the_rollback_cannot_reach_lets_the_rollback_end() -> None:
    d = Driver()
    d.release("r1", "1.0", 1)
    _deployed(d)
    d.release("r2", "2.0", 2)
    d.start("d2", "r2")
    (canary,) = d.pending()
    d.report(canary, "healthy", ok=False, detail="GET /health: 500")
    # The host is gone: the restore is sent again and again, never answered.
    d.tick(d.state.now_ms + 120_000)
    assert d.pending() == [canary] and not d.of(DeploymentRolledBack)
    facts = d.send(RetireHost, host_id=canary, actor="operator")
    assert d.names(facts) == ["HostsChanged", "DeploymentRolledBack"]
    assert canary not in d.state.hosts


def test_a_wave_rolls_back_past_its_failure_threshold_only() -> None:
    d = Driver(per_region=4)
    d.release()
    d.start(max_unavailable=4, canary=False, max_failed_percent=25, region_order=list(REGIONS))
    hosts = d.pending()
    assert len(hosts) == 4
    d.report(hosts[0], "fetched", ok=False, detail="404")  # 1 of 4: 25% is tolerated
    assert not d.of(RollbackStarted)
    facts = d.report(hosts[1], "verified", ok=False, detail="bad signature")  # 50%
    assert d.names(facts)[:2] == ["HostFailed", "RollbackStarted"]
    # Every touched host goes back, the two in flight too.
    assert sorted(p["host_id"] for p in d.of(RestoreRelease, facts)) == hosts
    restore = d.of(RestoreRelease, facts)[0]
    assert (restore["version"], restore["artifact"]) == ("", None)


def test_a_tolerated_failure_is_installed_again_and_the_deployment_succeeds_whole() -> None:
    d = Driver(per_region=4)
    d.release()
    d.start(max_unavailable=4, canary=False, max_failed_percent=25, region_order=list(REGIONS))
    first = d.pending()[0]
    d.report(first, "started", ok=False, detail="exit 1")
    d.settle_all()
    (done,) = d.of(DeploymentSucceeded)
    assert done["hosts"] == 20  # every host on the new release: no mix at rest
    assert [p["attempt"] for p in d.of(InstallRelease) if p["host_id"] == first] == [1, 2]
    assert d.of(WaveCompleted)[0]["failed_hosts"] == 1


def test_a_host_that_fails_every_install_rolls_the_deployment_back() -> None:
    d = Driver(per_region=4)
    d.release()
    d.start(max_unavailable=4, canary=False, max_failed_percent=25, region_order=list(REGIONS))
    stubborn, *others = d.pending()
    for host_id in others:
        d.succeed(host_id)
    for _ in range(MAX_INSTALL_ATTEMPTS):
        assert not d.of(RollbackStarted)
        d.report(stubborn, "healthy", ok=False, detail="503")
    (rollback,) = d.of(RollbackStarted)
    assert rollback["reason"] == f"host {stubborn} failed {MAX_INSTALL_ATTEMPTS} installs"
    d.settle_all()
    assert d.of(DeploymentRolledBack) and not d.of(DeploymentSucceeded)


def test_a_host_silent_past_its_deadline_fails_by_the_clock() -> None:
    d = Driver()
    d.release()
    d.start(host_timeout_ms=5_000)
    (canary,) = d.pending()
    assert not d.tick(5_000)  # at the deadline: not yet late
    facts = d.tick(1)
    assert d.names(facts) == ["HostFailed", "RollbackStarted", "RestoreRelease"]
    assert d.of(HostFailed, facts)[0]["timed_out"] is True
    # A silent restore is sent again, with the next attempt, without end.
    again = d.tick(5_001)
    assert [(p["host_id"], p["attempt"]) for p in d.of(RestoreRelease, again)] == [(canary, 3)]
    assert d.names(d.tick(5_001)) == ["RestoreRelease"]
    d.report(canary, "rolled_back", attempt=2)  # an older attempt: stale
    assert not d.of(DeploymentRolledBack)
    facts = d.succeed(canary)
    assert d.names(facts) == ["HostRestored", "DeploymentRolledBack"]


def test_bake_time_is_counted_in_ticks() -> None:
    d = Driver()
    d.release()
    d.start(bake_ms=10_000)
    d.succeed(d.pending()[0])
    assert d.names()[-1] == "HostUpdated"
    assert not d.tick(9_999)
    facts = d.tick(1)
    # The canary took one of ap-south's two hosts.
    assert d.names(facts) == ["WaveCompleted", "WaveStarted", "InstallRelease"]


def test_a_gate_waits_for_an_approval_from_someone_else_than_the_deployer() -> None:
    d = Driver()
    d.release()
    d.start(approval_after_canary=True, actor="alice")
    facts = d.succeed(d.pending()[0])
    assert d.names(facts)[-2:] == ["WaveCompleted", "GateReached"]
    assert d.of(GateReached)[0]["wave"] == 1
    assert d.pending() == []
    own = d.send(ApproveDeployment, deployment_id="d1", wave=1, actor="alice")
    assert d.of(CommandRejected, own)[0]["reason"] == "approver_is_deployer"
    wrong = d.send(ApproveDeployment, deployment_id="d1", wave=2, actor="bob")
    assert d.of(CommandRejected, wrong)[0]["reason"] == "wrong_gate"
    facts = d.send(ApproveDeployment, deployment_id="d1", wave=1, actor="bob")
    assert d.names(facts)[:2] == ["DeploymentApproved", "WaveStarted"]
    assert d.of(DeploymentApproved, facts)[0]["actor"] == "bob"
    late = d.send(ApproveDeployment, deployment_id="d1", wave=1, actor="carol")
    assert d.of(CommandRejected, late)[0]["reason"] == "not_at_gate"
    d.settle_all()
    assert d.of(DeploymentSucceeded)


def test_pause_stops_new_steps_and_resume_goes_on() -> None:
    d = Driver()
    d.release()
    d.start()
    (canary,) = d.pending()
    d.send(PauseDeployment, deployment_id="d1", actor="ops")
    facts = d.succeed(canary)  # the host in flight finishes
    assert d.names(facts)[-1] == "HostUpdated"
    assert d.pending() == []
    assert not d.tick(100_000)
    again = d.send(PauseDeployment, deployment_id="d1", actor="ops")
    assert d.of(CommandRejected, again)[0]["reason"] == "not_running"
    facts = d.send(ResumeDeployment, deployment_id="d1", actor="ops")
    assert d.names(facts)[:3] == ["DeploymentResumed", "WaveCompleted", "WaveStarted"]
    not_paused = d.send(ResumeDeployment, deployment_id="d1", actor="ops")
    assert d.of(CommandRejected, not_paused)[0]["reason"] == "not_paused"
    d.settle_all()
    assert d.of(DeploymentSucceeded)


def test_abort_rolls_an_active_deployment_back_and_dequeues_a_queued_one() -> None:
    d = Driver()
    d.release()
    d.release("r2", "2.0", 2)
    d.start("d1", "r1")
    queued = d.start("d2", "r2")
    assert d.of(DeploymentQueued, queued)[0]["behind"] == "d1"
    facts = d.send(AbortDeployment, deployment_id="d2", actor="ops")
    assert d.names(facts) == ["DeploymentDequeued"]
    assert d.of(DeploymentDequeued)[0]["actor"] == "ops"
    d.succeed(d.pending()[0])
    facts = d.send(AbortDeployment, deployment_id="d1", actor="ops")
    assert d.names(facts)[0] == "RollbackStarted"
    assert d.of(RollbackStarted, facts)[0]["reason"] == "aborted by ops"
    d.settle_all()
    (rolled,) = d.of(DeploymentRolledBack)
    assert rolled["aborted"] is True
    # The dequeued one never started, and both are final now.
    assert [p["deployment_id"] for p in d.of(DeploymentStarted)] == ["d1"]
    for dep in ("d1", "d2"):
        late = d.send(AbortDeployment, deployment_id=dep, actor="ops")
        assert d.of(CommandRejected, late)[0]["reason"] == "already_final"


def test_queued_deployments_start_in_order_when_the_active_one_ends() -> None:
    d = Driver()
    for n in (1, 2, 3):
        d.release(f"r{n}", f"{n}.0", n)
    d.start("d1", "r1")
    d.start("d2", "r2")
    d.start("d3", "r3")
    assert [p["deployment_id"] for p in d.of(DeploymentQueued)] == ["d2", "d3"]
    d.settle_all()
    started = d.of(DeploymentStarted)
    assert [p["deployment_id"] for p in started] == ["d1", "d2", "d3"]
    assert [(p["previous_version"], p["version"]) for p in started] == [
        ("", "1.0"),
        ("1.0", "2.0"),
        ("2.0", "3.0"),
    ]
    # The next one starts in the very decision that ended the one before.
    names = d.names()
    first_end = names.index("DeploymentSucceeded")
    assert names[first_end + 1] == "DeploymentStarted"
    assert d.state.current_version == "3.0"


def test_rolling_back_the_last_success_restores_every_host() -> None:
    d = Driver()
    d.release("r1", "1.0", 1)
    d.release("r2", "2.0", 2)
    _deployed(d, "d1", "r1")
    _deployed(d, "d2", "r2")
    old = d.send(RollBackDeployment, deployment_id="d1", actor="ops")
    assert d.of(CommandRejected, old)[0]["reason"] == "nothing_to_roll_back"
    facts = d.send(RollBackDeployment, deployment_id="d2", actor="ops")
    assert d.of(RollbackStarted, facts)[0]["to_version"] == "1.0"
    restores = d.of(RestoreRelease, facts)
    assert len(restores) == 10 and {p["version"] for p in restores} == {"1.0"}
    d.settle_all()
    assert len(d.of(HostRestored)) == 10
    (rolled,) = d.of(DeploymentRolledBack)
    assert (rolled["deployment_id"], rolled["restored_version"]) == ("d2", "1.0")
    assert d.state.current_version == "1.0"
    again = d.send(RollBackDeployment, deployment_id="d2", actor="ops")
    assert d.of(CommandRejected, again)[0]["reason"] == "already_final"


def test_stale_reports_change_nothing() -> None:
    d = Driver()
    d.release()
    d.start()
    (canary,) = d.pending()
    assert not d.report(canary, "switched", attempt=7)
    assert not d.report(canary, "switched", deployment_id="d0")
    facts = d.report(canary, "switched")
    assert d.names(facts)[0] == "HostUpdated"
    assert not d.report(canary, "switched")  # a second report of a settled host


def test_builds_and_releases() -> None:
    d = Driver()
    assert not d.send(
        BuildRelease, release_id="b1", version="1.0", repo="/src", commit="c0", actor="dev"
    )
    assert not d.send(
        ReleaseBuildFailed, release_id="b2", version="1.0", repo="/src", commit="c0",
        actor="dev", reason="exit 2", log_excerpt="",
    )  # fmt: skip
    built = dict(
        release_id="b1", version="1.0", repo="/src", commit="c0", committed_at_ms=5,
        artifact=artifact(3), actor="dev", build_ms=10, log_excerpt="ok",
    )  # fmt: skip
    facts = d.send(ReleaseBuilt, **built)
    (created,) = d.of(ReleaseCreated, facts)
    assert (created["source"], created["commit"], created["committed_at_ms"]) == ("git", "c0", 5)
    assert not d.send(ReleaseBuilt, **built)  # redelivered: nothing new
    facts = d.start("d1", "b1")
    assert d.of(DeploymentStarted, facts)[0]["committed_at_ms"] == 5


def _reason(facts: list) -> str:  # type: ignore[type-arg]
    (rejected,) = [p for kind, p in facts if kind is CommandRejected]
    return str(rejected["reason"])


def test_every_rejection_names_its_reason() -> None:
    d = Driver()
    assert _reason(d.start("d1", "nope")) == "unknown_release"
    d.release()
    assert _reason(d.release()) == "duplicate_release"
    assert _reason(d.start("d1", region_order=["us-east"])) == "invalid_strategy"
    empty = Driver(per_region=0)
    empty.release()
    assert _reason(empty.start()) == "no_hosts"
    d.start("d1")
    assert _reason(d.start("d1")) == "duplicate_deployment"
    assert _reason(d.send(PauseDeployment, deployment_id="dx", actor="o")) == "unknown_deployment"
    assert _reason(d.send(ApproveDeployment, deployment_id="d1", wave=1, actor="o")) == (
        "not_at_gate"
    )
    assert _reason(d.send(RetireHost, host_id="ghost", actor="o")) == "unknown_host"
    assert _reason(d.send(RetireHost, host_id="ap-south-0", actor="o")) == "host_in_use"
    twice = [{"region": "us-east", "host_id": "h"}] * 2
    assert _reason(d.send(SetServiceHosts, hosts=twice, actor="o")) == "duplicate_host"
    assert _reason(d.send(SetServiceHosts, hosts=[], actor="o")) == "host_in_use"
    new = {"region": "us-east", "host_id": "us-east-0"}
    assert _reason(d.send(RegisterHost, host=new, actor="o")) == "duplicate_host"
    assert _reason(d.send(RollBackDeployment, deployment_id="d9", actor="o")) == (
        "unknown_deployment"
    )
    assert _reason(d.send(ResumeDeployment, deployment_id="d1", actor="o")) == "not_paused"
    d.send(AbortDeployment, deployment_id="d1", actor="o")
    assert _reason(d.send(PauseDeployment, deployment_id="d1", actor="o")) == "not_running"
    d.settle_all()
    assert _reason(d.send(PauseDeployment, deployment_id="d1", actor="o")) == "already_final"
    assert _reason(d.send(ApproveDeployment, deployment_id="d1", wave=1, actor="o")) == (
        "already_final"
    )
    assert _reason(d.send(RollBackDeployment, deployment_id="d1", actor="o")) == "already_final"
    assert (
        _reason(d.send(ApproveDeployment, deployment_id="d1", wave=0, actor="dev"))
        == "already_final"
    )


def test_hosts_change_whole_and_one_by_one() -> None:
    d = Driver(per_region=0)
    d.send(RegisterHost, host={"region": "us-east", "host_id": "b"}, actor="o")
    facts = d.send(RegisterHost, host={"region": "eu-west", "host_id": "a"}, actor="o")
    (changed,) = d.of(HostsChanged, facts)
    assert changed["hosts"] == [
        {"region": "eu-west", "host_id": "a"},
        {"region": "us-east", "host_id": "b"},
    ]
    facts = d.send(RetireHost, host_id="b", actor="o")
    assert d.of(HostsChanged, facts)[0]["change"] == "retired"
    assert d.state.hosts == {"a": "eu-west"}


def test_a_queued_deployment_whose_hosts_went_away_is_refused_when_its_turn_comes() -> None:
    d = Driver(per_region=1)
    d.release()
    d.start("d1", region_order=list(REGIONS))
    d.start("d2", region_order=list(REGIONS))
    d.send(RegisterHost, host={"region": "mars", "host_id": "m"}, actor="o")
    d.settle_all()
    refused = d.of(CommandRejected)[-1]
    assert (refused["deployment_id"], refused["reason"]) == ("d2", "invalid_strategy")
    assert [p["deployment_id"] for p in d.of(DeploymentStarted)] == ["d1"]
