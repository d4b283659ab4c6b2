"""The search indexer process on the real broker: catalog records and
playlist facts sealed on this test's own topics (3 partitions each), the
process (`python -m projections.music.search_indexer`) finds them, is
killed with SIGKILL while it indexes the second half, is started again and
ends with every document once; a rebuild from offset 0 into a fresh folder
gives the same documents."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import Settings
from projections.music.search_index import SearchDocument, SearchIndex
from projections.music.search_indexer import TOPICS, log_documents, rebuild
from projections.music.search_positions import load_positions
from schemas.envelope import Record
from schemas.music.catalog import ArtistPublished, CatalogEntryWithdrawn, TrackPublished
from schemas.music.playlists import (
    PlaylistCreated,
    PlaylistFollowed,
    PlaylistRenamed,
    PlaylistVisibilityChanged,
)
from schemas.registry import registry
from streams.sealing import build_record, new_event_id, now_micros

pytestmark = pytest.mark.integration

FIRST_TRACKS, SECOND_TRACKS = 500, 20_000
WAIT_S = 90.0


@pytest.fixture
def topics(infrastructure: Settings, namespace: str) -> Iterator[tuple[str, str]]:
    catalog, playlists = (f"{namespace}.{t}" for t in TOPICS)
    admin = AdminClient({"bootstrap.servers": infrastructure.kafka_bootstrap})
    for future in admin.create_topics([NewTopic(t, 3, 1) for t in (catalog, playlists)]).values():
        future.result()
    yield catalog, playlists
    for future in admin.delete_topics([catalog, playlists]).values():
        future.result()


def track(n: int, title: str | None = None) -> TrackPublished:
    return TrackPublished.model_construct(
        catalog_id=f"track:t{n}",
        track_id=f"t{n}",
        album_id=f"al{n % 50}",
        artist_id=f"ar{n % 20}",
        title=title or f"Song number {n} of the night",
        duration_ms=180_000,
        genres=[],
        release_date="2020",
        explicit=False,
    )


def produce(settings: Settings, topic: str, keyed: Sequence[tuple[str, Record]]) -> None:
    producer = Producer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "acks": "all",
            "enable.idempotence": True,
            "partitioner": LIBRDKAFKA_PARTITIONER,
        }
    )
    start = now_micros()
    for n, (key, record) in enumerate(keyed):
        sealed = build_record(
            type(record),
            record.model_dump(exclude={"envelope"}),
            event_id=new_event_id(start + n),
            key=key,
            producer="test",
            correlation_id=None,
            occurred_at=None,
            recorded_at=start + n,
        )
        producer.produce(topic, key=key.encode(), value=registry().encode(sealed))
    assert producer.flush(30) == 0


def start_indexer(folder: Path, prefix: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "projections.music.search_indexer", "--no-popularity"]
    command += ["--folder", str(folder), "--topic-prefix", prefix]
    return subprocess.Popen(command, env=os.environ.copy(), stderr=subprocess.PIPE)


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the indexer exited ({process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT_S} s: {what}")
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> bytes:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate(timeout=10)
    return err


def count(folder: Path) -> int:
    return SearchIndex.open(folder).count()


def read_to(folder: Path, topic: str) -> int:
    """Records of the topic the folder's positions say are indexed."""
    return sum(n for (t, _), n in load_positions(folder).items() if t == topic)


