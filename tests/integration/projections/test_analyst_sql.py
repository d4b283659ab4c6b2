"""Analysts' SQL against real chDB: what they may read, what is refused and
why, the bounds of a query, and the token the projector's endpoint asks for."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from projections.analytics_app import create_analytics_app
from projections.clickhouse import (
    AnalystLimits,
    ChdbClickHouse,
    QueryOverLimit,
    QueryRefused,
)
from tests.support.analytics import exchange_analytics

pytestmark = pytest.mark.integration

TOKEN = "t0ken-for-this-test"


@pytest.fixture
def clickhouse(tmp_path: Path, namespace: str) -> Iterator[ChdbClickHouse]:
    ch = exchange_analytics(tmp_path / "chdb", namespace)
    yield ch
    ch.close()


@pytest.fixture
def bounded(tmp_path: Path, namespace: str) -> Iterator[ChdbClickHouse]:
    limits = AnalystLimits(
        max_execution_time_s=1,
        max_memory_bytes=100 << 20,
        max_result_rows=50,
        max_result_bytes=1 << 20,
    )
    ch = exchange_analytics(tmp_path / "chdb", namespace, limits)
    yield ch
    ch.close()


def _refused(ch: ChdbClickHouse, sql: str, reason: str) -> None:
    with pytest.raises(QueryRefused, match=reason):
        ch.query_read_only(sql)


def test_an_analyst_reads_the_namespace_tables(clickhouse: ChdbClickHouse) -> None:
    rows = clickhouse.query_read_only(
        "SELECT symbol, count() AS trades FROM trades FINAL GROUP BY symbol"
    )
    assert rows and all(row["trades"] > 0 for row in rows)
    qualified = f"SELECT count() AS n FROM {clickhouse.database}.trades FINAL"
    assert clickhouse.query_read_only(qualified) == [{"n": 2}]
    tables = {row["name"] for row in clickhouse.query_read_only("SHOW TABLES")}
    assert {"trades", "orders", "orders_current"} <= tables
    columns = {row["field"] for row in clickhouse.query_read_only("SHOW COLUMNS FROM trades")}
    assert "symbol" in columns
    # Comments, quotes and a trailing semicolon are the parser's business.
    text = "/* the ; here */ SELECT ';' AS s, `symbol` FROM trades -- ; DROP\nLIMIT 1;"
    assert clickhouse.query_read_only(text)[0]["s"] == ";"


def test_into_outfile_is_refused_and_writes_no_file(
    clickhouse: ChdbClickHouse, tmp_path: Path
) -> None:
    target = tmp_path / "written-by-an-analyst"
    for sql in (
        f"SELECT 'x' INTO OUTFILE '{target}'",
        f"select 'x' into outfile '{target}' TRUNCATE",
        f"(SELECT symbol FROM trades) INTO OUTFILE '{target}' APPEND COMPRESSION 'gzip'",
        f"SHOW TABLES INTO OUTFILE '{target}'",
    ):
        _refused(clickhouse, sql, "INTO OUTFILE")
    _refused(clickhouse, f"SELECT 1; SELECT 'x' INTO OUTFILE '{target}'", "one statement")
    assert not target.exists()


def test_reading_a_host_file_is_refused(clickhouse: ChdbClickHouse) -> None:
    _refused(clickhouse, "SELECT * FROM file('/etc/passwd', 'LineAsString')", "file")
    _refused(clickhouse, "SELECT file('/etc/passwd') AS passwd", "file")
    _refused(clickhouse, "SELECT * APPLY(file) FROM (SELECT '/etc/passwd' AS p)", "file")


def test_url_and_every_other_table_function_are_refused(clickhouse: ChdbClickHouse) -> None:
    for call in (
        "url('http://127.0.0.1:9/x', 'LineAsString')",
        "s3('http://127.0.0.1:9/b/k', 'CSV')",
        "remote('127.0.0.1', system.one)",
        "cluster('default', system.one)",
        "hdfs('hdfs://127.0.0.1:9/x', 'CSV')",
        "input('a String')",
        "numbers(10)",
        "merge('system', '.*')",
    ):
        name = call.split("(", 1)[0]
        _refused(clickhouse, f"SELECT * FROM {call}", f"table functions.*{name}")
        _refused(clickhouse, f"SELECT * FROM trades WHERE 1 IN (SELECT 1 FROM {call})", name)


def test_other_databases_are_refused(clickhouse: ChdbClickHouse) -> None:
    clickhouse.execute("CREATE DATABASE IF NOT EXISTS other_ns")
    clickhouse.execute("CREATE TABLE IF NOT EXISTS other_ns.t (a String) ENGINE = Memory")
    for sql in (
        "SELECT * FROM system.one",
        "SELECT query FROM system.processes",
        "SELECT * FROM INFORMATION_SCHEMA.TABLES",
        "SELECT * FROM other_ns.t",
        "SELECT * FROM trades JOIN other_ns.t ON 1 = 1",
        "SELECT symbol FROM trades WHERE symbol IN other_ns.t",
    ):
        _refused(clickhouse, sql, "outside this namespace")
    _refused(clickhouse, "SHOW TABLES FROM system", "only this namespace")
    _refused(clickhouse, "SHOW COLUMNS FROM one FROM system", "only this namespace")
    _refused(clickhouse, "SHOW DATABASES", "databases")
    _refused(clickhouse, "SELECT dictGet('system.d', 'a', 1)", "dictGet")
    _refused(clickhouse, "SELECT joinGet('other_ns.t', 'a', 1)", "joinGet")


def test_settings_cannot_lift_the_limits(clickhouse: ChdbClickHouse) -> None:
    _refused(clickhouse, "SELECT count() FROM trades SETTINGS max_execution_time = 0", "SETTINGS")
    _refused(clickhouse, "SELECT (SELECT 1 SETTINGS readonly = 0) AS x", "SETTINGS")
    _refused(clickhouse, "SET max_execution_time = 0", "only SELECT")
    _refused(clickhouse, "SET readonly = 0", "only SELECT")


def test_writes_and_other_statements_are_refused(clickhouse: ChdbClickHouse) -> None:
    for sql in (
        "INSERT INTO trades (trade_id) VALUES ('x')",
        "INSERT INTO trades SELECT * FROM trades",
        "DROP TABLE trades",
        "ALTER TABLE trades DELETE WHERE 1",
        "CREATE TABLE x (a Int8) ENGINE = Memory",
        "SYSTEM SHUTDOWN",
        "OPTIMIZE TABLE trades FINAL",
        "KILL QUERY WHERE 1",
        "EXPLAIN SELECT 1",
        "SELECT 1 FORMAT TabSeparated",
    ):
        with pytest.raises(QueryRefused):
            clickhouse.query_read_only(sql)
    assert clickhouse.query("SELECT count() AS n FROM {db}.trades FINAL") == [{"n": 2}]


def test_a_query_past_the_time_bound_is_stopped(bounded: ChdbClickHouse) -> None:
    # Ten billion hashes from plain SELECT parts: far past one second.
    slow = (
        "SELECT sum(cityHash64(a, b)) AS h"
        " FROM (SELECT arrayJoin(range(100000)) AS a) AS x"
        " CROSS JOIN (SELECT arrayJoin(range(100000)) AS b) AS y"
    )
    started = time.monotonic()
    with pytest.raises(QueryOverLimit, match="TIMEOUT_EXCEEDED"):
        bounded.query_read_only(slow)
    assert time.monotonic() - started < 10


def test_a_result_or_memory_past_the_bound_is_refused(bounded: ChdbClickHouse) -> None:
    for too_big in (
        "SELECT number FROM (SELECT arrayJoin(range(51)) AS number)",
        # ClickHouse itself lets these through: the endpoint counts too.
        "SELECT arrayJoin(range(51)) AS n",
        "SELECT arrayJoin(range(40)) AS n FROM trades",
        "SELECT repeat('x', 1000000) AS s, arrayJoin([1, 2]) AS n",
    ):
        with pytest.raises(QueryOverLimit, match="TOO_MANY_ROWS_OR_BYTES"):
            bounded.query_read_only(too_big)
    assert len(bounded.query_read_only("SELECT arrayJoin(range(50)) AS n")) == 50
    with pytest.raises(QueryOverLimit, match="MEMORY_LIMIT_EXCEEDED"):
        bounded.query_read_only(
            "SELECT length(groupArray(x)) AS n FROM (SELECT arrayJoin(range(100000000)) AS x)"
        )


async def test_the_endpoint_asks_for_the_token(clickhouse: ChdbClickHouse) -> None:
    transport = httpx.ASGITransport(app=create_analytics_app(clickhouse, TOKEN))
    query = {"query": "SELECT trade_id FROM trades ORDER BY 1"}
    async with httpx.AsyncClient(transport=transport, base_url="http://analytics") as client:
        anonymous = await client.post("/sql", json=query)
        wrong = await client.post("/sql", json=query, headers={"Authorization": "Bearer nope"})
        ok = await client.post("/sql", json=query, headers={"Authorization": f"Bearer {TOKEN}"})
    for response in (anonymous, wrong):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
    assert ok.status_code == 200
    assert ok.json() == {"rows": [{"trade_id": "t1"}, {"trade_id": "t2"}]}


async def test_the_endpoint_answers_a_problem_naming_the_query(
    clickhouse: ChdbClickHouse, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    transport = httpx.ASGITransport(app=create_analytics_app(clickhouse, TOKEN))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://analytics", headers=headers
    ) as client:
        refused = await client.post("/sql", json={"query": f"SELECT 1 INTO OUTFILE '{target}'"})
        broken = await client.post("/sql", json={"query": "SELECT nope FROM trades"})
        empty = await client.post("/sql", json={})
    assert not target.exists()
    for response in (refused, broken, empty):
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["field"] == "query"
    assert refused.json()["title"] == "Query refused"
    assert "INTO OUTFILE" in refused.json()["detail"]
    assert "nope" in broken.json()["detail"]
