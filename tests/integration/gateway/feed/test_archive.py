"""Scrolling back past the capped Redis timeline: the gateway in process,
the projector's real SQL endpoint (uvicorn) over a real chDB holding the
feed's tables as the projector fills them, and Redis written by the
projection's own writes. A reader with more posts than the cap keeps
scrolling, chronologically and ranked, into the archive: every post once,
in order, never a wall."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway.feed.pages import RANKED_WINDOW
from infra.settings import Settings
from projections.archive import ARCHIVE_DDL
from projections.clickhouse import ChdbClickHouse
from projections.feed import PROJECTION as FEED
from projections.feed import keys
from projections.feed.clickhouse import COLUMNS, rows_of
from projections.log_record import LogRecord
from tests.integration.gateway.conftest import Gateway, running_gateway, unique
from tests.integration.gateway.feed.projected import T0_MS, FeedProjected, member_key
from tests.integration.gateway.test_analytics_sql import analytics_settings, projector_sql

pytestmark = pytest.mark.integration

# Fixtures: these use this module's `clickhouse` (the feed tables).
__all__ = ["analytics_settings", "projector_sql"]

POSTS = keys.TIMELINE_CAP + 150


@pytest.fixture
def clickhouse(tmp_path: Path) -> Iterator[ChdbClickHouse]:
    ch = ChdbClickHouse(tmp_path / "chdb", "f_" + uuid.uuid4().hex[:12])
    ch.execute(ARCHIVE_DDL)
    for ddl in FEED.ddl:
        ch.execute(ddl)
    yield ch
    ch.close()


def _archived(ch: ChdbClickHouse, projected: FeedProjected) -> None:
    """Every record applied so far, as the projector inserts it (twice: it may
    read a record again)."""
    rows: dict[str, list[tuple[object, ...]]] = {}
    for offset, (topic, _, record) in enumerate(projected.steps):
        message = LogRecord(topic, 0, offset, b"", b"", 0)
        for table, row in rows_of(type(record), record.model_dump(), message):
            rows.setdefault(table, []).append(row)
    for _ in range(2):
        for table, table_rows in rows.items():
            ch.insert(table, table_rows, COLUMNS[table])


async def _scroll(
    client: Any, member: str, headers: dict[str, str], mode: str, limit: int
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(POSTS // limit + 5):
        params: dict[str, Any] = {"mode": mode, "limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        answer = await client.get(
            f"/v1/feed/members/{member}/timeline", params=params, headers=headers
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert len(body["items"]) <= limit
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the feed did not end")


async def test_scrolling_back_past_the_cap_reads_the_archive_in_order(
    analytics_settings: Settings, clickhouse: ChdbClickHouse
) -> None:
    reader, ann, bob = unique("r"), unique("ann"), unique("bob")
    projected = FeedProjected(analytics_settings)
    try:
        projected.members(reader, ann, bob)
        projected.follows(reader, ann)
        for i in range(POSTS):
            author = ann if i % 2 else bob
            projected.post(author, f"p{i:05d}", T0_MS + 1_000 * i, [reader])
        # bob is not followed: his posts are hidden in Redis and the archive alike.
        projected.deletes(ann, "p00001")
        _archived(clickhouse, projected)
        size = projected.client.zcard(f"{analytics_settings.namespace}:{keys.timeline(reader)}")
        assert size == keys.TIMELINE_CAP
    finally:
        projected.client.close()

    expected = [f"p{i:05d}" for i in reversed(range(POSTS)) if i % 2 and i != 1]
    async with running_gateway(analytics_settings) as client:
        gateway = Gateway(client, analytics_settings, analytics_settings.api_keys_file)
        headers = member_key(gateway, reader)
        chronological = await _scroll(client, reader, headers, "chronological", 100)
        assert [item["post_id"] for item in chronological] == expected
        ranked = await _scroll(client, reader, headers, "ranked", 100)
    ranked_ids = [item["post_id"] for item in ranked]
    assert sorted(ranked_ids) == sorted(expected)
    assert len(ranked_ids) == len(set(ranked_ids))
    # Past the window the ranked feed goes on chronologically, without scores.
    tail = [item for item in ranked if "score" not in item]
    assert tail and [i["post_id"] for i in tail] == sorted(
        (i["post_id"] for i in tail), reverse=True
    )


async def test_a_timeline_longer_than_the_ranked_window_goes_on_below_it(
    analytics_settings: Settings, clickhouse: ChdbClickHouse
) -> None:
    """Under the cap but past RANKED_WINDOW: the newest window is ranked, the
    rest follows chronologically (from the archive), every post once."""
    posts = RANKED_WINDOW + 100
    reader, ann = unique("r"), unique("ann")
    projected = FeedProjected(analytics_settings)
    try:
        projected.members(reader, ann)
        projected.follows(reader, ann)
        for i in range(posts):
            projected.post(ann, f"q{i:05d}", T0_MS + 1_000 * i, [reader])
        _archived(clickhouse, projected)
    finally:
        projected.client.close()

    async with running_gateway(analytics_settings) as client:
        gateway = Gateway(client, analytics_settings, analytics_settings.api_keys_file)
        ranked = await _scroll(client, reader, member_key(gateway, reader), "ranked", 100)
    ids = [item["post_id"] for item in ranked]
    assert sorted(ids) == sorted(f"q{i:05d}" for i in range(posts))
    assert len(ids) == len(set(ids))
    scored = [item["post_id"] for item in ranked if "score" in item]
    assert sorted(scored) == [f"q{i:05d}" for i in range(posts - RANKED_WINDOW, posts)]
    assert ids[RANKED_WINDOW:] == sorted(ids[RANKED_WINDOW:], reverse=True)
