"""POST /v1/analytics/sql: an analyst's read-only SQL, for keys with the
analytics:read scope.

The gateway checks the key, the scope and the body, then forwards the query
to the projector that owns ClickHouse (projections/analytics_app.py) with the
platform's analytics token. The projector decides what may run and bounds it
(projections/analyst_sql.py), so the rules hold for every way in; its
refusals come back as problem+json naming the field `query`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from gateway.json_body import check_media_type, parse_object
from gateway.problems import Problem, invalid
from gateway.services import admitted
from infra.settings import Settings
from projections.analytics_token import analytics_token
from projections.clickhouse import AnalystLimits

ANALYTICS = "/v1/analytics"
READ = "analytics:read"

log = logging.getLogger("onelog.gateway.analytics")

# The projector may hold a query for one bound while another runs, then run
# it for one more: wait that long, and a little, before answering 503.
_BOUND_S = AnalystLimits().max_execution_time_s
FORWARD_TIMEOUT = httpx.Timeout(2 * _BOUND_S + 10, connect=2.0)
_RETRY_AFTER = {"Retry-After": "5"}
MAX_QUERY_CHARS = 32_768
# A query at its longest still fits when JSON escapes every character as a
# surrogate pair (12 bytes): a query too long is a 422 naming it, not a 413.
MAX_SQL_BODY_BYTES = 12 * MAX_QUERY_CHARS + 4096


class SqlQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    query: str = Field(
        min_length=1,
        max_length=MAX_QUERY_CHARS,
        description=(
            "one SELECT, SHOW TABLES or SHOW COLUMNS over the analytics tables "
            "(SHOW TABLES lists them); no SETTINGS, FORMAT or INTO OUTFILE"
        ),
    )


class AnalyticsEndpoint:
    """The projector's SQL endpoint, as the gateway reaches it."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def rows(self, query: str) -> bytes:
        """The answer's JSON ({"rows": [...]}) as the projector sent it, or a Problem."""
        try:
            response = await self._client.post("/sql", json={"query": query})
        except httpx.TimeoutException as exc:
            raise _unavailable("did not answer in time") from exc
        except httpx.TransportError as exc:
            raise _unavailable("is unreachable") from exc
        if response.status_code == 200:
            return response.content
        if response.status_code == 401:
            log.error("the projector refused the gateway's analytics token (another state folder?)")
            raise _unavailable("refused the gateway")
        raise _problem_of(response)


def _unavailable(what: str) -> Problem:
    return Problem(
        503,
        "analytics-unavailable",
        f"the analytics endpoint {what}; retry shortly",
        headers=_RETRY_AFTER,
    )


def _problem_of(response: httpx.Response) -> Problem:
    try:
        body: dict[str, Any] = response.json()
        slug = str(body["type"]).rsplit("/", 1)[-1]
        detail = str(body["detail"])
    except (ValueError, KeyError, TypeError):
        return _unavailable(f"answered {response.status_code}")
    if response.status_code >= 500:
        retry = {"Retry-After": response.headers.get("retry-after", "5")}
        return Problem(503, slug, detail, headers=retry)
    errors = []
    if body.get("field") == "query":
        errors.append({"pointer": "#/query", "field": "query", "detail": detail})
    return Problem(response.status_code, slug, detail, errors=errors)


@contextlib.asynccontextmanager
async def open_analytics_endpoint(settings: Settings) -> AsyncIterator[AnalyticsEndpoint]:
    token = analytics_token(settings.state_dir)
    async with httpx.AsyncClient(
        base_url=settings.analytics_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=FORWARD_TIMEOUT,
    ) as client:
        yield AnalyticsEndpoint(client)


async def sql_query(request: Request) -> Response:
    """{"rows": [{column: value, ...}, ...]}"""
    await admitted(request, READ)
    check_media_type(request.headers.get("content-type"))
    body = parse_object(await request.body())
    try:
        query = SqlQuery.model_validate(body).query
    except ValidationError as exc:
        raise invalid(exc) from exc
    endpoint: AnalyticsEndpoint = request.state.analytics
    return Response(await endpoint.rows(query), media_type="application/json")
