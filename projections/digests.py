"""Canonical digests of a namespace's ClickHouse tables, for verify.

Per table: its row count and an order-free hash of its FINAL rows (views as
they read). Equal read models give equal digests whatever the insert order
or the number of duplicate inserts. Rows are hashed as tuples: cityHash64 of
the bare columns is NULL when any column is NULL, and sum() skips NULLs, so
rows with a NULL would not count at all.

The queries are fixed here, never an analyst's: the projector runs them for
the operator (`POST /digests` with the platform's token) on a connection of
their own, bounded by OPERATOR_QUERY_S rather than the analysts' limits, since
a large archive's digest takes longer than an analyst's query may.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# One digest query may take this long; the whole of verify's wait for the
# projector's answer, DIGESTS_WAIT_S.
OPERATOR_QUERY_S = 600
DIGESTS_WAIT_S = 1800

DIGEST_SQL = "SELECT count() AS rows, toString(sum(cityHash64(tuple(*)))) AS hash FROM {table}"

Read = Callable[[str], list[dict[str, Any]]]


def table_digests(read: Read, database: str) -> dict[str, str]:
    """Each table and view of `database`, as "<rows> rows, hash <hash>"."""
    # SHOW, not system.tables: what the namespace itself holds, nothing else.
    tables = read(f"SHOW FULL TABLES FROM {database}")
    digests = {}
    for table in tables:
        name, engine = str(table["name"]), str(table["engine"])
        final = " FINAL" if "MergeTree" in engine else ""
        (row,) = read(DIGEST_SQL.format(table=f"{database}.{name}{final}"))
        digests[name] = f"{row['rows']} rows, hash {row['hash']}"
    return digests
