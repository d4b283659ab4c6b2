"""Search's popularity from the real chDB views through the projector's SQL
endpoint (served as the projector serves it, on loopback, asked with the
analytics token): counted streams per track, artist and album with a
listener's deleted plays left out, put on the index's documents; an
endpoint that does not answer leaves the figures as they were."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from projections.analytics_app import create_analytics_app
from projections.analytics_token import analytics_token
from projections.archive import ARCHIVE_DDL
from projections.clickhouse import ChdbClickHouse
from projections.log_record import LogRecord
from projections.music import PROJECTION as MUSIC
from projections.music.clickhouse import COLUMNS, rows_of
from projections.music.search_index import SearchIndex
from projections.music.search_indexer import SearchIndexer, refresh_from
from projections.music.search_popularity import fetch_popularity
from tests.support.ports import free_port
from tests.unit.projections.music.records import story

pytestmark = pytest.mark.integration

# The story's counted streams that no deletion covers: bob's t1 (a1) and t3
# (a2), ann's t2 (a1) after her cut; every track on album al1.
EXPECTED = {
    "track:t1": 1,
    "track:t2": 1,
    "track:t3": 1,
    "artist:a1": 2,
    "artist:a2": 1,
    "album:al1": 3,
}


@pytest.fixture
def analytics_url(tmp_path: Path, namespace: str) -> Iterator[str]:
    ch = ChdbClickHouse(tmp_path / "chdb", namespace)
    ch.execute(ARCHIVE_DDL)
    for ddl in MUSIC.ddl:
        ch.execute(ddl)
    rows: dict[str, list[tuple[object, ...]]] = {}
    for offset, (topic, _, record) in enumerate(story().steps):
        message = LogRecord(topic, 0, offset, b"", b"", 0)
        for table, row in rows_of(type(record), record.model_dump(), message):
            rows.setdefault(table, []).append(row)
    for table, table_rows in rows.items():
        ch.insert(table, table_rows, COLUMNS[table])
    port = free_port()
    app = create_analytics_app(ch, analytics_token(tmp_path))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the analytics endpoint did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    ch.close()


def test_popularity_is_counted_streams_without_deleted_plays(
    analytics_url: str, tmp_path: Path
) -> None:
    assert fetch_popularity(analytics_url, tmp_path) == EXPECTED


def test_the_index_takes_the_figures_and_keeps_them_when_the_endpoint_is_away(
    analytics_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "search"
    indexer = SearchIndexer(folder)
    for offset, (topic, _, record) in enumerate(story().steps):
        indexer.apply(record, topic, 0, offset)
    indexer.commit()
    refresh_from(indexer, lambda: fetch_popularity(analytics_url, tmp_path))
    figures = {d.key: d.popularity for d in SearchIndex.open(folder).documents()}
    # t3 is withdrawn: no document, whatever its streams; a2 has one.
    assert figures == {k: v for k, v in EXPECTED.items() if k != "track:t3"}

    away = f"http://127.0.0.1:{free_port()}"
    refresh_from(indexer, lambda: fetch_popularity(away, tmp_path, timeout_s=2.0))
    assert {d.key: d.popularity for d in SearchIndex.open(folder).documents()} == figures
    indexer.close()
