"""Kafka unreachable: 503 with Retry-After within seconds, never a 202."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from gateway.auth import create_api_key
from gateway.config import GatewayConfig
from infra.settings import Settings
from tests.integration.gateway.conftest import (
    ALL_SCOPES,
    problem,
    running_gateway,
    unique,
)
from tests.support.ports import free_port

pytestmark = pytest.mark.integration


async def test_dead_broker_is_a_fast_503(dead_kafka: Settings) -> None:
    secret = create_api_key(dead_kafka.api_keys_file, "dead-" + unique(), ALL_SCOPES)
    config = GatewayConfig(delivery_timeout_ms=1500, unavailable_retry_after_s=3)
    async with running_gateway(dead_kafka, config) as client:
        started = time.monotonic()
        response = await client.post(
            f"/v1/exchange/accounts/{unique()}/deposits", json={"amount": 5},
            headers={"Authorization": f"Bearer {secret}"},
        )  # fmt: skip
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response.headers["retry-after"] == "3"
        assert problem(response)["type"].endswith("kafka-unavailable")
        assert elapsed < 5, elapsed

        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"kafka": "unreachable", "redis": "ok"}
        assert (await client.get("/healthz")).status_code == 200


async def test_dead_redis_is_a_503_not_a_500(gateway_settings: Settings) -> None:
    settings = replace(gateway_settings, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    secret = create_api_key(settings.api_keys_file, "nored-" + unique(), ALL_SCOPES)
    async with running_gateway(settings, GatewayConfig(readiness_timeout_s=1.0)) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"kafka": "ok", "redis": "unreachable"}
        # Rate limits live in Redis: without it no command can be admitted.
        response = await client.post(
            f"/v1/exchange/accounts/{unique()}/deposits", json={"amount": 5},
            headers={"Authorization": f"Bearer {secret}"},
        )  # fmt: skip
        assert response.status_code == 503
        assert "retry-after" in response.headers
        problem(response)
