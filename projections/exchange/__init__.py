"""The exchange's projection: live models in Redis, analytics in ClickHouse.

Writes: projections/exchange/redis.py (keys in keys.py).
Tables: projections/exchange/clickhouse.py. Reads: projections/exchange/read.py.
"""

from __future__ import annotations

from projections.exchange import clickhouse, keys, redis
from projections.projection import Projection
from schemas.exchange import topics

PROJECTION = Projection(
    name="exchange",
    # Every exchange topic is archived; the read models use the facts on
    # orders, market, fills and accounts (commands and admin make no writes).
    topics=tuple(spec.name for spec in topics.EXCHANGE_TOPICS),
    redis_keys=keys.READ_MODEL,
    ddl=clickhouse.DDL,
    columns=clickhouse.COLUMNS,
    writes_of=redis.writes_of,
    rows_of=clickhouse.rows_of,
)
