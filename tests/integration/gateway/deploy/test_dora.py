"""GET /v1/deploy/services/{service}/dora: the gateway in process, through
the projector's real SQL endpoint (uvicorn, on its own port) over a real
chDB holding the deploy tables as the projector fills them, answers the
four DORA figures of a service per week, as projections/deploy/dora.py
computes them; only for a key acting for that service."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from gateway.auth import create_api_key
from gateway.deploy.principal import SERVICE as PRINCIPAL
from infra.settings import Settings
from projections.archive import ARCHIVE_DDL
from projections.clickhouse import ChdbClickHouse
from projections.deploy import PROJECTION as DEPLOY
from projections.deploy.clickhouse import COLUMNS, rows_of
from projections.log_record import LogRecord
from tests.integration.gateway.conftest import problem, running_gateway, unique
from tests.integration.gateway.test_analytics_sql import analytics_settings, projector_sql
from tests.unit.projections.deploy.records import SERVICE, T1_MS, story
from tests.unit.projections.numbered_records import T0

pytestmark = pytest.mark.integration

# Fixtures: these use this module's `clickhouse` (the deploy tables).
__all__ = ["analytics_settings", "projector_sql"]


@pytest.fixture
def clickhouse(tmp_path: Path) -> Iterator[ChdbClickHouse]:
    """The deploy tables holding story(), inserted twice (the projector may
    read a record again)."""
    ch = ChdbClickHouse(tmp_path / "chdb", "d_" + uuid.uuid4().hex[:12])
    ch.execute(ARCHIVE_DDL)
    for ddl in DEPLOY.ddl:
        ch.execute(ddl)
    rows: dict[str, list[tuple[object, ...]]] = {}
    for offset, (topic, _, record) in enumerate(story().steps):
        message = LogRecord(topic, 0, offset, b"", b"", 0)
        for table, row in rows_of(type(record), record.model_dump(), message):
            rows.setdefault(table, []).append(row)
    for _ in range(2):
        for table, table_rows in rows.items():
            ch.insert(table, table_rows, COLUMNS[table])
    yield ch
    ch.close()


@pytest.fixture
async def client(analytics_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running_gateway(analytics_settings) as client:
        yield client


def key_for(
    settings: Settings, *services: str, scopes: tuple[str, ...] = ("deploy:read",)
) -> dict[str, str]:
    secret = create_api_key(settings.api_keys_file, unique("k"), scopes,
                            principals={PRINCIPAL.kind: services})  # fmt: skip
    return {"Authorization": f"Bearer {secret}"}


async def test_a_services_dora_figures_per_week(
    client: httpx.AsyncClient, analytics_settings: Settings
) -> None:
    response = await client.get(
        f"/v1/deploy/services/{SERVICE}/dora", headers=key_for(analytics_settings, SERVICE)
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["service"] == SERVICE
    (week,) = answer["weeks"]
    # d1 succeeded (started at T0, lead time from its commit at T1_MS), d2 rolled back.
    assert week["deployments"] == 1
    assert week["change_failure_rate"] == 0.5
    assert int(week["lead_time_ms"]) == T0 // 1000 + 10_000 - T1_MS  # succeeded 10 s after T0
    assert int(week["time_to_restore_ms"]) == 1000  # RollbackStarted +2 s, RolledBack +3 s


async def test_dora_is_for_the_services_a_key_acts_for(
    client: httpx.AsyncClient, analytics_settings: Settings
) -> None:
    stranger = key_for(analytics_settings, "another-service")
    refused = await client.get(f"/v1/deploy/services/{SERVICE}/dora", headers=stranger)
    assert refused.status_code == 403
    assert [e["field"] for e in problem(refused)["errors"]] == ["service"]
    mine = await client.get("/v1/deploy/services/another-service/dora", headers=stranger)
    assert mine.status_code == 200 and mine.json() == {"service": "another-service", "weeks": []}
    odd = await client.get(
        "/v1/deploy/services/web'%20OR%201=1/dora",
        headers=key_for(analytics_settings, scopes=("deploy:read", PRINCIPAL.operator_scope)),
    )
    assert odd.status_code == 422
    assert [e["field"] for e in problem(odd)["errors"]] == ["service"]
