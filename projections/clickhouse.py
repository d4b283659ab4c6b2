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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.settings import Settings

# QueryRefused is re-exported: callers catch it with the other query errors.
from projections.analyst_sql import QueryRefused as QueryRefused
from projections.analyst_sql import check_analyst_query
from projections.arrow_rows import arrow_ipc, arrow_table
from projections.digests import OPERATOR_QUERY_S

_NAMESPACE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")

# ClickHouse's own parser, asked through a bound parameter: the analyst's text
# is data here, never run. The text comes back too, to prove that what was
# checked is byte for byte what will run.
_PARSE = "SELECT {query:String} AS query, parseQueryToJSON(query) AS tree"
# Error codes that mean an analyst's query hit one of AnalystLimits.
_OVER_LIMIT_CODES = ("TIMEOUT_EXCEEDED", "TOO_MANY_ROWS_OR_BYTES", "MEMORY_LIMIT_EXCEEDED")


class QueryFailed(RuntimeError):
    """The engine refused or failed a statement; the message is the engine's."""


class QueryOverLimit(QueryFailed):
    """An analyst's query went past one of its bounds (time, memory, result size)."""


class AnalystsBusy(RuntimeError):
    """Analysts' queries are queued longer than the wait allowed: retry shortly."""


class OperatorBusy(RuntimeError):
    """Another operator's read (a digest) held the connection too long: retry."""


@dataclass(frozen=True)
class AnalystLimits:
    """Bounds of every analyst's query. The connection sets them, not the
    query: SETTINGS clauses are refused and readonly forbids changing them."""

    max_execution_time_s: int = 30
    max_memory_bytes: int = 1 << 30
    max_result_rows: int = 100_000
    max_result_bytes: int = 64 << 20

    def settings(self) -> dict[str, int | str]:
        return {
            "max_execution_time": self.max_execution_time_s,
            "timeout_overflow_mode": "throw",
            "max_memory_usage": self.max_memory_bytes,
            "max_result_rows": self.max_result_rows,
            "max_result_bytes": self.max_result_bytes,
            "result_overflow_mode": "throw",
        }


def check_namespace(namespace: str) -> str:
    """A namespace names a database and a key prefix: keep it a plain identifier."""
    if not _NAMESPACE.match(namespace):
        raise ValueError(f"namespace must match {_NAMESPACE.pattern}: {namespace!r}")
    return namespace


def _parse_refusal(exc: QueryFailed) -> QueryFailed | QueryRefused:
    """What a failure to parse an analyst's query means for the analyst."""
    message = str(exc)
    if "Multi-statements are not allowed" in message:
        return QueryRefused("one statement per query: remove the ';' between statements")
    if "does not support JSON serialization" in message or "by parseQueryToJSON" in message:
        return QueryRefused("only SELECT, SHOW TABLES and SHOW COLUMNS are answered")
    if "UNKNOWN_FUNCTION" in message and "parseQueryToJSON" in message:
        # An older server cannot show us the query's tree: refuse them all.
        return QueryFailed("this ClickHouse has no parseQueryToJSON to check queries with")
    # The parser's message quotes the query inside our own wrapper: cut it there.
    return QueryFailed(message.split(": In scope SELECT", 1)[0])


def _over_limit(exc: QueryFailed) -> QueryFailed:
    message = str(exc)
    if any(code in message for code in _OVER_LIMIT_CODES):
        return QueryOverLimit(message)
    return exc


def _json_rows(payload: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in payload.splitlines() if line.strip()]


def _rows_within(payload: bytes, limits: AnalystLimits) -> list[dict[str, Any]]:
    """The rows of an analyst's JSONEachRow result, unless it is over the
    bounds. ClickHouse checks them as well, but not on every plan (arrayJoin
    over a one-row source goes unchecked), so they are checked here too,
    before anything is parsed."""
    too_many = f"Limit for result exceeded: more than {limits.max_result_rows} rows"
    if len(payload) > limits.max_result_bytes:
        too_many = f"Limit for result exceeded: more than {limits.max_result_bytes} bytes"
    elif payload.count(b"\n") <= limits.max_result_rows:
        return _json_rows(payload)
    raise QueryOverLimit(f"{too_many} (TOO_MANY_ROWS_OR_BYTES): aggregate, or add a LIMIT")


