"""The feed's rows, pure: each table's rows have its columns, a fan-out
costs one row with its readers counted, and the archive gets a row per
reader and post with where it came from."""

from __future__ import annotations

from collections import Counter

from projections.feed.clickhouse import COLUMNS, DDL, rows_of
from projections.log_record import LogRecord
from tests.unit.projections.feed.records import story


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


def test_the_archive_holds_every_entry_with_its_source() -> None:
    entries = [(r["reader"], r["post_id"], r["source"]) for t, r in _rows()
               if t == "feed_timeline_entries"]  # fmt: skip
    assert sorted(entries) == [
        ("bob", "p1", "fanout"), ("bob", "p2", "fanout"), ("bob", "p3", "backfill"),
        ("bob", "p3", "follow"), ("cat", "p1", "fanout"), ("cat", "p2", "fanout"),
    ]  # fmt: skip
    removals = [(r["reader"], r["post_id"], r["cause"]) for t, r in _rows()
                if t == "feed_timeline_removals"]  # fmt: skip
    assert sorted(removals) == [("bob", "p2", "delete"), ("cat", "p1", "purge"),
                                ("cat", "p2", "purge")]  # fmt: skip


def test_a_fan_out_costs_one_row_counting_its_readers() -> None:
    costs = [(r["post_id"], r["bucket"], r["entries"]) for t, r in _rows()
             if t == "feed_fanout_cost"]  # fmt: skip
    assert costs == [("p1", 0, 1), ("p1", 1, 1), ("p2", 0, 1), ("p2", 1, 1)]


def test_posts_keep_versions_and_deletion() -> None:
    posts = [(r["post_id"], r["kind"], r["version"], r["deleted"], r["text"])
             for t, r in _rows() if t == "feed_posts"]  # fmt: skip
    assert posts == [
        ("p1", "published", 1, 0, "p1 as published"), ("p1", "edited", 2, 0, "p1 as edited"),
        ("p2", "published", 1, 0, "p2 as published"), ("p3", "published", 1, 0, "p3 as published"),
        ("p2", "deleted", 0, 1, ""),
    ]  # fmt: skip


def test_engagement_and_activity_name_the_member_who_acted() -> None:
    rows = _rows()
    engagement = [(r["member"], r["kind"]) for t, r in rows if t == "feed_engagement"]
    assert engagement == [("bob", "like"), ("bob", "share"), ("cat", "comment"),
                          ("cat", "like"), ("cat", "unlike")]  # fmt: skip
    activity = Counter(r["member"] for t, r in rows if t == "feed_member_activity")
    assert activity == {"ann": 5, "bob": 7, "cat": 7, "dan": 2}
