"""The music tables and views in chDB: the story inserted twice (the
projector read the same records again) gives each answer once, asked as an
analyst asks (bare names, the read-only check), and no view holds a play
that a deletion's cut covers: ann's plays before her cut are in none, her
play after it is in all; a later cut of bob's takes his out of every view at
once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from projections.archive import ARCHIVE_DDL
from projections.clickhouse import ChdbClickHouse
from projections.log_record import LogRecord
from projections.music import PROJECTION as MUSIC
from projections.music.clickhouse import COLUMNS, rows_of
from schemas.music import plays as pd
from tests.unit.projections.music.records import AFTER_CUT_MS, LISTENS, Story, story

pytestmark = pytest.mark.integration


@pytest.fixture
def clickhouse(tmp_path: Path, namespace: str) -> Iterator[ChdbClickHouse]:
    ch = ChdbClickHouse(tmp_path / "chdb", namespace)
    ch.execute(ARCHIVE_DDL)
    for ddl in MUSIC.ddl:
        ch.execute(ddl)
    yield ch
    ch.close()


def insert(ch: ChdbClickHouse, s: Story, first_offset: int = 0) -> None:
    rows: dict[str, list[tuple[object, ...]]] = {}
    for offset, (topic, _, record) in enumerate(s.steps, start=first_offset):
        message = LogRecord(topic, 0, offset, b"", b"", 0)
        for table, row in rows_of(type(record), record.model_dump(), message):
            rows.setdefault(table, []).append(row)
    for table, table_rows in rows.items():
        ch.insert(table, table_rows, COLUMNS[table])


def answers(ch: ChdbClickHouse) -> dict[str, list[tuple[Any, ...]]]:
    ask = ch.query_read_only
    return {
        "streams": [(r["listener"], r["track_id"]) for r in ask(
            "SELECT listener, track_id FROM music_streams ORDER BY listener, started_at_ms")],
        "daily": [(r["track_id"], int(r["streams"])) for r in ask(
            "SELECT track_id, sum(streams) AS streams FROM music_streams_daily "
            "GROUP BY track_id ORDER BY track_id")],
        "royalties": [(r["artist_id"], int(r["streams"]), int(r["listeners"])) for r in ask(
            "SELECT artist_id, sum(streams) AS streams, sum(listeners) AS listeners "
            "FROM music_royalties_monthly GROUP BY artist_id ORDER BY artist_id")],
        "sessions": [(r["session_id"], int(r["plays"])) for r in ask(
            "SELECT session_id, plays FROM music_listening_sessions ORDER BY session_id")],
        "review": [(r["listener"], r["kind"], r["item"], int(r["streams"]), int(r["minutes"]))
                   for r in ask("SELECT * FROM music_year_in_review "
                                "ORDER BY listener, kind, item")],
    }  # fmt: skip


def test_the_views_leave_deleted_plays_out_under_duplicate_inserts(
    clickhouse: ChdbClickHouse,
) -> None:
    s = story()
    insert(clickhouse, s)
    insert(clickhouse, s)
    got = answers(clickhouse)
    assert got["streams"] == [("ann", "t2"), ("bob", "t1"), ("bob", "t3")]
    assert got["daily"] == [("t1", 1), ("t2", 1), ("t3", 1)]
    assert got["royalties"] == [("a1", 2, 2), ("a2", 1, 1)]
    assert got["sessions"] == [("b1", 2), ("s2", 1)]
    assert got["review"] == [
        ("ann", "artist", "a1", 1, 3), ("ann", "genre", "pop", 1, 3),
        ("ann", "total", "", 1, 3), ("ann", "track", "t2", 1, 3),
        ("bob", "artist", "a1", 1, 3), ("bob", "artist", "a2", 1, 3),
        ("bob", "genre", "jazz", 1, 3), ("bob", "genre", "pop", 1, 3),
        ("bob", "genre", "rock", 1, 3), ("bob", "total", "", 2, 6),
        ("bob", "track", "t1", 1, 3), ("bob", "track", "t3", 1, 3),
    ]  # fmt: skip
    raw = clickhouse.query_read_only("SELECT count() AS n FROM music_plays FINAL")
    assert int(raw[0]["n"]) == 6  # every decided play is kept, deleted or not


def test_a_cut_takes_the_listeners_plays_out_of_every_view_at_once(
    clickhouse: ChdbClickHouse,
) -> None:
    s = story()
    insert(clickhouse, s)
    cut = Story()
    cut.add(LISTENS, "bob", pd.ListeningHistoryDeleted, listener="bob",
            before_ms=AFTER_CUT_MS, removed=[])  # fmt: skip
    insert(clickhouse, cut, first_offset=len(s.steps))
    got = answers(clickhouse)
    assert got["streams"] == [("ann", "t2")]
    assert got["daily"] == [("t2", 1)]
    assert got["royalties"] == [("a1", 1, 1)]
    assert got["sessions"] == [("s2", 1)]
    assert {listener for listener, *_ in got["review"]} == {"ann"}
