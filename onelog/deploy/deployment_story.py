"""The story of one deployment, told from its records on the log: who started
it, who approved, every wave and host step with its time, and why it ended.

Pure: given the records (decoded, with where they sit on the log), it keeps
those that name the deployment, orders them as they were decided and says
each in one line. Reading the log is audit_command.py's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from schemas.deploy import records as r
from schemas.envelope import Record

# A fact takes its cause's recorded_at: the length of its causation chain
# orders it after its cause, as `audit order` does.
_MAX_CHAIN = 64


@dataclass(frozen=True)
class Logged:
    """A record and where it sits on the log."""

    topic: str
    partition: int
    offset: int
    record: Record


@dataclass(frozen=True)
class StoryLine:
    time: str
    recorded_at: int
    record_type: str
    topic: str
    partition: int
    offset: int
    text: str
    fields: dict[str, Any]


@dataclass
class DeploymentStory:
    deployment_id: str
    service: str = ""
    started_by: str = ""
    approved_by: list[str] = field(default_factory=list)
    outcome: str = "not ended"
    reason: str = ""
    lines: list[StoryLine] = field(default_factory=list)


def _time(recorded_at_us: int) -> str:
    return datetime.fromtimestamp(recorded_at_us / 1_000_000, UTC).isoformat(
        timespec="milliseconds"
    )


def _host(record: Any) -> str:
    return f"{record.region}/{record.host_id}"


def describe(record: Record) -> str:
    """One line for a person; what the record says that matters."""
    match record:
        case r.StartDeployment():
            return f"asked by {record.actor}: release {record.release_id}"
        case r.DeploymentStarted():
            before = record.previous_version or "nothing"
            return (
                f"started by {record.actor}: {before} -> {record.version} "
                f"in {len(record.waves)} waves ({', '.join(w.name for w in record.waves)})"
            )
        case r.DeploymentQueued():
            return f"queued by {record.actor} behind {record.behind}"
        case r.GateReached():
            return f"wave {record.wave} waits for an approval"
        case r.ApproveDeployment():
            return f"approval of wave {record.wave} asked by {record.actor}"
        case r.DeploymentApproved():
            return f"wave {record.wave} approved by {record.actor}"
        case r.WaveStarted():
            return f"wave {record.wave} ({record.name}) started on {record.hosts} hosts"
        case r.InstallRelease():
            return (
                f"install {record.version} on {_host(record)} "
                f"(attempt {record.attempt}, deadline {record.deadline_ms} ms)"
            )
        case r.RestoreRelease():
            return (
                f"restore {record.version or 'nothing'} on {_host(record)} "
                f"(attempt {record.attempt})"
            )
        case r.HostStepReported():
            outcome = "ok" if record.ok else "FAILED"
            detail = f": {record.detail}" if record.detail else ""
            return (
                f"{_host(record)} {record.action} #{record.attempt} {record.step} {outcome} "
                f"in {record.duration_ms} ms{detail}"
            )
        case r.HostUpdated():
            return f"{_host(record)} runs {record.version} (wave {record.wave})"
        case r.HostFailed():
            late = " (timed out)" if record.timed_out else ""
            return f"{_host(record)} failed in wave {record.wave}{late}: {record.reason}"
        case r.WaveCompleted():
            return f"wave {record.wave} completed, {record.failed_hosts} hosts failed"
        case r.DeploymentPaused() | r.DeploymentResumed():
            return f"{type(record).__name__[len('Deployment') :].lower()} by {record.actor}"
        case r.RollbackStarted():
            return (
                f"rollback to {record.to_version or 'nothing'} of {record.hosts} hosts "
                f"started by {record.actor}: {record.reason}"
            )
        case r.HostRestored():
            return f"{_host(record)} back on {record.version or 'nothing'}"
        case r.DeploymentSucceeded():
            return f"succeeded: {record.hosts} hosts run {record.version}"
        case r.DeploymentRolledBack():
            aborted = " (aborted)" if record.aborted else ""
            return (
                f"rolled back{aborted}: {record.version} -> {record.restored_version or 'nothing'}"
                f": {record.reason}"
            )
        case r.DeploymentDequeued():
            return f"taken out of the queue by {record.actor}"
        case r.CommandRejected():
            return f"{record.command} by {record.actor} refused: {record.reason} ({record.detail})"
        case _:
            actor = getattr(record, "actor", "")
            return f"{type(record).__name__}" + (f" by {actor}" if actor else "")


def _learn(story: DeploymentStory, record: Record) -> None:
    """What the summary says: who started, who approved, how it ended."""
    match record:
        case r.StartDeployment():
            story.started_by = story.started_by or record.actor
            story.service = record.service
        case r.DeploymentStarted():
            story.started_by = record.actor
            story.outcome = "running"
        case r.DeploymentQueued():
            story.outcome = "queued"
        case r.DeploymentApproved():
            story.approved_by.append(record.actor)
        case r.RollbackStarted():
            story.outcome, story.reason = "rolling back", record.reason
        case r.DeploymentSucceeded():
            story.outcome, story.reason = "succeeded", f"every host runs {record.version}"
        case r.DeploymentRolledBack():
            story.outcome = "aborted" if record.aborted else "rolled back"
            story.reason = record.reason
        case r.DeploymentDequeued():
            story.outcome, story.reason = "dequeued", f"aborted by {record.actor} while queued"
        case r.CommandRejected(command="StartDeployment"):
            story.outcome, story.reason = "refused", f"{record.reason}: {record.detail}"


def deployment_story(deployment_id: str, logged: Iterable[Logged]) -> DeploymentStory:
    """Every record naming the deployment, in the order it was decided."""
    cause_of: dict[str, str | None] = {}
    mine: list[Logged] = []
    for item in logged:
        envelope = item.record.envelope
        cause_of[envelope.event_id] = envelope.causation_id
        if getattr(item.record, "deployment_id", None) == deployment_id:
            mine.append(item)

    def depth(event_id: str) -> int:
        steps, parent = 0, cause_of.get(event_id)
        while parent is not None and steps < _MAX_CHAIN:
            steps, parent = steps + 1, cause_of.get(parent)
        return steps

    mine.sort(
        key=lambda i: (
            i.record.envelope.recorded_at,
            depth(i.record.envelope.event_id),
            i.topic,
            i.partition,
            i.offset,
        )
    )
    story = DeploymentStory(deployment_id)
    for item in mine:
        record = item.record
        story.service = story.service or str(getattr(record, "service", ""))
        _learn(story, record)
        story.lines.append(
            StoryLine(
                time=_time(record.envelope.recorded_at),
                recorded_at=record.envelope.recorded_at,
                record_type=type(record).__name__,
                topic=item.topic,
                partition=item.partition,
                offset=item.offset,
                text=describe(record),
                fields=record.model_dump(mode="json", exclude={"envelope"}),
            )
        )
    return story


def story_text(story: DeploymentStory) -> str:
    approved = ", ".join(story.approved_by) or "nobody (no gate)"
    head = [
        f"deployment {story.deployment_id} of {story.service or '?'}",
        f"started by:  {story.started_by or '?'}",
        f"approved by: {approved}",
        f"ended:       {story.outcome}" + (f" ({story.reason})" if story.reason else ""),
        "",
    ]
    body = [f"{line.time}  {line.record_type:20} {line.text}" for line in story.lines]
    return "\n".join(head + body)
