"""The exchange's projection: live models in Redis, analytics in ClickHouse.

Writes: projections/exchange_redis.py (keys in exchange_keys.py).
Tables: projections/exchange_clickhouse.py. Reads: projections/exchange_read.py.
"""

from __future__ import annotations

from infra import topics
from projections import exchange_clickhouse, exchange_redis
from projections.projection import Projection

EXCHANGE = Projection(
    name="exchange",
    ddl=exchange_clickhouse.DDL,
    columns=exchange_clickhouse.COLUMNS,
    writes_of=exchange_redis.writes_of,
    rows_of=exchange_clickhouse.rows_of,
)

# Every exchange topic is archived; the read models use the facts on
# orders, market, fills and accounts (commands and admin make no writes).
TOPICS: tuple[str, ...] = tuple(spec.name for spec in topics.EXCHANGE_TOPICS)
