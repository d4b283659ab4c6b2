"""One small interface over ClickHouse: chDB embedded, or a server via
clickhouse-connect. Both take the same DDL and SQL. Queries answer rows as
JSONEachRow text, so a query answers the same JSON values from either;
inserts go in as Arrow columns (projections/arrow_rows.py), typed after the
table's own columns, which is much cheaper than a JSON object per row.

A ClickHouse object is bound to one database, named after the namespace. DDL
names its tables as `{db}.table`; `execute` fills in the database.

chDB lets one process own one data path at a time, and refuses a second
process on the same path: the projector of a namespace owns its path and
answers analysts for it (projections/analytics_app.py).
"""

from __future__ import annotations

import json
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from infra.settings import Settings
from projections.arrow_rows import arrow_ipc, arrow_table

_NAMESPACE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_READ_ONLY_STARTS = ("SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN")


class QueryRefused(ValueError):
    """A read-only query that is not a single read statement."""


class QueryFailed(RuntimeError):
    """The engine refused or failed a statement; the message is the engine's."""


def check_namespace(namespace: str) -> str:
    """A namespace names a database and a key prefix: keep it a plain identifier."""
    if not _NAMESPACE.match(namespace):
        raise ValueError(f"namespace must match {_NAMESPACE.pattern}: {namespace!r}")
    return namespace


def check_read_only(sql: str) -> str:
    """The statement if it is one SELECT/WITH/SHOW/DESCRIBE/EXPLAIN; else QueryRefused.

    This is the first of two locks: the engine also runs analysts' queries
    with readonly set, so a write that slips past this check still fails.
    """
    text = _strip_comments(sql).strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    if not text:
        raise QueryRefused("empty query")
    if ";" in _outside_quotes(text):
        raise QueryRefused("one statement per query: remove the ';' between statements")
    first = text.split(None, 1)[0].upper()
    if first not in _READ_ONLY_STARTS:
        allowed = ", ".join(_READ_ONLY_STARTS)
        raise QueryRefused(f"only read queries are allowed ({allowed}); got {first}")
    return text


def _strip_comments(sql: str) -> str:
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.S)
    return "\n".join(_line_without_comment(line) for line in sql.splitlines())


def _line_without_comment(line: str) -> str:
    outside = _outside_quotes(line)
    cut = [i for i in (outside.find("--"), outside.find("#")) if i >= 0]
    return line[: min(cut)] if cut else line


def _outside_quotes(text: str) -> str:
    """The text with quoted literals and identifiers blanked (same length)."""
    out = []
    quote: str | None = None
    escaped = False
    for c in text:
        if quote:
            out.append(" ")
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == quote:
                quote = None
        elif c in "'\"`":
            quote = c
            out.append(" ")
        else:
            out.append(c)
    return "".join(out)


def _json_rows(payload: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in payload.splitlines() if line.strip()]


class ClickHouse(ABC):
    """A database of one namespace. Thread-safe: the projector inserts while
    analysts' queries run on the analytics endpoint's threads."""

    database: str
    _column_types: dict[str, dict[str, str]]

    @abstractmethod
    def execute(self, sql: str) -> None:
        """Run a statement (DDL, INSERT ... SELECT); `{db}` is the database."""

    def insert(self, table: str, rows: Sequence[Sequence[Any]], columns: Sequence[str]) -> None:
        """Insert rows (tuples of values in `columns` order) into `table` of
        this database. DateTime64 values are integers in the column's unit
        (µs for DateTime64(6), ms for DateTime64(3)) since the epoch."""
        if rows:
            table_data = arrow_table(rows, columns, self.column_types(table))
            self.insert_arrow_stream(table, columns, arrow_ipc(table_data))

    @abstractmethod
    def insert_arrow_stream(self, table: str, columns: Sequence[str], data: bytes) -> None:
        """Insert an Arrow IPC stream (ArrowStream) of `columns` into `table`."""

    @abstractmethod
    def query(self, sql: str) -> list[dict[str, Any]]:
        """Rows of a query as JSON values; `{db}` is the database."""

    @abstractmethod
    def query_read_only(self, sql: str) -> list[dict[str, Any]]:
        """An analyst's query: refused unless one read statement; run read-only.

        Unqualified table names resolve in this database.
        """

    @abstractmethod
    def close(self) -> None: ...

    def drop_database(self) -> None:
        self._column_types.clear()
        self.execute("DROP DATABASE IF EXISTS {db}")
        self.execute("CREATE DATABASE IF NOT EXISTS {db}")

    def column_types(self, table: str) -> dict[str, str]:
        """Each column of `table` and its ClickHouse type (cached: inserts ask often)."""
        types = self._column_types.get(table)
        if types is None:
            rows = self.query(
                "SELECT name, type FROM system.columns"
                f" WHERE database = '{self.database}' AND table = '{table}'"
            )
            types = self._column_types[table] = {str(r["name"]): str(r["type"]) for r in rows}
        return types

    def tables(self) -> list[dict[str, Any]]:
        """Name and engine of each table and view of this database."""
        return self.query(
            f"SELECT name, engine FROM system.tables WHERE database = '{self.database}'"
            " ORDER BY name"
        )

    def _sql(self, sql: str) -> str:
        return sql.replace("{db}", self.database)


