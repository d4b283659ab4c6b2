"""verify's digests of the live ClickHouse come through the projector's
endpoint on an operator path of their own (the platform's token, fixed
queries, their own bound), not through the analysts' SQL and its bounds: a
large archive's digest may take longer than an analyst's query may."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from projections.analytics_app import create_analytics_app
from projections.clickhouse import AnalystLimits, ChdbClickHouse
from projections.digests import DIGEST_SQL, table_digests
from tests.support.analytics import exchange_analytics

pytestmark = pytest.mark.integration

TOKEN = "t0ken-for-this-test"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def starved(tmp_path: Path, namespace: str) -> Iterator[ChdbClickHouse]:
    """A namespace whose analysts may use no memory at all."""
    ch = exchange_analytics(tmp_path / "chdb", namespace, AnalystLimits(max_memory_bytes=1))
    yield ch
    ch.close()


async def test_the_digests_come_on_the_operator_path_not_the_analysts(
    starved: ChdbClickHouse, namespace: str
) -> None:
    expected = table_digests(starved.operator_read, namespace)
    assert expected["trades"].startswith("2 rows, hash ")
    assert expected["archive"] == "0 rows, hash 0"
    transport = httpx.ASGITransport(app=create_analytics_app(starved, TOKEN))
    async with httpx.AsyncClient(transport=transport, base_url="http://analytics") as client:
        # The same digest as an analyst's query is over the analysts' bound.
        as_analyst = await client.post(
            "/sql", json={"query": DIGEST_SQL.format(table=f"{namespace}.trades FINAL")},
            headers=AUTH,
        )  # fmt: skip
        assert as_analyst.status_code == 422
        anonymous = await client.post("/digests")
        answered = await client.post("/digests", headers=AUTH)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert answered.status_code == 200
    assert answered.json() == {"namespace": namespace, "digests": expected}
