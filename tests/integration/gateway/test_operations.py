"""/healthz, /readyz, /metrics, /openapi.json; and the factory under a real uvicorn."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.gateway.conftest import Gateway, unique

pytestmark = pytest.mark.integration


async def test_health_and_readiness(gateway: Gateway) -> None:
    assert (await gateway.client.get("/healthz")).json() == {"status": "ok"}
    ready = await gateway.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"kafka": "ok", "redis": "ok"}


async def test_metrics_count_requests_by_route_and_produce_latency(gateway: Gateway) -> None:
    account = unique()
    await gateway.client.post(
        f"/v1/exchange/accounts/{account}/deposits", json={"amount": 1}, headers=gateway.key()
    )
    await gateway.client.post(f"/v1/exchange/accounts/{account}/deposits", json={"amount": 1})
    text = (await gateway.client.get("/metrics")).text
    route = 'route="/v1/exchange/accounts/{account_id}/deposits"'
    assert f'onelog_gateway_requests_total{{method="POST",{route},status="202"}} 1.0' in text
    assert f'onelog_gateway_requests_total{{method="POST",{route},status="401"}} 1.0' in text
    assert account not in text
    assert 'onelog_gateway_produce_seconds_count{topic="exchange.commands"} 1.0' in text
    assert "onelog_gateway_request_seconds_bucket" in text


async def test_openapi_lists_the_exchange_routes(gateway: Gateway) -> None:
    document = (await gateway.client.get("/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert set(paths["/v1/exchange/orders/{order_id}"]) == {"get", "delete"}
    assert "/v1/exchange/market/{symbol}/stream" in paths
    assert "/v1/exchange/batch" in paths


async def test_the_factory_serves_under_uvicorn(uvicorn_gateway: tuple[str, str]) -> None:
    url, secret = uvicorn_gateway
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        response = await client.post(
            f"/v1/exchange/accounts/{unique()}/deposits", json={"amount": 3},
            headers={"Authorization": f"Bearer {secret}"},
        )  # fmt: skip
        assert response.status_code == 202, response.text
        assert (await client.get("/readyz")).status_code == 200
