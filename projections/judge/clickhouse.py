"""The judge's analytics models in ClickHouse: tables, views, and the pure
record -> rows functions that fill them.

problems             one row per published revision (no hidden test content)
submissions          one row per submission record: the command (RunCode,
                     SubmitSolution, with its source), SubmissionCompiled,
                     SubmissionJudged
submission_tests     one row per judged test
submissions_current  view: each submission's state and verdict
acceptance_rates     view: per problem and language, submitted mode only
runtime_percentiles  view: accepted runtimes per problem and language
runtime_ranks        view: per accepted submission, the share of the other
                     accepted submissions of its problem and language that ran
                     slower ("faster than 80% of accepted Python solutions")

Duplicates collapse in ReplacingMergeTree on the record's own identity:
(submission_id, event_type) for submissions (one command, one compile and
one verdict each), (submission_id, test_index) for tests, (problem_id, revision)
for problems. Views read with FINAL. Every row carries its (topic,
partition, offset). Times are integer microseconds since the epoch.
"""

from __future__ import annotations

from typing import Any

from projections.analytics_row import POSITION, POSITION_DDL, position, rows_by_column
from projections.log_record import LogRecord
from projections.projection import Row, Value
from schemas import judge as jd
from schemas.envelope import Record

PROBLEMS = "problems"
SUBMISSIONS = "submissions"
TESTS = "submission_tests"

# Verdicts of mode submit: what rates and runtimes are about (runs are tries).
_SUBMITTED = "event_type = 'SubmissionJudged' AND mode = 'submit'"

