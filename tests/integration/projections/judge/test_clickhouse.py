from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.archive import ARCHIVE_DDL
from projections.clickhouse import ChdbClickHouse
from projections.judge import PROJECTION as JUDGE
from projections.judge.clickhouse import COLUMNS, rows_of
from projections.log_record import LogRecord
from tests.unit.projections.judge.records import Session, sid, story

pytestmark = pytest.mark.integration


@pytest.fixture
def clickhouse(tmp_path: Path, namespace: str) -> Iterator[ChdbClickHouse]:
    ch = ChdbClickHouse(tmp_path / "chdb", namespace)
    ch.execute(ARCHIVE_DDL)
    for ddl in JUDGE.ddl:
        ch.execute(ddl)
    yield ch
    ch.close()


def _insert(ch: ChdbClickHouse, session: Session) -> None:
    rows: dict[str, list[tuple[object, ...]]] = {}
    for offset, (topic, _, record) in enumerate(session.steps):
        message = LogRecord(topic, 0, offset, b"", b"", 0)
        for table, row in rows_of(type(record), record.model_dump(), message):
            rows.setdefault(table, []).append(row)
    for table, table_rows in rows.items():
        ch.insert(table, table_rows, COLUMNS[table])


def _with_rivals() -> Session:
    """The story, plus four accepted python solutions of two-sum by others."""
    s = story()
    for n, (user, time_ms) in enumerate((("u1", 10), ("u2", 50), ("u3", 60), ("u4", 70))):
        s.submit(sid(20 + n), user, "two-sum")
        s.judged(sid(20 + n), user, "two-sum", time_ms=time_ms)
    return s


def test_submissions_rates_and_runtimes_stay_correct_under_duplicate_inserts(
    clickhouse: ChdbClickHouse,
) -> None:
    session = _with_rivals()
    _insert(clickhouse, session)
    _insert(clickhouse, session)  # the projector re-read the same records

    current = clickhouse.query(
        "SELECT submission_id, mode, status, verdict, source_bytes"
        " FROM {db}.submissions_current ORDER BY submission_id"
    )
    by_id = {r["submission_id"]: r for r in current}
    assert (by_id[sid(0)]["mode"], by_id[sid(0)]["status"]) == ("run", "judged")
    assert (by_id[sid(1)]["verdict"], by_id[sid(1)]["source_bytes"]) == ("wrong_answer", 9)
    assert (by_id[sid(4)]["status"], by_id[sid(4)]["verdict"]) == ("queued", "")

    rates = clickhouse.query(
        "SELECT problem_id, language, submissions, accepted, acceptance_rate, solvers"
        " FROM {db}.acceptance_rates ORDER BY problem_id, language"
    )
    assert rates == [
        {"problem_id": "two-sum", "language": "cpp", "submissions": 1, "accepted": 1,
         "acceptance_rate": 1, "solvers": 1},
        {"problem_id": "two-sum", "language": "python", "submissions": 6, "accepted": 5,
         "acceptance_rate": 0.8333, "solvers": 5},
    ]  # fmt: skip
    (python,) = clickhouse.query(
        "SELECT accepted, fastest_ms, p50_ms, slowest_ms FROM {db}.runtime_percentiles"
        " WHERE language = 'python'"
    )
    assert python == {"accepted": 5, "fastest_ms": 10, "p50_ms": 50, "slowest_ms": 70}
    # ada's 40 ms python run is faster than u2, u3, u4: 3 of the 4 others.
    (ada,) = clickhouse.query(
        f"SELECT faster_than_percent FROM {{db}}.runtime_ranks WHERE submission_id = '{sid(2)}'"
    )
    assert ada["faster_than_percent"] == 75
    tests = clickhouse.query(
        f"SELECT test_index, outcome, hidden FROM {{db}}.submission_tests FINAL"
        f" WHERE submission_id = '{sid(1)}' ORDER BY test_index"
    )
    assert [(t["outcome"], t["hidden"]) for t in tests] == [
        ("accepted", 0), ("accepted", 0), ("wrong_answer", 1),
    ]  # fmt: skip
    problems = clickhouse.query(
        "SELECT problem_id, revision, hidden, starter_languages FROM {db}.problems FINAL"
        " WHERE problem_id = 'two-sum' ORDER BY revision"
    )
    assert [(p["revision"], p["hidden"], p["starter_languages"]) for p in problems] == [
        (1, 2, "cpp,python"), (2, 2, "cpp,python"),
    ]  # fmt: skip
