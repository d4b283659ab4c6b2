from __future__ import annotations

import pytest

from projections.clickhouse import QueryRefused, check_namespace, check_read_only
from projections.runner import parse_until


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1",
        "  with x AS (SELECT 1) SELECT * FROM x;",
        "SHOW TABLES",
        "DESCRIBE TABLE trades",
        "EXPLAIN SELECT 1",
        "SELECT ';' AS semicolon -- a comment; DROP TABLE x",
        "/* leading */ SELECT 1",
    ],
)
def test_read_statements_pass(sql: str) -> None:
    assert check_read_only(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO trades VALUES (1)",
        "DROP TABLE trades",
        "ALTER TABLE trades DELETE WHERE 1",
        "SELECT 1; DROP TABLE trades",
        "/* SELECT */ DROP TABLE trades",
        "SET readonly = 0",
        "",
        "-- only a comment",
    ],
)
def test_anything_else_is_refused(sql: str) -> None:
    with pytest.raises(QueryRefused):
        check_read_only(sql)


def test_a_namespace_is_a_plain_identifier() -> None:
    assert check_namespace("live") == "live"
    with pytest.raises(ValueError):
        check_namespace("live; DROP")


def test_until_is_an_offset_or_a_time() -> None:
    assert parse_until(None) is None
    assert parse_until(42) == parse_until("42")
    assert parse_until("42").offset == 42  # type: ignore[union-attr]
    until = parse_until("2023-11-14T22:13:20Z")
    assert until is not None and until.timestamp_ms == 1_700_000_000_000
