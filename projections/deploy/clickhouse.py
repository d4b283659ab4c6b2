"""The deployment system's analytics models in ClickHouse: tables, views, and
the pure record -> rows functions that fill them.

releases             one row per ReleaseCreated (commit and its time: lead time)
deployment_events    one row per fact that starts, queues or ends a deployment
                     or starts its rollback: started, queued, rollback_started,
                     succeeded, rolled_back, dequeued
host_steps           one row per HostStepReported, with how long the step took
deployment_history   view: one row per deployment end (succeeded, rolled_back),
                     with its start, deployer, version, commit and commit time
step_durations       view: per service, action and step, duration percentiles

The end facts do not repeat who deployed or which commit, so the history is a
view that joins the end with the deployment's start and its release.
Duplicates collapse in ReplacingMergeTree on the record's identity: its event
id (a fact written twice at two offsets has the same one; a record read twice
is the same row), so views read with FINAL. Every row carries its (topic,
partition, offset). Times: `*_ms` integer milliseconds, the position's
DateTime64 microseconds.
"""

from __future__ import annotations

from typing import Any

from projections.analytics_row import POSITION, POSITION_DDL, position, rows_by_column
from projections.log_record import LogRecord
from projections.projection import Row, Value
from schemas import deploy as dp
from schemas.envelope import Record

RELEASES = "releases"
DEPLOYMENT_EVENTS = "deployment_events"
HOST_STEPS = "host_steps"

