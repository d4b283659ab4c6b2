"""An artist's royalty figures and a listener's year in review, from
ClickHouse's music views (projections/music/clickhouse.py, every one leaving
deleted plays out) through the projector's SQL endpoint, as an analyst's
query would ask: plain SELECTs of the views named bare. The ids are checked
against the music id pattern before they get here; they are quoted anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from gateway.analytics import AnalyticsEndpoint

# What a year in review lists of each kind.
TOP = 5


def _quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def royalties_sql(artist_id: str, month: str | None) -> str:
    """Streams, listeners and ms played per month (YYYY-MM) of one artist."""
    where = f"artist_id = {_quoted(artist_id)}"
    if month is not None:
        # `month` here is the SELECT's alias (ClickHouse reads an alias
        # before a column of the same name): the 'YYYY-MM' text.
        where += f" AND month = {_quoted(month)}"
    return (
        "SELECT formatDateTime(month, '%Y-%m') AS month, streams, listeners, ms_played "
        f"FROM music_royalties_monthly WHERE {where} ORDER BY month"
    )


def year_in_review_sql(listener: str, year: int) -> str:
    return (
        "SELECT kind, item, streams, minutes FROM music_year_in_review "
        f"WHERE listener = {_quoted(listener)} AND year = {int(year)} "
        "ORDER BY kind, streams DESC, minutes DESC, item"
    )


def year_in_review(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The top TOP artists, tracks and genres by streams, and the totals."""
    review: dict[str, Any] = {"artists": [], "tracks": [], "genres": [], "streams": 0,
                              "minutes": 0}  # fmt: skip
    for row in rows:
        kind = row["kind"]
        if kind == "total":
            review["streams"] = int(row["streams"])
            review["minutes"] = int(row["minutes"])
            continue
        listed = review.get(kind + "s")
        if isinstance(listed, list) and len(listed) < TOP:
            listed.append(
                {"id": row["item"], "streams": int(row["streams"]), "minutes": int(row["minutes"])}
            )
    return review


async def rows(endpoint: AnalyticsEndpoint, query: str) -> list[dict[str, Any]]:
    """The query's rows (a 503 problem if ClickHouse is away)."""
    answer = orjson.loads(await endpoint.rows(query))
    found: list[dict[str, Any]] = answer.get("rows", [])
    return found
