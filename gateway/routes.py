"""Every HTTP operation of the gateway, declared once as data.

The Starlette routes and /openapi.json are both derived from this table, so a
route cannot exist without being documented.
"""

from __future__ import annotations

from starlette.routing import Route

from gateway import exchange_reads, health
from gateway.batch import batch_endpoint
from gateway.exchange_commands import ADMIN, COMMANDS, READ, WRITE
from gateway.metrics import metrics_endpoint
from gateway.openapi import openapi_endpoint
from gateway.operation import Operation
from gateway.writes import command_endpoint

EXCHANGE = "/v1/exchange"


_WRITE_RESPONSES = {
    202: "accepted: Kafka acknowledged the record (event_id, topic, partition, offset)",
    400: "malformed JSON or header",
    401: "missing or invalid API key",
    403: "the key lacks the scope",
    409: "Idempotency-Key reused for another request, or still in flight",
    413: "body too large",
    415: "not JSON",
    422: "invalid fields, named in `errors`",
    429: "rate limited (Retry-After)",
    503: "Kafka did not acknowledge (Retry-After)",
}
_READ_RESPONSES = {
    200: "found",
    401: "missing or invalid API key",
    403: "the key lacks the scope",
    404: "unknown",
    422: "invalid parameters",
    429: "rate limited (Retry-After)",
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
        )
        for c in COMMANDS
    ]


def operations() -> list[Operation]:
    return [
        *_command_operations(),
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
        Operation("GET", "/healthz", health.healthz, "The process is up", responses={200: "up"}),
        Operation("GET", "/readyz", health.readyz, "Kafka and Redis are reachable",
                  responses={200: "ready", 503: "not ready"}),
        Operation("GET", "/metrics", metrics_endpoint, "Prometheus metrics",
                  responses={200: "metrics"}, response_media_type="text/plain"),
        Operation("GET", "/openapi.json", openapi_endpoint, "This document",
                  responses={200: "OpenAPI 3.1"}),
    ]  # fmt: skip


def starlette_routes(ops: list[Operation]) -> list[Route]:
    # A path may appear twice (GET and DELETE /orders/{order_id}): Starlette
    # takes the route whose method matches and answers 405 only if none does.
    return [
        Route(op.path, op.endpoint, methods=[op.method], name=op.endpoint.__name__) for op in ops
    ]
