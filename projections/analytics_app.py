"""The analysts' endpoint of the process that owns chDB: `POST /sql` runs one
read-only query and answers its rows as JSON; anything else is a 400
problem+json that says why.

    POST /sql   {"query": "SELECT ..."}  ->  {"rows": [{...}, ...]}
    GET  /healthz                         ->  {"status": "ok", "namespace": ...}
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from projections.clickhouse import ClickHouse, QueryFailed, QueryRefused

PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str, field: str | None = None) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if field:
        body["field"] = field
    return Response(json.dumps(body), status_code=status, media_type=PROBLEM_JSON)


def create_analytics_app(clickhouse: ClickHouse) -> Starlette:
    async def sql(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return problem(400, "Body is not JSON", 'send {"query": "SELECT ..."}')
        query = body.get("query") if isinstance(body, dict) else None
        if not isinstance(query, str) or not query.strip():
            return problem(400, "Missing query", '"query" must be a SQL string', "query")
        try:
            rows = await run_in_threadpool(clickhouse.query_read_only, query)
        except QueryRefused as exc:
            return problem(400, "Query refused", str(exc), "query")
        except QueryFailed as exc:
            return problem(400, "Query failed", str(exc), "query")
        return JSONResponse({"rows": rows})

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok", "namespace": clickhouse.database})

    return Starlette(
        routes=[Route("/sql", sql, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])]
    )