DDL: tuple[str, ...] = (
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.problems ({POSITION_DDL},
    problem_id String,
    revision Int64,
    title String,
    difficulty LowCardinality(String),
    category LowCardinality(String),
    kind LowCardinality(String),
    time_limit_ms Int64,
    memory_limit_kb Int64,
    checker LowCardinality(String),
    samples UInt32,
    hidden UInt32,
    starter_languages String
) ENGINE = ReplacingMergeTree
ORDER BY (problem_id, revision)
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.submissions ({POSITION_DDL},
    submission_id String,
    event_type LowCardinality(String),
    mode LowCardinality(String),
    user_id String,
    problem_id String,
    problem_revision Nullable(Int64),
    language LowCardinality(String),
    source String,
    source_bytes Nullable(Int64),
    compile_ok Nullable(UInt8),
    compile_cached Nullable(UInt8),
    compile_time_ms Nullable(Int64),
    verdict LowCardinality(String),
    passed Nullable(Int64),
    total Nullable(Int64),
    time_ms Nullable(Int64),
    memory_kb Nullable(Int64),
    exit_code Nullable(Int64),
    signal Nullable(Int64),
    message String
) ENGINE = ReplacingMergeTree
ORDER BY (submission_id, event_type)
""",
    f"""
CREATE TABLE IF NOT EXISTS {{db}}.submission_tests ({POSITION_DDL},
    submission_id String,
    test_index UInt32,
    user_id String,
    problem_id String,
    test_name String,
    hidden UInt8,
    outcome LowCardinality(String),
    time_ms Int64,
    memory_kb Int64,
    exit_code Nullable(Int64),
    signal Nullable(Int64)
) ENGINE = ReplacingMergeTree
ORDER BY (submission_id, test_index)
""",
    """
CREATE VIEW IF NOT EXISTS {db}.submissions_current AS
SELECT
    submission_id,
    anyIf(user_id, user_id != '') AS user_id,
    anyIf(problem_id, problem_id != '') AS problem_id,
    max(problem_revision) AS problem_revision,
    anyIf(language, language != '') AS language,
    anyIf(mode, mode != '') AS mode,
    if(countIf(event_type = 'SubmissionJudged') > 0, 'judged', 'queued') AS status,
    anyIf(verdict, event_type = 'SubmissionJudged') AS verdict,
    anyIf(passed, event_type = 'SubmissionJudged') AS passed,
    anyIf(total, event_type = 'SubmissionJudged') AS total,
    anyIf(time_ms, event_type = 'SubmissionJudged') AS time_ms,
    anyIf(memory_kb, event_type = 'SubmissionJudged') AS memory_kb,
    anyIf(compile_ok, event_type = 'SubmissionCompiled') AS compile_ok,
    anyIf(source_bytes, event_type IN ('RunCode', 'SubmitSolution')) AS source_bytes,
    minIf(occurred_at, event_type IN ('RunCode', 'SubmitSolution')) AS submitted_at,
    maxIf(occurred_at, event_type = 'SubmissionJudged') AS judged_at
FROM {db}.submissions FINAL
GROUP BY submission_id
""",
    f"""
CREATE VIEW IF NOT EXISTS {{db}}.acceptance_rates AS
SELECT
    problem_id,
    language,
    count() AS submissions,
    countIf(verdict = 'accepted') AS accepted,
    round(accepted / submissions, 4) AS acceptance_rate,
    uniqExact(user_id) AS users,
    uniqExactIf(user_id, verdict = 'accepted') AS solvers
FROM {{db}}.submissions FINAL
WHERE {_SUBMITTED}
GROUP BY problem_id, language
""",
    f"""
CREATE VIEW IF NOT EXISTS {{db}}.runtime_percentiles AS
SELECT
    problem_id,
    language,
    count() AS accepted,
    min(time_ms) AS fastest_ms,
    quantileExact(0.5)(time_ms) AS p50_ms,
    quantileExact(0.75)(time_ms) AS p75_ms,
    quantileExact(0.9)(time_ms) AS p90_ms,
    quantileExact(0.99)(time_ms) AS p99_ms,
    max(time_ms) AS slowest_ms
FROM {{db}}.submissions FINAL
WHERE {_SUBMITTED} AND verdict = 'accepted'
GROUP BY problem_id, language
""",
    f"""
CREATE VIEW IF NOT EXISTS {{db}}.runtime_ranks AS
SELECT
    submission_id,
    user_id,
    problem_id,
    language,
    time_ms,
    count() OVER same AS accepted,
    round(100 * (rank() OVER slower_first - 1) / greatest(accepted - 1, 1), 2)
        AS faster_than_percent
FROM {{db}}.submissions FINAL
WHERE {_SUBMITTED} AND verdict = 'accepted'
WINDOW same AS (PARTITION BY problem_id, language),
       slower_first AS (PARTITION BY problem_id, language ORDER BY time_ms DESC)
""",
)

PROBLEM_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "problem_id",
    "revision",
    "title",
    "difficulty",
    "category",
    "kind",
    "time_limit_ms",
    "memory_limit_kb",
    "checker",
    "samples",
    "hidden",
    "starter_languages",
)
SUBMISSION_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "submission_id",
    "event_type",
    "mode",
    "user_id",
    "problem_id",
    "problem_revision",
    "language",
    "source",
    "source_bytes",
    "compile_ok",
    "compile_cached",
    "compile_time_ms",
    "verdict",
    "passed",
    "total",
    "time_ms",
    "memory_kb",
    "exit_code",
    "signal",
    "message",
)
TEST_COLUMNS: tuple[str, ...] = (
    *POSITION,
    "submission_id",
    "test_index",
    "user_id",
    "problem_id",
    "test_name",
    "hidden",
    "outcome",
    "time_ms",
    "memory_kb",
    "exit_code",
    "signal",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    PROBLEMS: PROBLEM_COLUMNS,
    SUBMISSIONS: SUBMISSION_COLUMNS,
    TESTS: TEST_COLUMNS,
}


def clickhouse_rows(record: Record, message: LogRecord) -> list[tuple[str, dict[str, Any]]]:
    """The (table, row as a dict by column) pairs one judge record adds."""
    return rows_by_column(COLUMNS, rows_of, record, message)


def rows_of(model: type[Record], value: Value, message: LogRecord) -> list[Row]:
    """The (table, row) pairs a decoded record adds; [] for MarkProgress and
    ProgressMarked (progress is a live model; the archive keeps them)."""
    if model is jd.ProblemPublished:
        return [(PROBLEMS, _problem_row(value, message))]
    if model is jd.TestJudged:
        return [(TESTS, _test_row(value, message))]
    if model in _SUBMISSION_EVENTS:
        return [(SUBMISSIONS, _submission_row(model, value, message))]
    return []


_SUBMISSION_EVENTS: frozenset[type[Record]] = frozenset(
    (jd.RunCode, jd.SubmitSolution, jd.SubmissionCompiled, jd.SubmissionJudged)
)
_MODE = {jd.RunCode: "run", jd.SubmitSolution: "submit"}


def _problem_row(v: Value, message: LogRecord) -> tuple[Any, ...]:
    return (
        *position(v, message),
        v["problem_id"],
        v["revision"],
        v["title"],
        v["difficulty"],
        v["category"],
        v["kind"],
        v["time_limit_ms"],
        v["memory_limit_kb"],
        v["checker"]["kind"],
        len(v["samples"]),
        len(v["hidden"]),
        ",".join(sorted(s["language"] for s in v["starter"])),
    )


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _submission_row(model: type[Record], v: Value, message: LogRecord) -> tuple[Any, ...]:
    get = v.get
    source = get("source")
    compiled = model is jd.SubmissionCompiled
    return (
        *position(v, message),
        v["submission_id"],
        model.__name__,
        _MODE.get(model) or get("mode") or "",
        v["user_id"],
        get("problem_id") or "",
        get("problem_revision"),
        get("language") or "",
        source or "",
        None if source is None else len(source.encode()),
        _flag(get("ok")) if compiled else None,
        _flag(get("cached")) if compiled else None,
        get("compile_time_ms"),
        get("verdict") or "",
        get("passed"),
        get("total"),
        get("time_ms"),
        get("memory_kb"),
        get("exit_code"),
        get("signal"),
        get("message") or "",
    )


def _test_row(v: Value, message: LogRecord) -> tuple[Any, ...]:
    return (
        *position(v, message),
        v["submission_id"],
        v["index"],
        v["user_id"],
        v["problem_id"],
        v["test_name"],
        int(v["hidden"]),
        v["outcome"],
        v["time_ms"],
        v["memory_kb"],
        v.get("exit_code"),
        v.get("signal"),
    )
