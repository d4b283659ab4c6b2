"""The deploy tables in chDB: history, step durations and the DORA figures,
correct when the projector inserts the same records twice, and asked the way
an analyst asks (bare table names, the read-only check)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.archive import ARCHIVE_DDL
from projections.clickhouse import ChdbClickHouse
from projections.deploy import PROJECTION as DEPLOY
from projections.deploy.clickhouse import COLUMNS, rows_of
from projections.deploy.dora import dora_sql, history_sql, step_durations_sql
from projections.log_record import LogRecord
from tests.unit.projections.deploy.records import SERVICE, T1_MS, Story, did, story

pytestmark = pytest.mark.integration


@pytest.fixture
def clickhouse(tmp_path: Path, namespace: str) -> Iterator[ChdbClickHouse]:
    ch = ChdbClickHouse(tmp_path / "chdb", namespace)
    ch.execute(ARCHIVE_DDL)
    for ddl in DEPLOY.ddl:
        ch.execute(ddl)
    yield ch
    ch.close()


def insert(ch: ChdbClickHouse, s: Story) -> None:
    rows: dict[str, list[tuple[object, ...]]] = {}
    for offset, (topic, _, record) in enumerate(s.steps):
        message = LogRecord(topic, 0, offset, b"", b"", 0)
        for table, row in rows_of(type(record), record.model_dump(), message):
            rows.setdefault(table, []).append(row)
    for table, table_rows in rows.items():
        ch.insert(table, table_rows, COLUMNS[table])


def test_history_and_dora_stay_right_under_duplicate_inserts(clickhouse: ChdbClickHouse) -> None:
    s = story()
    insert(clickhouse, s)
    insert(clickhouse, s)  # the projector re-read the same records

    history = clickhouse.query_read_only(history_sql(SERVICE))
    assert [(h["deployment_id"], h["outcome"], h["commit"], h["deployer"]) for h in history] == [
        (did(2), "rolled_back", "", "alice"),
        (did(1), "succeeded", "c1", "alice"),
    ]
    (d1,) = [h for h in history if h["deployment_id"] == did(1)]
    assert int(d1["committed_at_ms"]) == T1_MS

    (week,) = clickhouse.query_read_only(dora_sql(SERVICE))
    started_ms = int(d1["started_at_ms"])
    assert week["deployments"] == 1
    assert int(week["lead_time_ms"]) == started_ms + 10_000 - T1_MS
    assert week["change_failure_rate"] == 0.5
    assert int(week["time_to_restore_ms"]) == 1000  # rollback started at +2 s, ended at +3 s
    assert clickhouse.query_read_only(dora_sql("nobody")) == []

    durations = clickhouse.query_read_only(step_durations_sql(SERVICE))
    by_step = {(d["action"], d["step"]): d for d in durations}
    assert by_step[("install", "switched")]["steps"] == 3
    assert by_step[("install", "healthy")]["failed"] == 1
    assert by_step[("restore", "rolled_back")]["steps"] == 1
    assert int(by_step[("install", "fetched")]["p50_ms"]) == 10
