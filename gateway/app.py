"""The gateway's Starlette app, assembled declaratively.

`uvicorn gateway.app:create_app --factory` serves it. Nothing connects at
import time or in create_app: the Kafka producer and the Redis client open in
the lifespan and reach handlers as `request.state.services`; the client of the
projector's SQL endpoint, as `request.state.analytics`.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from typing import TypedDict

from redis.exceptions import RedisError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from gateway.analytics import (
    ANALYTICS,
    MAX_SQL_BODY_BYTES,
    AnalyticsEndpoint,
    open_analytics_endpoint,
)
from gateway.body_deadline import BodyDeadline
from gateway.body_limit import BodySizeLimit
from gateway.config import GatewayConfig, load_gateway_config
from gateway.domain import gateway_domains
from gateway.metrics import GatewayMetrics, RequestMetrics
from gateway.openapi import openapi_document
from gateway.problems import (
    Problem,
    handle_http_exception,
    handle_problem,
    handle_store_unavailable,
    handle_unexpected,
)
from gateway.routes import operations, starlette_routes
from gateway.services import Services, open_services
from infra.settings import Settings
from infra.settings import settings as process_settings


class State(TypedDict):
    services: Services
    analytics: AnalyticsEndpoint


def create_app(settings: Settings | None = None, config: GatewayConfig | None = None) -> Starlette:
    settings = settings or process_settings()
    config = config or load_gateway_config(settings)
    metrics = GatewayMetrics()
    ops = operations()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        async with (
            open_services(settings, config, metrics) as services,
            open_analytics_endpoint(settings) as analytics,
        ):
            yield {"services": services, "analytics": analytics}

    app = Starlette(
        routes=starlette_routes(ops),
        middleware=[
            Middleware(RequestMetrics, metrics=metrics),
            Middleware(BodyDeadline, timeout_s=config.body_timeout_s),
            Middleware(
                BodySizeLimit,
                default_limit=config.max_body_bytes,
                limits_by_path={
                    **{
                        path: limit
                        for domain in gateway_domains()
                        for path, limit in domain.body_limits(config).items()
                    },
                    ANALYTICS + "/sql": MAX_SQL_BODY_BYTES,
                },
            ),
        ],
        exception_handlers={
            Problem: handle_problem,
            HTTPException: handle_http_exception,
            RedisError: handle_store_unavailable,
            Exception: handle_unexpected,
        },
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    app.state.openapi = openapi_document(ops)
    app.state.process = secrets.token_hex(6)
    return app
