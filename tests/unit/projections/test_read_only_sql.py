from __future__ import annotations

import re
from typing import Any

import pytest

from projections.analyst_sql import QueryRefused, check_analyst_query
from projections.clickhouse import check_namespace
from projections.runner import parse_until


# Trees as parseQueryToJSON gives them, cut down to the parts the check reads.
def _select(*, tables: list[dict[str, Any]] | None = None, **clauses: Any) -> dict[str, Any]:
    select: dict[str, Any] = {"type": "SelectQuery", "select": _list(_id("a")), **clauses}
    if tables is not None:
        elements = [{"type": "TablesInSelectQueryElement", "table_expression": t} for t in tables]
        select["tables"] = {"type": "TablesInSelectQuery", "children": elements}
    return {
        "type": "SelectWithUnionQuery",
        "union_mode": "UNION_DEFAULT",
        "list_of_selects": _list(select),
        "is_outfile_append": False,
        "is_outfile_truncate": False,
        "is_into_outfile_with_stdout": False,
    }


def _list(*children: dict[str, Any]) -> dict[str, Any]:
    return {"type": "ExpressionList", "children": list(children)}


def _id(*parts: str) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "Identifier", "name": ".".join(parts)}
    return node | ({"name_parts": list(parts)} if len(parts) > 1 else {})


def _table(*parts: str) -> dict[str, Any]:
    return {
        "type": "TableExpression",
        "database_and_table_name": _id(*parts) | {"type": "TableIdentifier"},
    }


def _call(name: str, *args: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Function", "name": name, "arguments": _list(*args)}


def _text(value: str) -> dict[str, Any]:
    return {"type": "Literal", "value": {"field_type": "String", "value": value}}


@pytest.mark.parametrize(
    "tree",
    [
        _select(tables=[_table("trades")]),
        _select(tables=[_table("ns", "trades")], where=_call("in", _id("a"), _id("orders"))),
        _select(tables=[_table("trades")], where=_call("in", _id("a"), _id("ns", "orders"))),
        _select(select=_list(_call("count"), _call("lower", _text("file")))),
        {"type": "ShowTablesQuery", "like": "t%", "is_outfile_append": False},
        {"type": "ShowTablesQuery", "from": _id("ns")},
        {"type": "ShowColumnsQuery", "table": "trades", "database": "ns"},
    ],
)
def test_a_read_of_the_namespace_passes(tree: dict[str, Any]) -> None:
    check_analyst_query(tree, "ns")


@pytest.mark.parametrize(
    ("tree", "reason"),
    [
        (_select() | {"out_file": _text("/tmp/x")}, "INTO OUTFILE"),
        (_select() | {"is_into_outfile_with_stdout": True}, "INTO OUTFILE"),
        (_select() | {"format_ast": _id("CSV")}, "FORMAT"),
        (_select() | {"settings_ast": {"type": "SetQuery", "changes": []}}, "SETTINGS"),
        (_select(settings={"type": "SetQuery", "changes": []}), "SETTINGS"),
        (_select(tables=[_table("system", "one")]), "system.one is outside"),
        (_select(tables=[_table("other", "trades")]), "other.trades is outside"),
        (_select(where=_call("globalIn", _id("a"), _id("system", "one"))), "system.one is outside"),
        (_select(tables=[{"type": "TableExpression", "table_function": _call("url")}]), "url()"),
        (_select(select=_list(_call("file", _text("/etc/passwd")))), "file()"),
        (_select(select=_list(_call("FILE", _text("/etc/passwd")))), "FILE()"),
        (_select(select=_list(_call("dictGetString"))), "dictGetString()"),
        (_select(select=_list({"type": "Asterisk", "transformers": {
            "type": "ColumnsTransformerList",
            "children": [{"type": "ColumnsApplyTransformer", "func_name": "file"}]}})), "file()"),
        (_select(select=_list({"type": "QueryParameter", "name": "p"})), "QueryParameter"),
        (_select() | {"something_new": 1}, "something_new"),
        ({"type": "InsertQuery"}, "not Insert"),
        ({"type": "SetQuery", "changes": []}, "not Set"),
        ({"type": "ShowTablesQuery", "databases": True}, "databases"),
        ({"type": "ShowTablesQuery", "from": _id("system")}, "only this namespace"),
        ({"type": "ShowColumnsQuery", "table": "one", "database": "system"}, "only this namespace"),
        ({"type": "ShowTablesQuery", "out_file": _text("/tmp/x")}, "INTO OUTFILE"),
    ],
)  # fmt: skip
def test_anything_else_is_refused_with_the_reason(tree: dict[str, Any], reason: str) -> None:
    with pytest.raises(QueryRefused, match=re.escape(reason)):
        check_analyst_query(tree, "ns")


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
