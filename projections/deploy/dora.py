"""The four DORA figures and step durations as query text: what the gateway
sends to the analytics SQL endpoint and what a person may paste into
`onelog sql`. Plain SELECTs over the namespace's tables named bare, as the
analyst check (projections/analyst_sql.py) asks; tables in clickhouse.py.
"""

from __future__ import annotations


def sql_string(text: str) -> str:
    """A ClickHouse string literal of `text` (quotes and backslashes escaped)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _where_service(service: str | None, column: str = "service") -> str:
    return "" if service is None else f"WHERE {column} = {sql_string(service)}"


def dora_sql(service: str | None = None) -> str:
    """Per service and ISO week (its Monday, UTC, of the day the deployment
    ended), one row with:

    - `deployments`: deployment frequency, the deployments that succeeded;
    - `lead_time_ms`: the median of succeeded.at - committed_at over the
      week's succeeded releases built from git (NULL when there were none);
    - `change_failure_rate`: deployments rolled back / deployments ended
      (succeeded or rolled back; a deployment rolled back after it had
      succeeded counts once, as rolled back);
    - `time_to_restore_ms`: the median time from a rollback's start
      (RollbackStarted) to its DeploymentRolledBack, over the week's
      rollbacks (NULL when there were none). It measures how long the
      service ran a mix of versions, not a failed deployment's distance to
      the next good one.

    `service=None` gives every service. Weeks with no deployment end have no row.
    """
    return f"""
WITH
    rollbacks AS (
        SELECT deployment_id, max(at_ms) AS rollback_started_at_ms
        FROM deployment_events FINAL
        WHERE kind = 'rollback_started'
        GROUP BY deployment_id
    ),
    ends AS (
        SELECT
            h.service AS service,
            h.deployment_id AS deployment_id,
            h.outcome AS outcome,
            h.ended_at_ms AS ended_at_ms,
            if(h.outcome = 'succeeded' AND h.source = 'git', h.committed_at_ms, NULL)
                AS committed_at_ms,
            if(h.outcome = 'rolled_back' AND rb.rollback_started_at_ms > 0,
               h.ended_at_ms - rb.rollback_started_at_ms, NULL) AS restore_ms
        FROM deployment_history AS h
        LEFT JOIN rollbacks AS rb ON rb.deployment_id = h.deployment_id
    )
SELECT
    service,
    toMonday(toDate(fromUnixTimestamp64Milli(ended_at_ms, 'UTC'))) AS week,
    toISOWeek(week) AS iso_week,
    toISOYear(week) AS iso_year,
    countIf(outcome = 'succeeded') AS deployments,
    if(count(committed_at_ms) = 0, NULL,
       toInt64(quantileExact(0.5)(ended_at_ms - committed_at_ms))) AS lead_time_ms,
    round(uniqExactIf(deployment_id, outcome = 'rolled_back') / uniqExact(deployment_id), 4)
        AS change_failure_rate,
    if(count(restore_ms) = 0, NULL, toInt64(quantileExact(0.5)(restore_ms)))
        AS time_to_restore_ms
FROM ends
{_where_service(service)}
GROUP BY service, week
ORDER BY service, week
"""


def step_durations_sql(service: str | None = None) -> str:
    """Per service, action (install, restore) and step: how many, how many
    failed, and the duration percentiles (p50, p90, p99, max) in ms."""
    return f"""
SELECT service, action, step, steps, failed, p50_ms, p90_ms, p99_ms, max_ms
FROM step_durations
{_where_service(service)}
ORDER BY service, action, step
"""


def history_sql(service: str, limit: int = 100) -> str:
    """The service's ended deployments, newest first: outcome, version,
    commit, deployer, start and end."""
    return f"""
SELECT deployment_id, outcome, version, previous_version, commit, committed_at_ms,
       deployer, started_at_ms, ended_at_ms, reason, aborted
FROM deployment_history
WHERE service = {sql_string(service)}
ORDER BY ended_at_ms DESC, deployment_id DESC
LIMIT {max(int(limit), 0)}
"""
