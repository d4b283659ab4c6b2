"""`onelog audit deployment`: the story told from the records, in order."""

from __future__ import annotations

import random
from typing import Any

from onelog.deploy.deployment_story import deployment_story, story_text
from onelog.logged import Logged
from schemas.deploy import records as r
from schemas.envelope import Record
from schemas.ulid import derived_ulid
from streams.sealing import seal_command

D = "dep-1"
ART = {"digest": "a" * 64, "signature": "b" * 128, "size_bytes": 10}
HOST = {"service": "hello", "region": "us-east", "host_id": "hello-us-east-1"}


def _logged(model: type[Record], fields: dict[str, Any], offset: int) -> Logged:
    record = seal_command(model, fields, producer="test")
    return Logged("deploy.facts", 0, offset, record)


def _a_rolled_back_canary() -> list[Logged]:
    common = {"deployment_id": D, "service": "hello"}
    step = {**HOST, "deployment_id": D, "action": "install", "attempt": 1, "version": "2"}
    items: list[tuple[type[Record], dict[str, Any]]] = [
        (
            r.StartDeployment,
            {**common, "release_id": "rel-2", "strategy": {}, "actor": "alice"},
        ),
        (
            r.DeploymentStarted,
            {
                **common,
                "release_id": "rel-2",
                "version": "2",
                "previous_release_id": "rel-1",
                "previous_version": "1",
                "strategy": {},
                "actor": "alice",
                "waves": [
                    {"name": "canary", "steps": [], "is_canary": True, "needs_approval": False}
                ],
                "started_at_ms": 1,
            },
        ),
        (r.WaveStarted, {**common, "wave": 0, "name": "canary", "hosts": 1, "at_ms": 1}),
        (
            r.InstallRelease,
            {
                **HOST,
                "deployment_id": D,
                "attempt": 1,
                "release_id": "rel-2",
                "version": "2",
                "artifact": ART,
                "deadline_ms": 60_001,
            },
        ),
        (r.HostStepReported, {**step, "step": "fetched", "ok": True, "duration_ms": 5}),
        (
            r.HostStepReported,
            {**step, "step": "healthy", "ok": False, "duration_ms": 900, "detail": "503"},
        ),
        (
            r.HostFailed,
            {**HOST, "deployment_id": D, "wave": 0, "reason": "healthy: 503", "timed_out": False}
            | {"at_ms": 2},
        ),
        (
            r.RollbackStarted,
            {
                **common,
                "reason": "the canary failed",
                "actor": "orchestrator",
                "to_version": "1",
                "hosts": 1,
                "at_ms": 2,
            },
        ),
        (r.HostRestored, {**HOST, "deployment_id": D, "version": "1", "at_ms": 3}),
        (
            r.DeploymentRolledBack,
            {
                **common,
                "release_id": "rel-2",
                "version": "2",
                "restored_version": "1",
                "reason": "the canary failed",
                "aborted": False,
                "started_at_ms": 1,
                "at_ms": 3,
            },
        ),
    ]
    return [_logged(model, fields, offset) for offset, (model, fields) in enumerate(items)]


def test_the_story_says_who_started_every_step_and_why_it_ended() -> None:
    logged = _a_rolled_back_canary()
    stranger = _logged(
        r.DeploymentDequeued,
        {"deployment_id": "dep-2", "service": "hello", "actor": "bob", "at_ms": 1},
        99,
    )
    shuffled = [*logged, stranger]
    random.Random(7).shuffle(shuffled)
    story = deployment_story(D, shuffled)
    assert [line.offset for line in story.lines] == list(range(len(logged)))
    assert (story.service, story.started_by, story.approved_by) == ("hello", "alice", [])
    assert (story.outcome, story.reason) == ("rolled back", "the canary failed")
    text = story_text(story)
    assert "started by:  alice" in text
    assert "us-east/hello-us-east-1 install #1 healthy FAILED in 900 ms: 503" in text
    assert "rolled back: 2 -> 1: the canary failed" in text


