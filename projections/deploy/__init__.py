"""The deployment system's projection: live status in Redis, history, step
durations and DORA figures in ClickHouse.

Writes: projections/deploy/redis.py (keys in keys.py).
Tables: projections/deploy/clickhouse.py; DORA and duration queries: dora.py.
Reads: projections/deploy/read.py.
"""

from __future__ import annotations

from projections.deploy import clickhouse, keys, redis
from projections.projection import Projection
from schemas.deploy import topics

PROJECTION = Projection(
    name="deploy",
    # Every deploy topic is archived; the read models use the facts, the
    # host steps, the builds and the commands that name a release or a
    # deployment before the orchestrator answers. Instructions and clock
    # ticks make no writes.
    topics=tuple(spec.name for spec in topics.DEPLOY_TOPICS),
    redis_keys=keys.READ_MODEL,
    ddl=clickhouse.DDL,
    columns=clickhouse.COLUMNS,
    writes_of=redis.writes_of,
    rows_of=clickhouse.rows_of,
)
