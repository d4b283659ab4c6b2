"""The judge's projection: live models in Redis, analytics in ClickHouse.

Writes: projections/judge/redis.py (keys in keys.py).
Tables: projections/judge/clickhouse.py. Reads: projections/judge/read.py.
Live "running test k of n", written beside the read model and not part of
it: projections/judge/live_progress.py.
"""

from __future__ import annotations

from projections.judge import clickhouse, keys, redis
from projections.projection import Projection
from schemas.judge import topics

PROJECTION = Projection(
    name="judge",
    # Problems, learners' commands (a submission is queued, attempts counted)
    # and the judge's facts: all three are projected and archived.
    topics=tuple(
        spec.name for spec in (topics.JUDGE_PROBLEMS, topics.JUDGE_COMMANDS, topics.JUDGE_EVENTS)
    ),
    redis_keys=keys.READ_MODEL,
    ddl=clickhouse.DDL,
    columns=clickhouse.COLUMNS,
    writes_of=redis.writes_of,
    rows_of=clickhouse.rows_of,
)
