"""The feed tables in chDB: the story inserted twice (the projector read the
same records again) gives each answer once, asked as an analyst asks (bare
table names, the read-only check): top posts, engagement per hour, fan-out
cost per post, active members per day, the timeline archive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.archive import ARCHIVE_DDL
from projections.clickhouse import ChdbClickHouse
from projections.feed import PROJECTION as FEED
from projections.feed.clickhouse import COLUMNS, rows_of
from projections.log_record import LogRecord
from tests.unit.projections.feed.records import Story, story

pytestmark = pytest.mark.integration


@pytest.fixture
def clickhouse(tmp_path: Path, namespace: str) -> Iterator[ChdbClickHouse]:
    ch = ChdbClickHouse(tmp_path / "chdb", namespace)
    ch.execute(ARCHIVE_DDL)
    for ddl in FEED.ddl:
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


def test_the_analysts_questions_are_answered_once_under_duplicate_inserts(
    clickhouse: ChdbClickHouse,
) -> None:
    s = story()
    insert(clickhouse, s)
    insert(clickhouse, s)
    ask = clickhouse.query_read_only

    (top, *_) = ask("SELECT * FROM feed_top_posts ORDER BY engagement DESC, post_id")
    assert (top["post_id"], top["author"]) == ("p1", "ann")
    assert [int(top[k]) for k in ("likes", "shares", "comments", "engagement")] == [1, 1, 1, 3]

    hours = ask("SELECT kind, sum(reactions) AS n FROM feed_engagement_per_hour GROUP BY kind "
                "ORDER BY kind")  # fmt: skip
    assert [(h["kind"], int(h["n"])) for h in hours] == [
        ("comment", 1), ("like", 2), ("share", 1), ("unlike", 1),
    ]  # fmt: skip

    cost = ask("SELECT post_id, entries, buckets FROM feed_fanout_per_post ORDER BY post_id")
    assert [(c["post_id"], int(c["entries"]), int(c["buckets"])) for c in cost] == [
        ("p1", 2, 2), ("p2", 2, 2),
    ]  # fmt: skip

    (day,) = ask("SELECT toString(day) AS day, members, actions FROM feed_active_members_per_day")
    assert (day["day"], int(day["members"]), int(day["actions"])) == ("2023-11-14", 4, 21)

    archive = ask("SELECT DISTINCT post_id FROM feed_timeline_entries FINAL "
                  "WHERE reader = 'bob' ORDER BY post_id")  # fmt: skip
    assert [a["post_id"] for a in archive] == ["p1", "p2", "p3"]

    life = ask("SELECT kind, version, deleted FROM feed_posts FINAL WHERE post_id = 'p2' "
               "ORDER BY at_ms")  # fmt: skip
    assert [(p["kind"], int(p["version"]), int(p["deleted"])) for p in life] == [
        ("published", 1, 0), ("deleted", 0, 1),
    ]  # fmt: skip
