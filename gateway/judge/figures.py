"""Everyone's submissions as a learner sees them: the percentiles on an
accepted submission and a problem's statistics, from ClickHouse through the
analytics endpoint (gateway/analytics.py). The SQL and the shaping are the
projection's (projections/judge/learner_figures.py), so `onelog sql` and
these routes cannot disagree."""

from __future__ import annotations

import logging
from typing import Any

import orjson

from gateway.analytics import AnalyticsEndpoint
from gateway.problems import Problem
from projections.judge.learner_figures import (
    percentile_sql,
    percentiles,
    problem_stats,
    problem_stats_sql,
)

log = logging.getLogger(__name__)

NO_PERCENTILES: dict[str, float | None] = {"runtime_percentile": None, "memory_percentile": None}


async def _rows(endpoint: AnalyticsEndpoint, query: str) -> list[dict[str, Any]]:
    answer = orjson.loads(await endpoint.rows(query))
    found: list[dict[str, Any]] = answer.get("rows", [])
    return found


def _ranked(view: dict[str, Any]) -> bool:
    return (
        view.get("status") == "judged"
        and view.get("mode") == "submit"
        and view.get("verdict") == "accepted"
        and isinstance(view.get("time_ms"), int)
        and isinstance(view.get("memory_kb"), int)
    )


async def with_percentiles(endpoint: AnalyticsEndpoint, view: dict[str, Any]) -> dict[str, Any]:
    """The submission with `runtime_percentile` and `memory_percentile`: null
    unless it is an accepted submission among enough others, and null when
    ClickHouse cannot say (the verdict matters more than its rank)."""
    if not _ranked(view):
        return view | NO_PERCENTILES
    query = percentile_sql(
        view["submission_id"], view["problem_id"], view["language"],
        view["time_ms"], view["memory_kb"],
    )  # fmt: skip
    try:
        return view | percentiles(await _rows(endpoint, query))
    except Problem as unavailable:
        log.warning("no percentiles for %s: %s", view["submission_id"], unavailable.detail)
        return view | NO_PERCENTILES


async def stats_of(endpoint: AnalyticsEndpoint, problem_id: str) -> dict[str, Any]:
    """A problem's statistics (a 503 problem if ClickHouse is away)."""
    return problem_stats(problem_id, await _rows(endpoint, problem_stats_sql(problem_id)))
