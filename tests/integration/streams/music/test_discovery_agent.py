"""The weekly discovery end to end on the real broker and chDB: a
RecomputeDiscovery tick on music.discovery-ticks, the recommender in a real
worker reading counted streams from a projector's SQL endpoint (served here
over chDB holding a story known by hand, tests/unit/projections/music/
recommendation_records.py), and one DiscoveryPlaylistComputed per listener
on music.recommendations: the listeners with kept streams and no other (eve
deleted her history), no played track in any playlist, the playlists the
pure core computes from the same cells (a run is reproducible), once each.
With the endpoint away, the tick goes to the dead-letter topic after the
bounded retries, with its reason."""

from __future__ import annotations

import dataclasses
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import uvicorn

from infra import processes
from infra.settings import Settings
from onelog import platform
from projections.analytics_app import create_analytics_app
from projections.analytics_token import analytics_token
from projections.clickhouse import ChdbClickHouse
from projections.log_record import LogRecord
from projections.music import PROJECTION as MUSIC
from projections.music.clickhouse import COLUMNS, rows_of
from schemas.music.recommendations import DiscoveryPlaylistComputed, RecomputeDiscovery
from schemas.music.topics import MUSIC_DISCOVERY_TICKS, MUSIC_RECOMMENDATIONS
from streams.music.discovery import AlsParameters, discovery_playlists, listening_matrix
from tests.support.log import LogReader, LogWriter, Seen, command, records
from tests.support.ports import free_port
from tests.unit.projections.music.recommendation_records import recommendation_story

pytestmark = pytest.mark.integration

# The worker's first start loads Faust, implicit and scipy.
TIMEOUT = 180


@pytest.fixture(scope="module")
def discovery_worker(infrastructure: Settings) -> Iterator[Settings]:
    """Worker 1, the only member of the stages' group, looking for counted
    streams on a port only this module serves: the platform's projector
    (an end-to-end session's, say) answers on settings.analytics_url with
    other streams. A worker already running steps aside and comes back."""
    settings = dataclasses.replace(infrastructure, analytics_url=f"http://127.0.0.1:{free_port()}")
    name = platform.worker_name(1)
    was_running = processes.stop(infrastructure.state_dir, name)
    platform.wait_for_worker(settings, platform.start_worker(settings, 1), 1)
    yield settings
    processes.stop(infrastructure.state_dir, name)
    if was_running:
        platform.wait_for_worker(infrastructure, platform.start_worker(infrastructure, 1), 1)


@pytest.fixture
def counted_streams_endpoint(
    discovery_worker: Settings, tmp_path: Path
) -> Iterator[ChdbClickHouse]:
    """The SQL endpoint where the worker looks for it, over a chDB holding
    the story's streams."""
    ch = ChdbClickHouse(tmp_path / "chdb", "d_" + uuid.uuid4().hex[:12])
    for ddl in MUSIC.ddl:
        ch.execute(ddl)
    rows: dict[str, list[tuple[object, ...]]] = {}
    story = recommendation_story(with_eve=True, eve_deleted=True)
    for offset, (topic, _, record) in enumerate(story.steps):
        for table, row in rows_of(
            type(record), record.model_dump(), LogRecord(topic, 0, offset, b"", b"", 0)
        ):
            rows.setdefault(table, []).append(row)
    for table, table_rows in rows.items():
        ch.insert(table, table_rows, COLUMNS[table])
    app = create_analytics_app(ch, analytics_token(discovery_worker.state_dir))
    port = urlparse(discovery_worker.analytics_url).port
    assert port is not None
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.05)
    assert server.started, f"the SQL endpoint did not start on port {port} (in use?)"
    yield ch
    server.should_exit = True
    thread.join(10)
    ch.close()


def _a_week() -> str:
    """A week no earlier run on this broker asked for, most likely."""
    return f"{random.randrange(2100, 9999)}-W{random.randrange(1, 53):02d}"


def _answers_to(tick: RecomputeDiscovery) -> Callable[[Seen], bool]:
    def keep(seen: Seen) -> bool:
        return seen.record is not None and seen.record.envelope.causation_id == (
            tick.envelope.event_id
        )

    return keep


def test_a_tick_computes_every_listeners_playlist_once(
    counted_streams_endpoint: ChdbClickHouse, discovery_worker: Settings, writer: LogWriter
) -> None:
    ch = counted_streams_endpoint
    cells = [
        (r["listener"], r["track_id"], int(r["streams"]))
        for r in ch.query_read_only(
            "SELECT listener, track_id, count() AS streams FROM music_streams"
            " GROUP BY listener, track_id"
        )
    ]
    expected = discovery_playlists(listening_matrix(cells), AlsParameters())
    assert set(expected) == {"ann", "bob", "cat", "dan", "fred"}  # eve's deleted

    reader = LogReader(
        discovery_worker.kafka_bootstrap, [MUSIC_RECOMMENDATIONS.name], from_end=True
    )
    tick = command(RecomputeDiscovery, week=_a_week())
    assert isinstance(tick, RecomputeDiscovery)
    writer.send(tick)
    try:
        reader.wait_for(
            _answers_to(tick),
            lambda seen: len(seen) >= len(expected),
            timeout=TIMEOUT,
        )
        # Nothing more comes after a while: each listener once.
        time.sleep(2)
        reader.wait_for(_answers_to(tick), lambda seen: True, timeout=1)
        seen = reader.seen
    finally:
        reader.close()
    computed = records(seen, DiscoveryPlaylistComputed)
    assert len(computed) == len(seen) == len(expected)
    assert {c.listener: c.tracks for c in computed} == expected
    played = {(listener, track) for listener, track, _ in cells}
    for c in computed:
        assert c.week == tick.week and c.model == AlsParameters().describe()
        assert c.envelope.key == c.listener
        assert not [t for t in c.tracks if (c.listener, t) in played]


def test_a_tick_goes_to_the_dead_letter_topic_when_the_streams_cannot_be_read(
    discovery_worker: Settings, writer: LogWriter
) -> None:
    # No endpoint serves the worker's analytics_url in this test.
    reader = LogReader(discovery_worker.kafka_bootstrap, [MUSIC_DISCOVERY_TICKS.dlq], from_end=True)
    tick = command(RecomputeDiscovery, week=_a_week())
    writer.send(tick)
    try:
        seen = reader.wait_for(
            lambda s: s.record is not None and s.record.envelope.event_id == tick.envelope.event_id,
            lambda seen: len(seen) >= 1,
            timeout=TIMEOUT,
        )
    finally:
        reader.close()
    reason = b"".join(v for k, v in seen[0].headers.items() if "reason" in k)
    assert b"counted streams unreadable" in reason, seen[0].headers
