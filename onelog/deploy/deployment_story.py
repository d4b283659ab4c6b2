"""The story of one deployment, told from its records on the log: who started
it, who approved, every wave and host step with its time, and why it ended.

Pure: given the records (decoded, with where they sit on the log), it keeps
those that name the deployment, orders them as they were decided and says
each in one line. Reading the log is audit_command.py's.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from onelog.logged import Logged
from schemas.deploy import records as r
from schemas.envelope import Record
from schemas.ulid import derived_ulid, ulid_millis

# Past this many facts of one cause, a fact's place among its siblings is
# not searched for (it goes after them).
_MAX_SIBLINGS = 4096


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


def _when_us(record: Record) -> int:
    """When it happened, as far as the record says: the orchestrator's clock
    for a fact that carries it (at_ms, started_at_ms); otherwise the
    envelope's time, which an instruction or a host report takes from the
    record that caused it (so it may be earlier than the line before)."""
    at_ms = getattr(record, "at_ms", None)
    if isinstance(record, r.DeploymentStarted):
        at_ms = record.started_at_ms
    return at_ms * 1000 if isinstance(at_ms, int) else record.envelope.recorded_at


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


_FINAL = ("succeeded", "rolled back", "aborted", "dequeued", "refused")


def _learn(story: DeploymentStory, record: Record) -> None:
    """What the summary says: who started, who approved, how it ended."""
    # After an end, only a rollback of the succeeded deployment changes it
    # (a record decided late, a stale report, does not).
    if story.outcome in _FINAL and not isinstance(
        record, (r.RollbackStarted, r.DeploymentRolledBack, r.DeploymentApproved)
    ):
        return
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


def sibling_index(record: Record) -> int:
    """Which of its cause's records this one is: the stage and the region
    agents derive the id of a cause's i-th record from the cause's id and i."""
    envelope = record.envelope
    if envelope.causation_id is None:
        return 0
    millis = ulid_millis(envelope.event_id)
    for index in range(_MAX_SIBLINGS):
        if derived_ulid(envelope.causation_id, index, millis) == envelope.event_id:
            return index
    return _MAX_SIBLINGS


def decided_order(items: list[Logged]) -> list[Logged]:
    """The records in an order that keeps every one after its cause, after
    the records before it on its own partition, and after its siblings of
    lower index; among those free to go, the earliest recorded first.

    recorded_at alone does not order them: a fact and a host report take the
    time of the record that caused them, and the orchestrator reads several
    topics in no fixed order (a queued deployment starts on a host report
    recorded before the StartDeployment that queued it).
    """
    by_id = {item.record.envelope.event_id: n for n, item in enumerate(items)}
    after: dict[int, list[int]] = {n: [] for n in range(len(items))}
    waiting = [0] * len(items)

    def edge(first: int, then: int) -> None:
        after[first].append(then)
        waiting[then] += 1

    partitions: dict[tuple[str, int], list[int]] = {}
    siblings: dict[str, list[tuple[int, int]]] = {}
    for n, item in enumerate(items):
        cause = item.record.envelope.causation_id
        if cause is not None and cause in by_id:
            edge(by_id[cause], n)
        partitions.setdefault((item.topic, item.partition), []).append(n)
        if cause is not None:
            siblings.setdefault(cause, []).append((sibling_index(item.record), n))
    for members in partitions.values():
        members.sort(key=lambda n: items[n].offset)
        for first, then in itertools.pairwise(members):
            edge(first, then)
    for group in siblings.values():
        group.sort()
        for (_, first), (_, then) in itertools.pairwise(group):
            edge(first, then)

    def priority(n: int) -> tuple[int, str, int, int]:
        item = items[n]
        return (item.record.envelope.recorded_at, item.topic, item.partition, item.offset)

    free = [(priority(n), n) for n in range(len(items)) if waiting[n] == 0]
    heapq.heapify(free)
    ordered: list[int] = []
    while free:
        _, n = heapq.heappop(free)
        ordered.append(n)
        for then in after[n]:
            waiting[then] -= 1
            if waiting[then] == 0:
                heapq.heappush(free, (priority(then), then))
    # The log's records cannot form a cycle (every constraint follows the
    # order they were written in); should they, the rest still shows.
    left = sorted(set(range(len(items))) - set(ordered), key=priority)
    return [items[n] for n in ordered + left]


def deployment_story(deployment_id: str, logged: Iterable[Logged]) -> DeploymentStory:
    """Every record naming the deployment, in the order it was decided."""
    mine = decided_order(
        [item for item in logged if getattr(item.record, "deployment_id", None) == deployment_id]
    )
    story = DeploymentStory(deployment_id)
    # Shown times never go back: a line is known no earlier than the one
    # before it (a host report carries its instruction's time, not its own).
    shown_us = 0
    for item in mine:
        record = item.record
        story.service = story.service or str(getattr(record, "service", ""))
        _learn(story, record)
        shown_us = max(shown_us, _when_us(record))
        story.lines.append(
            StoryLine(
                time=_time(shown_us),
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
