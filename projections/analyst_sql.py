"""What an analyst may ask ClickHouse: a plain read of the namespace's own tables.

The check reads the syntax tree that ClickHouse's own parser makes of the
query (`parseQueryToJSON`), never the text, so quoting, comments and odd
spacing cannot hide a clause from it. It is an allow-list:

- statements: SELECT (with UNION, INTERSECT, EXCEPT, subqueries, WITH, joins),
  SHOW TABLES and SHOW COLUMNS; anything else (INSERT, SET, SHOW DATABASES,
  SYSTEM, ...) is refused, and so is a statement the parser cannot describe;
- tables: those of the namespace database, named bare or as `<namespace>.t`.
  Not `system` (other users' queries, settings, server paths), not
  INFORMATION_SCHEMA, not another namespace (a rebuild, or another
  deployment's data on a shared server): an analyst reads the read models;
- no table functions at all (file, url, s3, remote, cluster, hdfs, input,
  numbers, ...), and none of the few ordinary functions that reach outside
  the tables (`file()` reads a host file, `dictGet` and `joinGet` read other
  objects by name, `ai*` call out to the network, ...);
- no output clauses (INTO OUTFILE, FORMAT) and no SETTINGS: the endpoint
  chooses the format and the limits.

Pure: the caller parses and runs; this only says yes or why not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class QueryRefused(ValueError):
    """A query an analyst may not run; the message says why."""


# Every node a plain SELECT is built of. A node type missing here is refused,
# so a new kind of clause is closed until someone reads what it does.
_SELECT_NODES = frozenset(
    {
        "SelectWithUnionQuery",
        "SelectIntersectExceptQuery",
        "SelectQuery",
        "ExpressionList",
        "Identifier",
        "TableIdentifier",
        "Function",
        "Literal",
        "Asterisk",
        "QualifiedAsterisk",
        "ColumnsRegexpMatcher",
        "ColumnsListMatcher",
        "QualifiedColumnsRegexpMatcher",
        "QualifiedColumnsListMatcher",
        "ColumnsTransformerList",
        "ColumnsApplyTransformer",
        "ColumnsExceptTransformer",
        "ColumnsReplaceTransformer",
        "ColumnsReplaceTransformerReplacement",
        "Subquery",
        "WithElement",
        "TablesInSelectQuery",
        "TablesInSelectQueryElement",
        "TableExpression",
        "TableJoin",
        "ArrayJoin",
        "OrderByElement",
        "InterpolateElement",
        "SampleRatio",
        "WindowDefinition",
        "WindowListElement",
    }
)

# Output flags every statement carries; each must be off.
_OUTPUT_FLAGS = ("is_outfile_append", "is_outfile_truncate", "is_into_outfile_with_stdout")
_OUTPUT_CLAUSES = {
    "out_file": "INTO OUTFILE writes a file on the server",
    "compression": "INTO OUTFILE writes a file on the server",
    "format_ast": "FORMAT is not allowed: the endpoint answers rows as JSON",
    "settings_ast": "SETTINGS are not allowed: an analyst's limits are fixed",
}
_SELECT_KEYS = frozenset({"type", "union_mode", "list_of_modes", "list_of_selects", *_OUTPUT_FLAGS})
_LIKE_KEYS = ("like", "not_like", "case_insensitive_like", "limit_length")
_SHOW_TABLES_KEYS = frozenset({"type", "from", "full", *_LIKE_KEYS, *_OUTPUT_FLAGS})
_SHOW_COLUMNS_KEYS = frozenset(
    {"type", "table", "database", "full", "extended", *_LIKE_KEYS, *_OUTPUT_FLAGS}
)

# `x IN t` names a table on its right.
_IN_FUNCTIONS = frozenset(
    ("in", "notin", "globalin", "globalnotin", "nullin", "notnullin", "globalnullin",
     "globalnotnullin")
)  # fmt: skip

# Ordinary functions that reach outside the namespace's tables, lower-cased
# (ClickHouse matches some names case-insensitively). Names starting with
# `dict` (dictionaries) or `__` (the engine's internals) are refused as well.
_OUTSIDE_FUNCTIONS = frozenset(
    name.lower()
    for name in (
        # the host's files, the network
        "file",
        "catboostEvaluate",
        "aiClassify",
        "aiEmbed",
        "aiExtract",
        "aiFilter",
        "aiGenerate",
        "aiRedact",
        "aiSimilarity",
        "aiTranslate",
        # other tables and server state, by name
        "joinGet",
        "joinGetOrNull",
        "hasColumnInTable",
        "getMaxTableNameLengthForDatabase",
        "getSetting",
        "getSettingOrDefault",
        "getServerSetting",
        "getMergeTreeSetting",
        "getMacro",
        "getClientHTTPHeader",
        "filesystemAvailable",
        "filesystemCapacity",
        "filesystemUnreserved",
        "zookeeperSessionUptime",
        "generateSerialID",
        "showCertificate",
        # the server binary's introspection
        "addressToLine",
        "addressToLineWithInlines",
        "addressToSymbol",
        "demangle",
        "logTrace",
        # good only for holding a query slot
        "sleep",
        "sleepEachRow",
    )
)
_OUTSIDE_PREFIXES = ("dict", "__")


def check_analyst_query(tree: Mapping[str, Any], database: str) -> None:
    """Nothing if `tree` (parseQueryToJSON's) is a read of `database` alone;
    else QueryRefused naming what is not allowed."""
    kind = tree.get("type")
    _check_output_clauses(tree)  # first, so SHOW ... INTO OUTFILE says why, too
    if kind == "SelectWithUnionQuery":
        _check_node(tree, database)
    elif kind == "ShowTablesQuery":
        _check_keys(tree, _SHOW_TABLES_KEYS, "only SHOW TABLES of this namespace is answered")
        source = tree.get("from")
        if source is not None and (
            not isinstance(source, Mapping) or source.get("name") != database
        ):
            raise QueryRefused(f"SHOW TABLES reads only this namespace ({database})")
    elif kind == "ShowColumnsQuery":
        _check_keys(tree, _SHOW_COLUMNS_KEYS, "only SHOW COLUMNS of this namespace is answered")
        if tree.get("database", database) != database:
            raise QueryRefused(f"SHOW COLUMNS reads only this namespace's tables ({database})")
    else:
        raise QueryRefused(
            f"only SELECT, SHOW TABLES and SHOW COLUMNS are answered, not {_statement(kind)}"
        )


def _statement(kind: object) -> str:
    text = str(kind)
    return text.removesuffix("Query") or text


def _check_output_clauses(node: Mapping[str, Any]) -> None:
    for key, reason in _OUTPUT_CLAUSES.items():
        if key in node:
            raise QueryRefused(reason)
    if any(node.get(flag) for flag in _OUTPUT_FLAGS):
        raise QueryRefused(_OUTPUT_CLAUSES["out_file"])


def _check_keys(node: Mapping[str, Any], allowed: frozenset[str], reason: str) -> None:
    unexpected = sorted(set(node) - allowed)
    if unexpected:
        raise QueryRefused(f"{reason} ({', '.join(unexpected)} is not allowed)")


def _walk(value: Any, database: str) -> None:
    if isinstance(value, Mapping):
        if "type" in value:
            _check_node(value, database)
        else:
            for item in value.values():
                _walk(item, database)
    elif isinstance(value, list):
        for item in value:
            _walk(item, database)


def _check_node(node: Mapping[str, Any], database: str) -> None:
    kind = node["type"]
    if kind == "SetQuery":
        raise QueryRefused(_OUTPUT_CLAUSES["settings_ast"])
    if kind not in _SELECT_NODES:
        raise QueryRefused(f"{_statement(kind)} is not allowed in an analyst's query")
    if kind == "Literal":
        return  # data, not syntax: nothing inside names a table or a function
    if kind in ("SelectWithUnionQuery", "SelectIntersectExceptQuery"):
        _check_output_clauses(node)
        if kind == "SelectWithUnionQuery":
            _check_keys(node, _SELECT_KEYS, "SELECT has a clause that is not allowed")
    elif kind == "TableExpression" and "table_function" in node:
        name = node["table_function"].get("name", "?")
        raise QueryRefused(
            f"table functions read outside the database ({name}() is one): "
            "read the namespace's tables"
        )
    elif kind == "TableIdentifier":
        _check_table(node, database)
    elif kind == "Function":
        _check_function(str(node.get("name", "")))
        _check_in_table(node, database)
    elif kind == "ColumnsApplyTransformer":
        _check_function(str(node.get("func_name", "")))
    for key, value in node.items():
        if key != "type":
            _walk(value, database)


def _check_table(node: Mapping[str, Any], database: str) -> None:
    parts: Sequence[str] = node.get("name_parts") or [str(node.get("name", ""))]
    if len(parts) > 2 or (len(parts) == 2 and parts[0] != database):
        raise QueryRefused(
            f"{'.'.join(parts)} is outside this namespace: only the tables of "
            f"{database} may be read (SHOW TABLES lists them)"
        )


def _check_function(name: str) -> None:
    lowered = name.lower()
    if lowered in _OUTSIDE_FUNCTIONS or lowered.startswith(_OUTSIDE_PREFIXES):
        raise QueryRefused(f"{name}() reaches outside the namespace's tables and is not allowed")


def _check_in_table(node: Mapping[str, Any], database: str) -> None:
    if str(node.get("name", "")).lower() not in _IN_FUNCTIONS:
        return
    arguments = node.get("arguments", {}).get("children", [])
    if len(arguments) == 2 and arguments[1].get("type") == "Identifier":
        _check_table(arguments[1], database)
