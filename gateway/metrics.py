"""Prometheus metrics of one gateway app, and the ASGI middleware that records
request counts and latency by route template (not raw path: an order id in a
label would grow the series without bound)."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_TYPE = CONTENT_TYPE_LATEST


class GatewayMetrics:
    """One registry per app, so several apps in one process (tests) do not collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "onelog_gateway_requests_total",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "onelog_gateway_request_seconds",
            "time to answer an HTTP request",
            ["method", "route"],
            registry=self.registry,
        )
        self.produce_latency = Histogram(
            "onelog_gateway_produce_seconds",
            "time from produce to Kafka's acknowledgement",
            ["topic"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.produce_failures = Counter(
            "onelog_gateway_produce_failures_total",
            "records Kafka did not acknowledge",
            ["topic"],
            registry=self.registry,
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class RequestMetrics:
    def __init__(self, app: ASGIApp, metrics: GatewayMetrics) -> None:
        self.app = app
        self.metrics = metrics
        self._by_labels: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = scope.get("route")
            # Unmatched paths share one label for the same reason.
            template = getattr(route, "path", None) or "unmatched"
            count, latency = self._series(scope["method"], template, status)
            count.inc()
            latency.observe(time.perf_counter() - started)

    def _series(self, method: str, template: str, status: int) -> tuple[Counter, Histogram]:
        # labels() takes a lock and builds a key each time: keep its answers.
        series = self._by_labels.get((method, template, status))
        if series is None:
            series = (
                self.metrics.requests.labels(method, template, str(status)),
                self.metrics.latency.labels(method, template),
            )
            self._by_labels[(method, template, status)] = series
        return series


async def metrics_endpoint(request: Request) -> Response:
    metrics: GatewayMetrics = request.app.state.metrics
    return Response(metrics.exposition(), media_type=CONTENT_TYPE)
