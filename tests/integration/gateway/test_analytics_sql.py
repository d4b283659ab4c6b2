"""POST /v1/analytics/sql: the gateway in process, forwarding to the
projector's real SQL endpoint (uvicorn, on its own port) over real chDB."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import uvicorn

from gateway.auth import create_api_key
from infra.settings import Settings
from projections.analytics_app import create_analytics_app
from projections.analytics_token import analytics_token
from projections.clickhouse import ChdbClickHouse
from projections.replay import clickhouse_digests
from tests.integration.gateway.conftest import problem, running_gateway
from tests.support.analytics import exchange_analytics
from tests.support.ports import free_port

pytestmark = pytest.mark.integration

SQL = "/v1/analytics/sql"
TRADES_BY_SYMBOL = "SELECT symbol, count() FROM trades FINAL GROUP BY symbol"


@pytest.fixture
def clickhouse(tmp_path: Path) -> Iterator[ChdbClickHouse]:
    ch = exchange_analytics(tmp_path / "chdb", "a_" + uuid.uuid4().hex[:12])
    yield ch
    ch.close()


@pytest.fixture
def projector_sql(gateway_settings: Settings, clickhouse: ChdbClickHouse) -> Iterator[str]:
    """The projector's SQL endpoint, served as the projector serves it."""
    port = free_port()
    app = create_analytics_app(clickhouse, analytics_token(gateway_settings.state_dir))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the analytics endpoint did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def analytics_settings(
    gateway_settings: Settings, clickhouse: ChdbClickHouse, projector_sql: str
) -> Settings:
    return replace(gateway_settings, analytics_url=projector_sql, namespace=clickhouse.database)


@pytest.fixture
async def client(analytics_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running_gateway(analytics_settings) as client:
        yield client


def _key(settings: Settings, *scopes: str) -> dict[str, str]:
    secret = create_api_key(settings.api_keys_file, "a-" + uuid.uuid4().hex[:12], scopes)
    return {"Authorization": f"Bearer {secret}"}


async def test_an_analyst_key_gets_rows(
    client: httpx.AsyncClient, analytics_settings: Settings
) -> None:
    analyst = _key(analytics_settings, "analytics:read")
    response = await client.post(SQL, json={"query": TRADES_BY_SYMBOL}, headers=analyst)
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    assert rows and all(row["symbol"] and row["count()"] > 0 for row in rows)


async def test_a_request_without_a_key_or_the_scope_is_refused(
    client: httpx.AsyncClient, analytics_settings: Settings
) -> None:
    anonymous = await client.post(SQL, json={"query": TRADES_BY_SYMBOL})
    assert anonymous.status_code == 401
    assert problem(anonymous)["type"].endswith("/unauthenticated")
    trader = _key(analytics_settings, "exchange:read", "exchange:write")
    unscoped = await client.post(SQL, json={"query": TRADES_BY_SYMBOL}, headers=trader)
    assert unscoped.status_code == 403
    assert "analytics:read" in problem(unscoped)["detail"]


async def test_refusals_name_the_query_and_why(
    client: httpx.AsyncClient, analytics_settings: Settings, tmp_path: Path
) -> None:
    analyst = _key(analytics_settings, "analytics:read")
    target = tmp_path / "written-through-the-gateway"
    for query, reason in (
        (f"SELECT 'x' INTO OUTFILE '{target}'", "INTO OUTFILE"),
        ("SELECT * FROM file('/etc/passwd', 'LineAsString')", "file"),
        ("SELECT * FROM url('http://127.0.0.1:9/', 'LineAsString')", "url"),
        ("SELECT * FROM system.one", "outside this namespace"),
        ("SELECT count() FROM trades SETTINGS max_execution_time = 0", "SETTINGS"),
        ("DROP TABLE trades", "only SELECT"),
    ):
        response = await client.post(SQL, json={"query": query}, headers=analyst)
        body = problem(response)
        assert response.status_code == 422, (query, body)
        assert body["type"].endswith("/query-refused")
        assert reason in body["detail"]
        assert [e["field"] for e in body["errors"]] == ["query"]
    missing = await client.post(SQL, json={"sql": "SELECT 1"}, headers=analyst)
    assert missing.status_code == 422
    assert "query" in [e["field"] for e in problem(missing)["errors"]]
    assert not target.exists()


async def test_the_projector_port_refuses_a_request_without_the_token(
    projector_sql: str, analytics_settings: Settings
) -> None:
    async with httpx.AsyncClient(base_url=projector_sql, timeout=10) as direct:
        anonymous = await direct.post("/sql", json={"query": TRADES_BY_SYMBOL})
        guessed = await direct.post(
            "/sql", json={"query": TRADES_BY_SYMBOL}, headers={"Authorization": "Bearer guess"}
        )
    for response in (anonymous, guessed):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert "rows" not in response.json()


def test_replay_reads_the_live_namespace_through_the_endpoint(
    analytics_settings: Settings, clickhouse: ChdbClickHouse
) -> None:
    digests = clickhouse_digests(analytics_settings, clickhouse.database)
    assert set(digests) == {str(t["name"]) for t in clickhouse.tables()}
    assert digests["trades"].startswith("2 rows, hash ")


async def test_an_unreachable_projector_is_a_503(gateway_settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{sock.getsockname()[1]}"  # bound, not listening
        settings = replace(gateway_settings, analytics_url=nobody)
        async with running_gateway(settings) as client:
            analyst = _key(settings, "analytics:read")
            response = await client.post(SQL, json={"query": "SELECT 1"}, headers=analyst)
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert problem(response)["type"].endswith("/analytics-unavailable")
