"""Recommendations' SQL in chDB over a story known by hand
(tests/unit/projections/music/recommendation_records.py): the expected
neighbours, the listener's own plays left out, and a deleted listener's plays
moving nothing (while the same plays, not deleted, do move them: the test
can fail)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from projections.clickhouse import ChdbClickHouse
from projections.log_record import LogRecord
from projections.music import PROJECTION as MUSIC
from projections.music.clickhouse import COLUMNS, rows_of
from projections.music.recommendations_sql import (
    because_you_played_sql,
    fans_also_like_sql,
    listener_track_streams_sql,
)
from tests.unit.projections.music.recommendation_records import SINCE_MS, recommendation_story
from tests.unit.projections.music.records import Story

pytestmark = pytest.mark.integration


def answers(path: Path, database: str, story: Story) -> dict[str, list[tuple[Any, ...]]]:
    """Each query's rows after the story is projected (twice: duplicates collapse)."""
    ch = ChdbClickHouse(path, database)
    try:
        for ddl in MUSIC.ddl:
            ch.execute(ddl)
        rows: dict[str, list[tuple[object, ...]]] = {}
        for _ in range(2):
            for offset, (topic, _, record) in enumerate(story.steps):
                message = LogRecord(topic, 0, offset, b"", b"", 0)
                for table, row in rows_of(type(record), record.model_dump(), message):
                    rows.setdefault(table, []).append(row)
        for table, table_rows in rows.items():
            ch.insert(table, table_rows, COLUMNS[table])
        ask = ch.query_read_only
        return {
            "fans": [(r["artist_id"], int(r["shared_listeners"]), round(r["jaccard"], 4))
                     for r in ask(fans_also_like_sql("a1", SINCE_MS))],
            "because": [(r["track_id"], int(r["sessions"]))
                        for r in ask(because_you_played_sql("t1"))],
            "because_cat": [(r["track_id"], int(r["sessions"]))
                            for r in ask(because_you_played_sql("t1", listener="cat"))],
            "matrix": [(r["listener"], r["track_id"], int(r["streams"]))
                       for r in ask(listener_track_streams_sql())],
        }  # fmt: skip
    finally:
        ch.close()


def test_the_neighbours_are_the_storys(tmp_path: Path, namespace: str) -> None:
    got = answers(tmp_path / "chdb", namespace, recommendation_story())
    assert got["fans"] == [("a2", 3, 0.75), ("a3", 1, 0.25), ("a4", 1, 0.25)]
    assert got["because"] == [("t3", 3), ("t4", 2)]
    assert got["because_cat"] == [("t4", 2)]  # cat played t3 herself
    assert ("fred", "t4", 1) in got["matrix"] and len(got["matrix"]) == 11


def test_a_deleted_listeners_plays_move_nothing(tmp_path: Path, namespace: str) -> None:
    without = answers(tmp_path / "a", namespace, recommendation_story())
    deleted = answers(tmp_path / "b", namespace, recommendation_story(True, eve_deleted=True))
    kept = answers(tmp_path / "c", namespace, recommendation_story(True))
    assert deleted == without
    # The same plays kept would lift a4 and make t5 t1's nearest track.
    assert kept["fans"][1] == ("a4", 2, 0.4)
    assert kept["because"][0] == ("t5", 4)
