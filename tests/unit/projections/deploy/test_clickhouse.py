from __future__ import annotations

import re
from typing import Any

from projections.deploy.clickhouse import COLUMNS, DDL, clickhouse_rows
from projections.log_record import LogRecord
from schemas import deploy as dp
from tests.unit.projections.deploy.records import story


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
        (dp.ReleaseCreated, "releases"),
        (dp.DeploymentStarted, "deployment_events"),
        (dp.DeploymentQueued, "deployment_events"),
        (dp.RollbackStarted, "deployment_events"),
        (dp.DeploymentSucceeded, "deployment_events"),
        (dp.DeploymentRolledBack, "deployment_events"),
        (dp.DeploymentDequeued, "deployment_events"),
        (dp.HostStepReported, "host_steps"),
    }


def test_an_end_row_says_when_and_how_it_ended() -> None:
    (rolled_back,) = [r for m, _, r in _rows() if m is dp.DeploymentRolledBack]
    assert (rolled_back["kind"], rolled_back["version"], rolled_back["reason"]) == (
        "rolled_back",
        "v2",
        "canary failed",
    )
    assert rolled_back["at_ms"] - rolled_back["started_at_ms"] == 3000
