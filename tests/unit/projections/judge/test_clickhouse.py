from __future__ import annotations

import re
from typing import Any

from projections.judge.clickhouse import COLUMNS, DDL, clickhouse_rows
from projections.log_record import LogRecord
from schemas import judge as jd
from tests.unit.projections.judge.records import story


def _rows() -> list[tuple[type, str, dict[str, Any]]]:
    out = []
    for offset, (topic, _, record) in enumerate(story().steps):
        for table, row in clickhouse_rows(record, LogRecord(topic, 0, offset, b"", b"", 0)):
            out.append((type(record), table, row))
    return out


def test_every_table_declares_the_columns_rows_are_given_in() -> None:
    for table, columns in COLUMNS.items():
        (ddl,) = [d for d in DDL if f"{{db}}.{table} (" in d]
        declared = re.findall(r"^\s+(\w+) \S", ddl.split("(", 1)[1], flags=re.M)
        assert tuple(declared) == columns, table


def test_each_record_lands_in_its_table() -> None:
    tables = {(model, table) for model, table, _ in _rows()}
    assert tables == {
        (jd.ProblemPublished, "problems"),
        (jd.RunCode, "submissions"),
        (jd.SubmitSolution, "submissions"),
        (jd.SubmissionCompiled, "submissions"),
        (jd.SubmissionJudged, "submissions"),
        (jd.TestJudged, "submission_tests"),
    }


def test_rows_keep_the_source_but_never_hidden_tests() -> None:
    rows = _rows()
    (submit,) = [r for m, _, r in rows if m is jd.SubmitSolution][:1]
    assert (submit["source"], submit["source_bytes"], submit["mode"]) == ("print(3)\n", 9, "submit")
    assert all("HIDDEN" not in str(r) and "SECRET" not in str(r) for _, _, r in rows)
    judged = [r for m, _, r in rows if m is jd.SubmissionJudged][1]
    assert (judged["verdict"], judged["source"], judged["source_bytes"]) == (
        "wrong_answer",
        "",
        None,
    )
