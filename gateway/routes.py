"""Every HTTP operation of the gateway, declared once as data.

The Starlette routes and /openapi.json are both derived from this table, so a
route cannot exist without being documented.
"""

from __future__ import annotations

from starlette.routing import Route

from gateway import analytics, exchange_reads, health, judge_commands, judge_reads
from gateway.batch import batch_endpoint
from gateway.exchange_commands import ADMIN, COMMANDS, READ, WRITE
from gateway.judge_requests import ProblemQuery, ProblemsQuery, ProgressQuery, SubmissionQuery
from gateway.judge_writes import judge_command_endpoint
from gateway.metrics import metrics_endpoint
from gateway.openapi import openapi_endpoint
from gateway.operation import Endpoint, Operation, allowed_methods, path_endpoint
from gateway.writes import command_endpoint

EXCHANGE = "/v1/exchange"
JUDGE = "/v1/judge"


_WRITE_RESPONSES = {
    202: "accepted: Kafka acknowledged the record (event_id, topic, partition, offset)",
    400: "malformed JSON or header",
    401: "missing or invalid API key",
    403: "the key lacks the scope, or does not act for the object's account or learner",
    408: "the body did not arrive in time",
    409: "Idempotency-Key reused for another request, or still in flight",
    413: "body too large",
    415: "not JSON",
    422: "invalid fields, named in `errors`",
    429: "rate limited (Retry-After)",
    503: "not accepted: Kafka did not acknowledge, Redis did not answer in time, or the "
    "gateway is overloaded (Retry-After)",
}
_READ_RESPONSES = {
    200: "found",
    401: "missing or invalid API key",
    403: "the key lacks the scope, or does not act for the object's account or learner",
    404: "unknown",
    422: "invalid parameters",
    429: "rate limited (Retry-After)",
    503: "Redis did not answer in time (Retry-After)",
}


def _command_operations() -> list[Operation]:
    return [
        Operation(
            c.method,
            EXCHANGE + c.path,
            command_endpoint(c),
            c.summary,
            scope=c.scope,
            body=c.request,
            parameters=c.path_params,
            responses=_WRITE_RESPONSES,
            idempotency_key=True,
        )
        for c in COMMANDS
    ]


def _judge_operations() -> list[Operation]:
    writes = [
        Operation(
            c.method,
            JUDGE + c.path,
            judge_command_endpoint(c),
            c.summary,
            scope=c.scope,
            body=c.request,
            parameters=c.path_params,
            responses=_WRITE_RESPONSES,
            idempotency_key=True,
        )
        for c in judge_commands.COMMANDS
    ]
    read = judge_commands.READ
    return [
        *writes,
        Operation("GET", JUDGE + "/problems", judge_reads.problems,
                  "Problems by id, a page at a time (next_cursor), by difficulty or category",
                  scope=read, parameters=ProblemsQuery, responses=_READ_RESPONSES),
        Operation("GET", JUDGE + "/problems/{problem_id}", judge_reads.problem,
                  "A problem's latest revision: statement, samples, starter code",
                  scope=read, parameters=ProblemQuery, responses=_READ_RESPONSES),
        Operation("GET", JUDGE + "/submissions/{submission_id}", judge_reads.submission,
                  "A run or submission: queued, running test k of n, or its verdict and tests",
                  scope=read, parameters=SubmissionQuery, responses=_READ_RESPONSES),
        Operation("GET", JUDGE + "/submissions/{submission_id}/stream",
                  judge_reads.submission_stream,
                  "A submission's progress (SSE): a snapshot, then each test, then the verdict",
                  scope=read, parameters=SubmissionQuery, responses=_READ_RESPONSES,
                  response_media_type="text/event-stream"),
        Operation("GET", JUDGE + "/users/{user_id}/progress", judge_reads.progress,
                  "A learner's progress per problem: status, attempts, best runtime",
                  scope=read, parameters=ProgressQuery, responses=_READ_RESPONSES),
    ]  # fmt: skip


def operations() -> list[Operation]:
    return [
        *_command_operations(),
        *_judge_operations(),
        Operation(
            "POST",
            EXCHANGE + "/batch",
            batch_endpoint,
            "Many commands, one per NDJSON line: {\"command\": name, ...fields}",
            scope=f"{WRITE} (and {ADMIN} for admin lines)",
            body_media_type="application/x-ndjson",
            responses={200: "one NDJSON result line per input line", **_WRITE_RESPONSES},
            response_media_type="application/x-ndjson",
        ),
        Operation("GET", EXCHANGE + "/book/{symbol}", exchange_reads.book, "Order book depth",
                  scope=READ, parameters=exchange_reads.BookQuery, responses=_READ_RESPONSES),
        Operation("GET", EXCHANGE + "/trades/{symbol}", exchange_reads.trades, "Recent trades",
                  scope=READ, parameters=exchange_reads.TradesQuery, responses=_READ_RESPONSES),
        Operation("GET", EXCHANGE + "/accounts/{account_id}", exchange_reads.account,
                  "Balances and positions", scope=READ,
                  parameters=exchange_reads.AccountQuery, responses=_READ_RESPONSES),
        Operation("GET", EXCHANGE + "/orders/{order_id}", exchange_reads.order, "An order's state",
                  scope=READ, parameters=exchange_reads.OrderQuery, responses=_READ_RESPONSES),
        Operation("GET", EXCHANGE + "/market/{symbol}/stream", exchange_reads.market_stream,
                  "Live market data (SSE): a snapshot, then increments with seq", scope=READ,
                  parameters=exchange_reads.BookQuery, responses=_READ_RESPONSES,
                  response_media_type="text/event-stream"),
        Operation("POST", analytics.ANALYTICS + "/sql", analytics.sql_query,
                  "One read-only SQL query over the analytics tables: rows as JSON",
                  scope=analytics.READ, body=analytics.SqlQuery,
                  responses={200: "the rows", 400: "malformed JSON",
                             401: "missing or invalid API key", 403: "the key lacks the scope",
                             413: "body too large", 415: "not JSON",
                             422: "query invalid, refused or over a limit (field `query`)",
                             429: "rate limited (Retry-After)",
                             503: "analytics endpoint unavailable (Retry-After)"}),
        Operation("GET", "/healthz", health.healthz, "The process is up", responses={200: "up"}),
        Operation("GET", "/readyz", health.readyz, "Kafka and Redis are reachable",
                  responses={200: "ready", 503: "not ready"}),
        Operation("GET", "/metrics", metrics_endpoint, "Prometheus metrics",
                  responses={200: "metrics"}, response_media_type="text/plain"),
        Operation("GET", "/openapi.json", openapi_endpoint, "This document",
                  responses={200: "OpenAPI 3.1"}),
    ]  # fmt: skip


def starlette_routes(ops: list[Operation]) -> list[Route]:
    # One route per path (GET and DELETE /orders/{order_id} share one), so a
    # wrong method is a 405 whose Allow header lists all the path's methods.
    by_path: dict[str, dict[str, Endpoint]] = {}
    for op in ops:
        by_path.setdefault(op.path, {})[op.method] = op.endpoint
    routes = []
    for path, methods in by_path.items():
        endpoint = path_endpoint(methods)
        routes.append(
            Route(path, endpoint, methods=allowed_methods(methods), name=endpoint.__name__)
        )
    return routes