class ClickHouse(ABC):
    """A database of one namespace. Thread-safe: the projector inserts while
    analysts' queries run on the analytics endpoint's threads."""

    database: str
    limits: AnalystLimits
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

    def query_read_only(self, sql: str) -> list[dict[str, Any]]:
        """An analyst's query: QueryRefused unless analyst_sql allows the tree
        that this engine's parser makes of it; else run read-only within
        AnalystLimits (QueryOverLimit past one). Unqualified table names
        resolve in this database. The one check for both engines."""
        try:
            (parsed,) = _json_rows(self._analyst_payload(_PARSE, {"query": sql}))
        except QueryFailed as exc:
            raise _parse_refusal(exc) from exc
        if parsed["query"] != sql:
            raise QueryRefused("the query did not reach the parser intact")
        check_analyst_query(json.loads(parsed["tree"]), self.database)
        try:
            payload = self._analyst_payload(sql, {})
        except QueryFailed as exc:
            raise _over_limit(exc) from exc
        return _rows_within(payload, self.limits)

    @abstractmethod
    def operator_read(self, sql: str) -> list[dict[str, Any]]:
        """Rows of one of the operator's own fixed queries (verify's digests,
        projections/digests.py): read-only, on a connection of its own, bounded
        by OPERATOR_QUERY_S instead of the analysts' limits. Never an analyst's
        text."""

    @abstractmethod
    def _analyst_payload(self, sql: str, parameters: Mapping[str, str]) -> bytes:
        """`sql`'s rows as JSONEachRow, run read-only within the analysts'
        limits, with `{name:Type}` placeholders bound to `parameters`."""

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
    connection for analysts, bounded by `limits` and then set readonly=1,
    after which nobody can change its settings (the analyst least of all)."""

    def __init__(self, path: Path, database: str, limits: AnalystLimits | None = None) -> None:
        import chdb

        self.database = check_namespace(database)
        self.limits = limits or AnalystLimits()
        self._column_types = {}
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._writer = chdb.connect(str(path))
        self._writer.query(self._sql("CREATE DATABASE IF NOT EXISTS {db}"))
        self._reader = chdb.connect(str(path))
        self._reader.query(self._sql("USE {db}"))
        bounds = ", ".join(f"{name} = {value!r}" for name, value in self.limits.settings().items())
        self._reader.query(f"SET {bounds}")
        self._reader.query("SET readonly=1")
        self._reader_lock = threading.Lock()
        self._operator = chdb.connect(str(path))
        self._operator.query(f"SET max_execution_time = {OPERATOR_QUERY_S}")
        self._operator.query("SET readonly=1")
        self._operator_lock = threading.Lock()

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

    def _analyst_payload(self, sql: str, parameters: Mapping[str, str]) -> bytes:
        # One analyst's query at a time; the next waits at most one query's bound.
        if not self._reader_lock.acquire(timeout=self.limits.max_execution_time_s):
            raise AnalystsBusy("analysts' queries are queued: retry shortly")
        try:
            bound = {
                name: value.translate(_PARAMETER_ESCAPES) for name, value in parameters.items()
            }
            return self._run(self._reader, sql, bound or None)
        finally:
            self._reader_lock.release()

    def operator_read(self, sql: str) -> list[dict[str, Any]]:
        if not self._operator_lock.acquire(timeout=OPERATOR_QUERY_S):
            raise OperatorBusy("another digest is running: retry shortly")
        try:
            return _json_rows(self._run(self._operator, self._sql(sql)))
        finally:
            self._operator_lock.release()

    def close(self) -> None:
        with self._lock, self._reader_lock, self._operator_lock:
            self._operator.close()
            self._reader.close()
            self._writer.close()

    @staticmethod
    def _run(connection: Any, sql: str, parameters: Mapping[str, str] | None = None) -> bytes:
        from chdb import ChdbError

        try:
            result = connection.query(sql, "JSONEachRow", params=parameters)
        except (ChdbError, RuntimeError) as exc:
            raise QueryFailed(str(exc)) from exc
        return bytes(result.bytes())


# A query parameter's value as chDB reads it: in the escaped (TSV) format.
_PARAMETER_ESCAPES = str.maketrans(
    {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}
)


class ServerClickHouse(ClickHouse):
    """A ClickHouse server reached with clickhouse-connect (HTTP)."""

    def __init__(self, url: str, database: str, limits: AnalystLimits | None = None) -> None:
        import clickhouse_connect

        self.database = check_namespace(database)
        self.limits = limits or AnalystLimits()
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
        return _json_rows(self._payload(self._sql(sql), {}, None))

    def _analyst_payload(self, sql: str, parameters: Mapping[str, str]) -> bytes:
        # readonly=2: writes refused, and `readonly` itself cannot be changed,
        # while clickhouse-connect may still send its own per-query settings.
        # The bounds go with every request; the query itself holds no SETTINGS.
        return self._payload(sql, {"readonly": 2, **self.limits.settings()}, parameters)

    def operator_read(self, sql: str) -> list[dict[str, Any]]:
        bound = {"readonly": 2, "max_execution_time": OPERATOR_QUERY_S}
        return _json_rows(self._payload(self._sql(sql), bound, None))

    def _payload(
        self, sql: str, settings: dict[str, Any], parameters: Mapping[str, str] | None
    ) -> bytes:
        with self._lock:
            try:
                payload = self._client.raw_query(
                    sql,
                    parameters=dict(parameters) if parameters else None,
                    settings=settings,
                    fmt="JSONEachRow",
                )
            except Exception as exc:
                raise QueryFailed(str(exc)) from exc
        return bytes(payload)

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