def test_approvals_and_success_are_told() -> None:
    approved = _logged(
        r.DeploymentApproved,
        {"deployment_id": D, "service": "hello", "wave": 1, "actor": "carol", "at_ms": 5},
        0,
    )
    done = _logged(
        r.DeploymentSucceeded,
        {
            "deployment_id": D,
            "service": "hello",
            "release_id": "rel-2",
            "version": "2",
            "hosts": 10,
            "started_at_ms": 1,
            "at_ms": 9,
        },
        1,
    )
    story = deployment_story(D, [done, approved])
    assert story.approved_by == ["carol"]
    assert story.outcome == "succeeded"
    assert "approved by: carol" in story_text(story)


def test_a_deployment_nobody_named_has_no_story() -> None:
    assert deployment_story("nope", _a_rolled_back_canary()).lines == []


def _caused(
    model: type[Record], fields: dict[str, Any], at_us: int, cause: str | None, index: int = 0
) -> Record:
    """A record as the stage or an agent derives it: its cause's time, an id from the cause."""
    sealed = seal_command(model, fields, producer="test")
    event_id = sealed.envelope.event_id
    if cause is not None:
        event_id = derived_ulid(cause, index, at_us // 1000)
    envelope = sealed.envelope.model_copy(
        update={"event_id": event_id, "causation_id": cause, "recorded_at": at_us}
    )
    return sealed.model_copy(update={"envelope": envelope})


def test_a_queued_deployment_started_by_an_earlier_report_is_told_in_decided_order() -> None:
    t0 = 1_800_000_000_000_000
    common = {"deployment_id": D, "service": "hello"}
    # The previous deployment's last report (recorded first, read by the
    # orchestrator after the StartDeployment) is what starts this one.
    report = _caused(
        r.HostStepReported,
        {**HOST, "deployment_id": "dep-0", "action": "install", "attempt": 1, "version": "1"}
        | {"step": "switched", "ok": True, "duration_ms": 1},
        t0,
        None,
    )
    cause = report.envelope.event_id
    start = _caused(
        r.StartDeployment,
        {**common, "release_id": "rel-2", "strategy": {}, "actor": "alice"},
        t0 + 2_000_000,
        None,
    )
    queued = _caused(
        r.DeploymentQueued,
        {**common, "release_id": "rel-2", "version": "2", "actor": "alice", "behind": "dep-0"},
        t0 + 2_000_000,
        start.envelope.event_id,
    )
    started = _caused(
        r.DeploymentStarted,
        {
            **common,
            "release_id": "rel-2",
            "version": "2",
            "previous_release_id": "rel-1",
            "previous_version": "1",
            "strategy": {},
            "actor": "alice",
            "waves": [],
            "started_at_ms": 1,
        },
        t0,
        cause,
        index=1,
    )
    install = _caused(
        r.InstallRelease,
        {
            **HOST,
            "deployment_id": D,
            "attempt": 1,
            "release_id": "rel-2",
            "version": "2",
            "artifact": ART,
            "deadline_ms": 9,
        },
        t0,
        cause,
        index=2,
    )
    fetched = _caused(
        r.HostStepReported,
        {**HOST, "deployment_id": D, "action": "install", "attempt": 1, "version": "2"}
        | {"step": "fetched", "ok": True, "duration_ms": 3},
        t0,
        install.envelope.event_id,
    )
    logged = [
        Logged("deploy.host-steps", 0, 20, fetched),
        Logged("deploy.instructions", 1, 5, install),
        Logged("deploy.facts", 0, 12, started),
        Logged("deploy.facts", 0, 10, queued),
        Logged("deploy.commands", 0, 3, start),
        Logged("deploy.host-steps", 0, 19, report),
    ]
    story = deployment_story(D, logged)
    assert [line.record_type for line in story.lines] == [
        "StartDeployment",
        "DeploymentQueued",
        "DeploymentStarted",
        "InstallRelease",
        "HostStepReported",
    ]
    assert story.outcome == "running"
    # Shown times never go back, though the later records carry earlier ones.
    times = [line.time for line in story.lines]
    assert times == sorted(times)
