"""Every HTTP operation of the gateway, declared once as data.

The Starlette routes and /openapi.json are both derived from this table, so a
route cannot exist without being documented.
"""

from __future__ import annotations

from starlette.routing import Route

from gateway import analytics, health
from gateway.domain import gateway_domains
from gateway.metrics import metrics_endpoint
from gateway.openapi import openapi_endpoint
from gateway.operation import Endpoint, Operation, allowed_methods, path_endpoint


def operations() -> list[Operation]:
    """Every domain's operations (`GatewayDomain.operations`), in the list's
    order, then the gateway's own."""
    return [
        *(op for domain in gateway_domains() for op in domain.operations()),
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