def test_the_indexer_finds_the_log_survives_kill_9_and_a_rebuild_agrees(
    infrastructure: Settings, namespace: str, topics: tuple[str, str], tmp_path: Path
) -> None:
    catalog, playlists = topics
    live = tmp_path / "live"
    first: list[tuple[str, Record]] = [(f"track:t{n}", track(n)) for n in range(FIRST_TRACKS)]
    first.append(
        (
            "artist:ar1",
            ArtistPublished.model_construct(
                catalog_id="artist:ar1", artist_id="ar1", name="Zanzibar Echo", genres=[]
            ),
        )
    )
    produce(infrastructure, catalog, first)
    facts: list[tuple[str, Record]] = [
        (
            "p1",
            PlaylistCreated.model_construct(
                playlist_id="p1",
                owner="l1",
                name="Quiet mornings",
                description="",
                visibility="public",
                version=1,
            ),
        ),
        (
            "p2",
            PlaylistCreated.model_construct(
                playlist_id="p2",
                owner="l2",
                name="Secret quiet list",
                description="",
                visibility="private",
                version=1,
            ),
        ),
        (
            "p1",
            PlaylistFollowed.model_construct(
                playlist_id="p1", listener="l3", followers=1, version=1
            ),
        ),
    ]
    produce(infrastructure, playlists, facts)

    process = start_indexer(live, namespace)
    try:
        wait_for(
            lambda: read_to(live, catalog) == FIRST_TRACKS + 1 and read_to(live, playlists) == 3,
            "the first records indexed",
            process,
        )
        assert count(live) == FIRST_TRACKS + 2
        index = SearchIndex.open(live)
        assert [h.document.key for h in index.search("quiet")] == ["playlist:p1"]
        assert [h.document.key for h in index.search("zanzibr", kinds=("artist",))] == [
            "artist:ar1"
        ]
        assert [h.document.key for h in index.search("number 42")][:1] == ["track:t42"]

        # The second half, with changes to documents of the first: a track
        # renamed, one withdrawn, the private playlist renamed and made public.
        second: list[tuple[str, Record]] = [
            (f"track:t{n}", track(n)) for n in range(FIRST_TRACKS, FIRST_TRACKS + SECOND_TRACKS)
        ]
        second.append(("track:t7", track(7, "Renamed anthem")))
        second.append(
            (
                "track:t8",
                CatalogEntryWithdrawn.model_construct(
                    catalog_id="track:t8", kind="track", entry_id="t8"
                ),
            )
        )
        produce(
            infrastructure,
            playlists,
            [
                (
                    "p2",
                    PlaylistRenamed.model_construct(
                        playlist_id="p2", actor="l2", name="Loud evenings", version=2
                    ),
                ),
                (
                    "p2",
                    PlaylistVisibilityChanged.model_construct(
                        playlist_id="p2", actor="l2", visibility="public", version=3
                    ),
                ),
            ],
        )
        # Half of the second part indexed and committed, then the rest sent and
        # the indexer killed as soon as the broker has it: it is then reading,
        # applying or committing it (waiting for a commit of it instead was
        # too late on a quiet machine, which indexes 20,000 in a blink).
        half = SECOND_TRACKS // 2
        produce(infrastructure, catalog, second[:half])
        wait_for(
            lambda: read_to(live, catalog) == FIRST_TRACKS + 1 + half,
            "the first half of the second part committed",
            process,
        )
        produce(infrastructure, catalog, second[half:])
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        killed_at = load_positions(live)
    finally:
        stop(process)

    catalog_end = FIRST_TRACKS + 1 + SECOND_TRACKS + 2
    assert sum(n for (t, _), n in killed_at.items() if t == catalog) < catalog_end, (
        "the kill came after everything was indexed: it tested nothing"
    )
    expected = FIRST_TRACKS + SECOND_TRACKS - 1 + 1 + 2  # t8 withdrawn; the artist; p1, p2
    restarted = start_indexer(live, namespace)
    try:
        wait_for(
            lambda: read_to(live, catalog) == catalog_end and read_to(live, playlists) == 5,
            "every record indexed after the restart",
            restarted,
        )
    finally:
        err = stop(restarted)
    assert restarted.returncode == 0, err.decode(errors="replace")[-2000:]

    assert count(live) == expected
    documents = log_documents(live)
    keys = [d.key for d in documents]
    assert len(keys) == len(set(keys)) == expected
    by_key = {d.key: d for d in documents}
    assert by_key["track:t7"].title == "Renamed anthem"
    assert "track:t8" not in by_key
    assert by_key["playlist:p2"] == SearchDocument(
        "playlist:p2", "playlist", "p2", "Loud evenings", owner="l2"
    )
    assert by_key["playlist:p1"].popularity == 1

    rebuilt = tmp_path / "rebuilt"
    read = rebuild(infrastructure, rebuilt, topics)
    assert read == catalog_end + len(facts) + 2
    assert log_documents(rebuilt) == documents
    assert load_positions(rebuilt) == load_positions(live)
