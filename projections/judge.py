"""The judge's projection: live models in Redis, analytics in ClickHouse.

Writes: projections/judge_redis.py (keys in judge_keys.py).
Tables: projections/judge_clickhouse.py. Reads: projections/judge_read.py.
"""

from __future__ import annotations

from infra import topics
from projections import judge_clickhouse, judge_redis
from projections.projection import Projection

JUDGE = Projection(
    name="judge",
    ddl=judge_clickhouse.DDL,
    columns=judge_clickhouse.COLUMNS,
    writes_of=judge_redis.writes_of,
    rows_of=judge_clickhouse.rows_of,
)

# Problems, learners' commands (a submission is queued, attempts counted)
# and the judge's facts: all three are projected and archived.
TOPICS: tuple[str, ...] = tuple(
    spec.name for spec in (topics.JUDGE_PROBLEMS, topics.JUDGE_COMMANDS, topics.JUDGE_EVENTS)
)
