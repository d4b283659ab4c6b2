"""The SQL endpoint of the process that owns chDB: `POST /sql` runs one
analyst's query (checked and bounded by ClickHouse.query_read_only) and
answers its rows as JSON; anything else is a problem+json that says why.

It is internal: a caller must send the platform's analytics token
(projections/analytics_token.py) as `Authorization: Bearer <token>`; analysts
come through the gateway, which checks their API key and scope.

    POST /sql   {"query": "SELECT ..."}  ->  {"rows": [{...}, ...]}
    POST /digests                         ->  {"namespace": ..., "digests": {table: ...}}
    GET  /healthz                         ->  {"status": "ok", "namespace": ...}

`/digests` is the operator's (verify's): the namespace's table digests
(projections/digests.py), fixed queries on a connection of their own with a
bound of their own, not an analyst's query under the analysts' limits.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from projections.analytics_token import presents_token
from projections.clickhouse import (
    AnalystsBusy,
    ClickHouse,
    OperatorBusy,
    QueryFailed,
    QueryOverLimit,
    QueryRefused,
)
from projections.digests import table_digests

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE = "https://onelog.dev/problems/"


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if field:
        body["field"] = field
    return Response(json.dumps(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _unauthenticated() -> Response:
    return problem(
        401,
        "unauthenticated",
        "Unauthorized",
        "send the platform's analytics token as 'Authorization: Bearer <token>'",
        headers={"WWW-Authenticate": 'Bearer realm="onelog-analytics"'},
    )


def create_analytics_app(clickhouse: ClickHouse, token: str) -> Starlette:
    async def sql(request: Request) -> Response:
        if not presents_token(request.headers.get("authorization"), token):
            return _unauthenticated()
        try:
            body = await request.json()
        except ValueError:
            return problem(400, "malformed-json", "Body is not JSON", 'send {"query": "..."}')
        query = body.get("query") if isinstance(body, dict) else None
        if not isinstance(query, str) or not query.strip():
            return problem(422, "validation", "Missing query", "a SQL string", "query")
        try:
            rows = await run_in_threadpool(clickhouse.query_read_only, query)
        except QueryRefused as exc:
            return problem(422, "query-refused", "Query refused", str(exc), "query")
        except QueryOverLimit as exc:
            return problem(422, "query-over-limit", "Query over a limit", str(exc), "query")
        except QueryFailed as exc:
            return problem(422, "query-failed", "Query failed", str(exc), "query")
        except AnalystsBusy as exc:
            return problem(503, "analytics-busy", "Busy", str(exc), headers={"Retry-After": "5"})
        return JSONResponse({"rows": rows})

    async def digests(request: Request) -> Response:
        if not presents_token(request.headers.get("authorization"), token):
            return _unauthenticated()
        try:
            found = await run_in_threadpool(
                table_digests, clickhouse.operator_read, clickhouse.database
            )
        except OperatorBusy as exc:
            return problem(503, "digests-busy", "Busy", str(exc), headers={"Retry-After": "30"})
        except QueryFailed as exc:
            return problem(500, "digests-failed", "Digests failed", str(exc))
        return JSONResponse({"namespace": clickhouse.database, "digests": found})

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok", "namespace": clickhouse.database})

    return Starlette(
        routes=[
            Route("/sql", sql, methods=["POST"]),
            Route("/digests", digests, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )
