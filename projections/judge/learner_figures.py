"""What learners are shown of everyone's submissions: "faster than X%" (and
the same for memory) on an accepted submission, and a problem's statistics.

Query text the gateway sends to the analytics SQL endpoint (and that a person
may paste into `onelog sql`): plain SELECTs of the `submissions` table
(clickhouse.py) named bare, as the analyst check asks, with FINAL so that a
record projected twice counts once. The shaping of the rows is pure.

Only submissions count (mode submit, as in the acceptance_rates view): a run
is a try. A percentile is the share of the *other* accepted submissions of
the same problem and language that were strictly slower (or used strictly
more memory), 0-100 with one decimal, as the runtime_ranks view counts; it is
null until MIN_ACCEPTED_FOR_PERCENTILE accepted submissions exist, this one
included, since "faster than 100%" of one other says nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

MIN_ACCEPTED_FOR_PERCENTILE = 5
# Upper bounds (exclusive) of the runtime histogram's buckets, in ms; one
# more bucket holds everything from the last bound up. Fixed, so that two
# problems' or two days' histograms compare.
RUNTIME_BUCKETS_MS: tuple[int, ...] = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000)

_ACCEPTED = "event_type = 'SubmissionJudged' AND mode = 'submit' AND verdict = 'accepted'"
_JUDGED = "event_type = 'SubmissionJudged' AND mode = 'submit'"


def sql_string(text: str) -> str:
    """A ClickHouse string literal of `text` (quotes and backslashes escaped)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def percentile_sql(
    submission_id: str, problem_id: str, language: str, time_ms: int, memory_kb: int
) -> str:
    """One row: the other accepted submissions of the problem and language,
    how many were slower than `time_ms`, how many used more than `memory_kb`."""
    return (
        "SELECT count() AS others, "
        f"countIf(time_ms > {int(time_ms)}) AS slower, "
        f"countIf(memory_kb > {int(memory_kb)}) AS heavier "
        f"FROM submissions FINAL WHERE {_ACCEPTED} "
        f"AND problem_id = {sql_string(problem_id)} AND language = {sql_string(language)} "
        f"AND submission_id != {sql_string(submission_id)}"
    )


def percentile(beaten: int, others: int) -> float | None:
    """The share of `others` that `beaten` is, in percent with one decimal;
    None while fewer than MIN_ACCEPTED_FOR_PERCENTILE accepted exist (others + this one)."""
    if others + 1 < MIN_ACCEPTED_FOR_PERCENTILE:
        return None
    return round(100 * beaten / others, 1)


def percentiles(rows: Sequence[Mapping[str, Any]]) -> dict[str, float | None]:
    """`runtime_percentile` and `memory_percentile` from percentile_sql's row."""
    row = rows[0] if rows else {}
    others = int(row.get("others", 0))
    return {
        "runtime_percentile": percentile(int(row.get("slower", 0)), others),
        "memory_percentile": percentile(int(row.get("heavier", 0)), others),
    }


def bucket_labels(bounds: Sequence[int] = RUNTIME_BUCKETS_MS) -> list[str]:
    """One label per bucket, in order: "<10", "10-25", ..., ">=5000"."""
    middle = [f"{low}-{high}" for low, high in itertools.pairwise(bounds)]
    return [f"<{bounds[0]}", *middle, f">={bounds[-1]}"]


def bucket_of(time_ms: int, bounds: Sequence[int] = RUNTIME_BUCKETS_MS) -> int:
    """The index of the bucket `time_ms` falls in (the SQL counts the same way)."""
    return sum(1 for bound in bounds if time_ms >= bound)


def _bucket_conditions(bounds: Sequence[int]) -> list[str]:
    middle = [f"time_ms >= {low} AND time_ms < {high}" for low, high in itertools.pairwise(bounds)]
    return [f"time_ms < {bounds[0]}", *middle, f"time_ms >= {bounds[-1]}"]


def problem_stats_sql(problem_id: str, bounds: Sequence[int] = RUNTIME_BUCKETS_MS) -> str:
    """Per language one row: submissions, accepted, the accepted runtimes'
    p50 and p90, their memory p50, and bucket_0..bucket_k (the histogram)."""
    accepted = "verdict = 'accepted'"
    buckets = ", ".join(
        f"countIf({accepted} AND {condition}) AS bucket_{index}"
        for index, condition in enumerate(_bucket_conditions(bounds))
    )
    return (
        "SELECT language, count() AS submissions, "
        f"countIf({accepted}) AS accepted, "
        f"quantileExactIf(0.5)(time_ms, {accepted}) AS runtime_p50_ms, "
        f"quantileExactIf(0.9)(time_ms, {accepted}) AS runtime_p90_ms, "
        f"quantileExactIf(0.5)(memory_kb, {accepted}) AS memory_p50_kb, "
        f"{buckets} "
        f"FROM submissions FINAL WHERE {_JUDGED} AND problem_id = {sql_string(problem_id)} "
        "GROUP BY language ORDER BY language"
    )


def _rate(accepted: int, submissions: int) -> float | None:
    return round(accepted / submissions, 4) if submissions else None


def problem_stats(
    problem_id: str,
    rows: Sequence[Mapping[str, Any]],
    bounds: Sequence[int] = RUNTIME_BUCKETS_MS,
) -> dict[str, Any]:
    """The statistics the API shows, from problem_stats_sql's rows. A
    language with no accepted submission has null percentiles."""
    labels = bucket_labels(bounds)
    languages = [_language_stats(row, labels) for row in rows]
    submissions = sum(language["submissions"] for language in languages)
    accepted = sum(language["accepted"] for language in languages)
    return {
        "problem_id": problem_id,
        "submissions": submissions,
        "accepted": accepted,
        "acceptance_rate": _rate(accepted, submissions),
        "runtime_buckets_ms": list(bounds),
        "languages": languages,
    }


def _language_stats(row: Mapping[str, Any], labels: Sequence[str]) -> dict[str, Any]:
    submissions, accepted = int(row["submissions"]), int(row["accepted"])

    def figure(name: str) -> int | None:
        # Over no accepted submission ClickHouse answers 0, not null.
        return int(row[name]) if accepted and row.get(name) is not None else None

    return {
        "language": row["language"],
        "submissions": submissions,
        "accepted": accepted,
        "acceptance_rate": _rate(accepted, submissions),
        "runtime_ms": {
            "p50": figure("runtime_p50_ms"),
            "p90": figure("runtime_p90_ms"),
            "histogram": [
                {"bucket": label, "count": int(row[f"bucket_{index}"])}
                for index, label in enumerate(labels)
            ],
        },
        "memory_kb": {"p50": figure("memory_p50_kb")},
    }
