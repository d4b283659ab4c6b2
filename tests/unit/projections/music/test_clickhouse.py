"""The music rows, pure: each table's rows have its columns and every table
has DDL; every play decided is a row, counted or not; a deletion, a session
and a track are rows of their own; the views leave deleted plays out (their
SQL is tested in chDB: tests/integration/projections/music/test_clickhouse.py)."""

from __future__ import annotations

from collections import Counter

from projections.log_record import LogRecord
from projections.music.clickhouse import COLUMNS, DDL, rows_of
from tests.unit.projections.music.records import CUT_MS, story


def _rows() -> list[tuple[str, dict[str, object]]]:
    out = []
    for offset, (topic, _, record) in enumerate(story().steps):
        message = LogRecord(topic, 0, offset, b"", b"", 0)
        for table, row in rows_of(type(record), record.model_dump(), message):
            out.append((table, dict(zip(COLUMNS[table], row, strict=True))))
    return out


def test_every_table_has_ddl_and_gets_rows() -> None:
    tables = Counter(table for table, _ in _rows())
    assert set(tables) == set(COLUMNS)
    assert all(f"{{db}}.{table} (" in "".join(DDL) for table in COLUMNS)


def test_every_decided_play_is_a_row_counted_or_not() -> None:
    plays = [(r["listener"], r["track_id"], r["counted"], r["reason"], r["artist_id"])
             for t, r in _rows() if t == "music_plays"]  # fmt: skip
    assert plays == [
        ("ann", "t1", 1, "", "a1"), ("bob", "t1", 1, "", "a1"), ("bob", "t3", 1, "", "a2"),
        ("ann", "t2", 1, "", "a1"), ("ann", "t1", 0, "short", ""), ("ann", "t2", 1, "", "a1"),
    ]  # fmt: skip


def test_a_deletion_a_session_and_a_track_are_rows_of_their_own() -> None:
    rows = _rows()
    assert [(r["listener"], r["before_ms"], r["removed"]) for t, r in rows
            if t == "music_history_deletions"] == [("ann", CUT_MS, 2)]  # fmt: skip
    assert [(r["session_id"], r["plays"]) for t, r in rows if t == "music_sessions"] == [("s1", 2)]
    tracks = {r["track_id"]: r["genres"] for t, r in rows if t == "music_catalog_tracks"}
    assert tracks == {"t1": '["pop","rock"]', "t2": '["pop"]', "t3": '["jazz"]'}


def test_views_read_the_kept_plays_through_the_cut() -> None:
    views = [ddl for ddl in DDL if "CREATE VIEW" in ddl]
    names = [ddl.split("{db}.")[1].split(" ")[0] for ddl in views]
    assert names == [
        "music_deletion_cuts", "music_streams", "music_streams_daily", "music_royalties_monthly",
        "music_listening_sessions", "music_year_in_review",
    ]  # fmt: skip
    assert all("music_streams" in ddl for ddl in views[2:])