DDL: tuple[str, ...] = (
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.releases ({POSITION_DDL},
    release_id String,
    service String,
    version String,
    source LowCardinality(String),
    repo String,
    commit String,
    committed_at_ms Nullable(Int64),
    digest String,
    size_bytes Int64,
    actor String
) ENGINE = ReplacingMergeTree
ORDER BY (service, release_id, event_id)
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.deployment_events ({POSITION_DDL},
    deployment_id String,
    service String,
    kind LowCardinality(String),
    release_id String,
    version String,
    previous_version String,
    actor String,
    committed_at_ms Nullable(Int64),
    started_at_ms Nullable(Int64),
    at_ms Int64,
    reason String,
    aborted UInt8,
    hosts Int64
) ENGINE = ReplacingMergeTree
ORDER BY (service, deployment_id, kind, event_id)
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.host_steps ({POSITION_DDL},
    deployment_id String,
    service String,
    region LowCardinality(String),
    host_id String,
    action LowCardinality(String),
    attempt UInt32,
    version String,
    step LowCardinality(String),
    ok UInt8,
    duration_ms Int64,
    detail String
) ENGINE = ReplacingMergeTree
ORDER BY (service, deployment_id, host_id, event_id)
""",
    """
CREATE VIEW IF NOT EXISTS {db}.deployment_history AS
SELECT
    e.deployment_id AS deployment_id,
    e.service AS service,
    e.kind AS outcome,
    e.release_id AS release_id,
    e.version AS version,
    s.previous_version AS previous_version,
    s.actor AS deployer,
    e.started_at_ms AS started_at_ms,
    e.at_ms AS ended_at_ms,
    e.reason AS reason,
    e.aborted AS aborted,
    r.commit AS commit,
    coalesce(s.committed_at_ms, r.committed_at_ms) AS committed_at_ms,
    r.source AS source
FROM {db}.deployment_events AS e FINAL
LEFT JOIN (
    SELECT deployment_id, any(actor) AS actor, any(previous_version) AS previous_version,
           any(committed_at_ms) AS committed_at_ms
    FROM {db}.deployment_events FINAL
    WHERE kind = 'started'
    GROUP BY deployment_id
) AS s ON s.deployment_id = e.deployment_id
LEFT JOIN (
    SELECT release_id, any(commit) AS commit, any(committed_at_ms) AS committed_at_ms,
           any(source) AS source
    FROM {db}.releases FINAL
    GROUP BY release_id
) AS r ON r.release_id = e.release_id
WHERE e.kind IN ('succeeded', 'rolled_back')
""",
    """
CREATE VIEW IF NOT EXISTS {db}.step_durations AS
SELECT
    service,
    action,
    step,
    count() AS steps,
    countIf(ok = 0) AS failed,
    quantileExact(0.5)(duration_ms) AS p50_ms,
    quantileExact(0.9)(duration_ms) AS p90_ms,
    quantileExact(0.99)(duration_ms) AS p99_ms,
    max(duration_ms) AS max_ms
FROM {db}.host_steps FINAL
GROUP BY service, action, step
""",
)

RELEASE_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "release_id",
    "service",
    "version",
    "source",
    "repo",
    "commit",
    "committed_at_ms",
    "digest",
    "size_bytes",
    "actor",
)
DEPLOYMENT_EVENT_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "deployment_id",
    "service",
    "kind",
    "release_id",
    "version",
    "previous_version",
    "actor",
    "committed_at_ms",
    "started_at_ms",
    "at_ms",
    "reason",
    "aborted",
    "hosts",
)
HOST_STEP_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "deployment_id",
    "service",
    "region",
    "host_id",
    "action",
    "attempt",
    "version",
    "step",
    "ok",
    "duration_ms",
    "detail",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    RELEASES: RELEASE_COLUMNS,
    DEPLOYMENT_EVENTS: DEPLOYMENT_EVENT_COLUMNS,
    HOST_STEPS: HOST_STEP_COLUMNS,
}

_KINDS: dict[type[Record], str] = {
    dp.DeploymentQueued: "queued",
    dp.DeploymentStarted: "started",
    dp.RollbackStarted: "rollback_started",
    dp.DeploymentSucceeded: "succeeded",
    dp.DeploymentRolledBack: "rolled_back",
    dp.DeploymentDequeued: "dequeued",
}


def clickhouse_rows(record: Record, message: LogRecord) -> list[tuple[str, dict[str, Any]]]:
    """The (table, row as a dict by column) pairs one deploy record adds."""
    return rows_by_column(COLUMNS, rows_of, record, message)


def rows_of(model: type[Record], value: Value, message: LogRecord) -> list[Row]:
    """The (table, row) pairs a decoded record adds; [] for the rest (the
    archive keeps every record)."""
    if model is dp.HostStepReported:
        return [(HOST_STEPS, _host_step_row(value, message))]
    kind = _KINDS.get(model)
    if kind is not None:
        return [(DEPLOYMENT_EVENTS, _deployment_event_row(kind, value, message))]
    if model is dp.ReleaseCreated:
        return [(RELEASES, _release_row(value, message))]
    return []


def _release_row(v: Value, message: LogRecord) -> tuple[Any, ...]:
    artifact = v["artifact"]
    return (
        *position(v, message),
        v["release_id"],
        v["service"],
        v["version"],
        v["source"],
        v["repo"],
        v["commit"],
        v.get("committed_at_ms"),
        artifact["digest"],
        artifact["size_bytes"],
        v["actor"],
    )


def _deployment_event_row(kind: str, v: Value, message: LogRecord) -> tuple[Any, ...]:
    get = v.get
    # A start is at its own start time; the other facts say when (at_ms).
    at_ms = get("at_ms")
    if at_ms is None:
        at_ms = get("started_at_ms") or v["envelope"]["recorded_at"] // 1000
    return (
        *position(v, message),
        v["deployment_id"],
        v["service"],
        kind,
        get("release_id") or "",
        get("version") or "",
        get("previous_version") or "",
        get("actor") or "",
        get("committed_at_ms"),
        get("started_at_ms"),
        at_ms,
        get("reason") or "",
        int(bool(get("aborted"))),
        get("hosts") or 0,
    )


def _host_step_row(v: Value, message: LogRecord) -> tuple[Any, ...]:
    return (
        *position(v, message),
        v["deployment_id"],
        v["service"],
        v["region"],
        v["host_id"],
        v["action"],
        v["attempt"],
        v["version"],
        v["step"],
        int(v["ok"]),
        v["duration_ms"],
        v["detail"],
    )
