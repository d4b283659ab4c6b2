"""The four DORA figures of a service per ISO week, from ClickHouse through
the analytics endpoint (gateway/analytics.py), as an analyst's query would
ask: the SQL is the projection's (projections/deploy/dora.py), so `onelog
sql` and this route cannot disagree."""

from __future__ import annotations

from typing import Any

import orjson

from gateway.analytics import AnalyticsEndpoint
from projections.deploy.dora import dora_sql


async def dora_rows(endpoint: AnalyticsEndpoint, service: str) -> list[dict[str, Any]]:
    """The figures per week (a 503 problem if ClickHouse is away)."""
    answer = orjson.loads(await endpoint.rows(dora_sql(service)))
    rows: list[dict[str, Any]] = answer.get("rows", [])
    return rows