class ChdbClickHouse(ClickHouse):
    """chDB embedded, on disk at `path`. One writer connection and one
    read-only connection (`SET readonly=1`: the analyst cannot unset it)."""

    def __init__(self, path: Path, database: str) -> None:
        import chdb

        self.database = check_namespace(database)
        self._column_types = {}
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._writer = chdb.connect(str(path))
        self._writer.query(self._sql("CREATE DATABASE IF NOT EXISTS {db}"))
        self._reader = chdb.connect(str(path))
        self._reader.query(self._sql("USE {db}"))
        self._reader.query("SET readonly=1")
        self._reader_lock = threading.Lock()

    def execute(self, sql: str) -> None:
        with self._lock:
            self._run(self._writer, self._sql(sql))

    def insert_arrow_stream(self, table: str, columns: Sequence[str], data: bytes) -> None:
        statement = f"INSERT INTO {self.database}.{table} ({', '.join(columns)})"
        with self._lock:
            try:
                with self._writer.send_insert(statement, "ArrowStream") as inserter:
                    inserter.append(data)
                    inserter.finish()
            except RuntimeError as exc:
                raise QueryFailed(str(exc)) from exc

    def query(self, sql: str) -> list[dict[str, Any]]:
        with self._lock:
            return _json_rows(self._run(self._writer, self._sql(sql)))

    def query_read_only(self, sql: str) -> list[dict[str, Any]]:
        statement = check_read_only(sql)
        with self._reader_lock:
            return _json_rows(self._run(self._reader, statement))

    def close(self) -> None:
        with self._lock, self._reader_lock:
            self._reader.close()
            self._writer.close()

    @staticmethod
    def _run(connection: Any, sql: str) -> bytes:
        from chdb import ChdbError

        try:
            result = connection.query(sql, "JSONEachRow")
        except (ChdbError, RuntimeError) as exc:
            raise QueryFailed(str(exc)) from exc
        return bytes(result.bytes())


class ServerClickHouse(ClickHouse):
    """A ClickHouse server reached with clickhouse-connect (HTTP)."""

    def __init__(self, url: str, database: str) -> None:
        import clickhouse_connect

        self.database = check_namespace(database)
        self._column_types = {}
        self._client = clickhouse_connect.get_client(dsn=url)
        self._client.command(self._sql("CREATE DATABASE IF NOT EXISTS {db}"))
        # Unqualified names in analysts' queries resolve in the namespace.
        self._client.database = self.database
        self._lock = threading.Lock()

    def execute(self, sql: str) -> None:
        with self._lock:
            try:
                self._client.command(self._sql(sql))
            except Exception as exc:  # clickhouse-connect raises several kinds
                raise QueryFailed(str(exc)) from exc

    def insert_arrow_stream(self, table: str, columns: Sequence[str], data: bytes) -> None:
        with self._lock:
            try:
                self._client.raw_insert(
                    f"{self.database}.{table}",
                    column_names=list(columns),
                    insert_block=data,
                    fmt="ArrowStream",
                )
            except Exception as exc:
                raise QueryFailed(str(exc)) from exc

    def query(self, sql: str) -> list[dict[str, Any]]:
        return self._raw(self._sql(sql), {})

    def query_read_only(self, sql: str) -> list[dict[str, Any]]:
        # readonly=2: writes refused, and `readonly` itself cannot be changed,
        # while clickhouse-connect may still send its own per-query settings.
        return self._raw(check_read_only(sql), {"readonly": 2})

    def _raw(self, sql: str, settings: dict[str, Any]) -> list[dict[str, Any]]:
        with self._lock:
            try:
                payload = self._client.raw_query(sql, settings=settings, fmt="JSONEachRow")
            except Exception as exc:
                raise QueryFailed(str(exc)) from exc
        return _json_rows(payload)

    def close(self) -> None:
        self._client.close()


def chdb_path_for(settings: Settings, namespace: str) -> Path:
    """The chDB data path of a namespace: the configured one for the live
    namespace, a sibling folder for any other (a rebuild runs in its own
    process while the projector holds the live path)."""
    if namespace == settings.namespace:
        return settings.chdb_path
    return settings.chdb_path.with_name(f"{settings.chdb_path.name}-{namespace}")


def open_clickhouse(settings: Settings, namespace: str) -> ClickHouse:
    """The ClickHouse of a namespace: a server when CLICKHOUSE_URL is set, else chDB."""
    if settings.clickhouse_url:
        return ServerClickHouse(settings.clickhouse_url, namespace)
    return ChdbClickHouse(chdb_path_for(settings, namespace), namespace)
