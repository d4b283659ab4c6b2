"""Percentiles and problem statistics: the pure shaping, and SQL that states
what it counts (the integration tests run it on chDB)."""

from __future__ import annotations

import pytest

from projections.judge.learner_figures import (
    MIN_ACCEPTED_FOR_PERCENTILE,
    RUNTIME_BUCKETS_MS,
    bucket_labels,
    bucket_of,
    percentile,
    percentile_sql,
    percentiles,
    problem_stats,
    problem_stats_sql,
)


def test_a_percentile_is_the_share_of_the_others_beaten_with_one_decimal() -> None:
    assert percentile(4, 6) == 66.7
    assert percentile(0, 7) == 0.0
    assert percentile(7, 7) == 100.0


def test_no_percentile_until_a_handful_are_accepted() -> None:
    assert MIN_ACCEPTED_FOR_PERCENTILE == 5
    assert percentile(3, MIN_ACCEPTED_FOR_PERCENTILE - 2) is None  # four with this one
    assert percentile(3, MIN_ACCEPTED_FOR_PERCENTILE - 1) == 75.0
    assert percentile(0, 0) is None


def test_percentiles_from_the_row_and_from_no_row() -> None:
    row = {"others": 8, "slower": 6, "heavier": 1}
    assert percentiles([row]) == {"runtime_percentile": 75.0, "memory_percentile": 12.5}
    assert percentiles([]) == {"runtime_percentile": None, "memory_percentile": None}


def test_the_percentile_query_leaves_the_submission_itself_out_and_quotes_text() -> None:
    sql = percentile_sql("01ABC", "two-'sum", "python", 12, 3000)
    assert "submission_id != '01ABC'" in sql
    assert "problem_id = 'two-\\'sum'" in sql
    assert "time_ms > 12" in sql and "memory_kb > 3000" in sql
    assert "mode = 'submit'" in sql and "verdict = 'accepted'" in sql and "FINAL" in sql


@pytest.mark.parametrize(
    ("time_ms", "bucket"), [(0, 0), (9, 0), (10, 1), (24, 1), (25, 2), (4999, 8), (5000, 9)]
)
def test_buckets_hold_their_lower_bound(time_ms: int, bucket: int) -> None:
    assert bucket_of(time_ms) == bucket


def test_one_label_per_bucket() -> None:
    labels = bucket_labels()
    assert len(labels) == len(RUNTIME_BUCKETS_MS) + 1
    assert labels[:3] == ["<10", "10-25", "25-50"] and labels[-1] == ">=5000"


def test_the_stats_query_counts_one_bucket_per_label() -> None:
    sql = problem_stats_sql("two-sum")
    assert sql.count("AS bucket_") == len(bucket_labels())
    assert "countIf(verdict = 'accepted' AND time_ms < 10) AS bucket_0" in sql
    assert "time_ms >= 10 AND time_ms < 25) AS bucket_1" in sql


def _row(language: str, submissions: int, accepted: int, **figures: int) -> dict[str, object]:
    buckets = {f"bucket_{i}": 0 for i in range(len(RUNTIME_BUCKETS_MS) + 1)}
    return {"language": language, "submissions": submissions, "accepted": accepted,
            "runtime_p50_ms": 0, "runtime_p90_ms": 0, "memory_p50_kb": 0,
            **buckets, **figures}  # fmt: skip


def test_problem_stats_sum_the_languages_and_leave_empty_figures_null() -> None:
    rows = [
        _row("java", 2, 0),
        _row("python", 4, 3, runtime_p50_ms=30, runtime_p90_ms=80, memory_p50_kb=9000,
             bucket_2=2, bucket_4=1),
    ]  # fmt: skip
    stats = problem_stats("two-sum", rows)
    assert (stats["submissions"], stats["accepted"], stats["acceptance_rate"]) == (6, 3, 0.5)
    java, python = stats["languages"]
    assert java["acceptance_rate"] == 0.0
    assert java["runtime_ms"]["p50"] is None and java["memory_kb"]["p50"] is None
    assert python["runtime_ms"]["p50"] == 30 and python["runtime_ms"]["p90"] == 80
    assert python["memory_kb"] == {"p50": 9000}
    histogram = python["runtime_ms"]["histogram"]
    assert [b["count"] for b in histogram] == [0, 0, 2, 0, 1, 0, 0, 0, 0, 0]
    assert histogram[2] == {"bucket": "25-50", "count": 2}


def test_a_problem_nobody_submitted_has_no_rate() -> None:
    stats = problem_stats("two-sum", [])
    assert (stats["submissions"], stats["acceptance_rate"], stats["languages"]) == (0, None, [])
