"""The search indexer process: `python -m projections.music.search_indexer`.

Keeps the music search index (projections/music/search_index.py) current
from music.catalog and music.playlists, in its own folder
(index_folder(settings) = <state dir>/music/search):

    python -m projections.music.search_indexer                  follow the log
    python -m projections.music.search_indexer rebuild --into D a fresh index in D
                                                                from offset 0 to the end
    --no-popularity     do not ask ClickHouse for popularity
    --folder D          follow into D instead (tests)
    --topic-prefix P    read P.music.catalog and P.music.playlists (tests' own topics)

Following: reads every partition from the positions kept in the folder
(projections/music/search_positions.py; offset 0 for a fresh folder),
applies a batch, then commits the playlist cards, the index, and the
positions, in that order, about once a second. A kill -9 at any point loses
nothing (the positions never run ahead of the index) and doubles nothing (a
record read again replaces its document, keyed by catalog or playlist id).

Popularity: counted streams from ClickHouse (projections/music/
search_popularity.py) each minute; a document whose figure changed is put
again with it. A document written from a record takes the last figure
known, so a re-published track keeps its rank.

Rebuild writes a fresh folder and stops at the log's end as it stood; its
positions are saved, so the rebuilt folder can be followed from there.
`log_documents` is what a rebuild is compared by: the documents with the
catalog's popularity (which is ClickHouse's, not the log's) left out.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType

import httpx
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

from infra.log_reader import read_all
from infra.settings import Settings, load_settings
from projections.music.search_cards import PlaylistCards
from projections.music.search_index import (
    SearchDocument,
    SearchIndex,
    SearchIndexWriter,
    document_of,
    index_folder,
    playlist_key,
    withdrawn_key,
)
from projections.music.search_playlists import evolve_card, playlist_document
from projections.music.search_popularity import fetch_popularity
from projections.music.search_positions import (
    POSITIONS_FILE,
    Stream,
    load_positions,
    save_positions,
)
from schemas.codec import DecodeError
from schemas.envelope import Record
from schemas.music.playlists import PLAYLIST_FACTS
from schemas.music.topics import MUSIC_CATALOG, MUSIC_PLAYLISTS
from schemas.registry import registry

log = logging.getLogger("onelog.music.search")

TOPICS: tuple[str, ...] = (MUSIC_CATALOG.name, MUSIC_PLAYLISTS.name)
COMMIT_INTERVAL_S = 1.0
POPULARITY_INTERVAL_S = 60.0
BATCH_MAX = 2000
POLL_S = 0.5
METADATA_TIMEOUT_S = 10.0
CATALOG_KINDS = ("track", "artist", "album")

PopularitySource = Callable[[], dict[str, int]]


class SearchIndexer:
    """Applies records to the index, the cards and the positions; commits
    them in the order that makes a kill safe."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._writer = SearchIndexWriter(folder)
        self._reader = self._writer.reader()
        self._cards = PlaylistCards(folder)
        self.positions: dict[Stream, int] = load_positions(folder)
        # The catalog's figures as last refreshed, seeded from the index so
        # that a restart keeps them until the first refresh.
        self.popularity: dict[str, int] = {
            d.key: d.popularity
            for d in self._reader.documents()
            if d.kind in CATALOG_KINDS and d.popularity
        }
        self._pending = False

    def apply(self, record: Record, topic: str, partition: int, offset: int) -> None:
        """One record, at its place on the log (its next offset is where to
        resume)."""
        self._apply(record)
        self.positions[(topic, partition)] = offset + 1
        self._pending = True

    def _apply(self, record: Record) -> None:
        if (document := document_of(record)) is not None:
            self._writer.put(replace(document, popularity=self.popularity.get(document.key, 0)))
        elif (key := withdrawn_key(record)) is not None:
            self._writer.drop(key)
        elif isinstance(record, PLAYLIST_FACTS):
            playlist_id: str = record.playlist_id  # type: ignore[attr-defined]
            before = self._cards.get(playlist_id)
            card = evolve_card(before, record)
            if card is None or card == before:
                return
            self._cards.put(card)
            shown = playlist_document(card)
            if shown is None:
                self._writer.drop(playlist_key(playlist_id))
            else:
                self._writer.put(shown)

    def commit(self, always: bool = False) -> bool:
        """Cards, then the index, then the positions; False if nothing was
        pending (`always`: commit even so, e.g. a rebuild of an empty log)."""
        if not (self._pending or always):
            return False
        self._cards.commit()
        self._writer.commit()
        save_positions(self.folder, self.positions)
        self._pending = False
        self._reader.reload()
        return True

    def refresh_popularity(self, popularity: dict[str, int]) -> int:
        """Put again, with its new figure, every committed catalog document
        whose figure changed; how many. Call after `commit` (it reads what is
        committed)."""
        changed = {
            key
            for key in popularity.keys() | self.popularity.keys()
            if popularity.get(key, 0) != self.popularity.get(key, 0)
        }
        self.popularity = dict(popularity)
        updated = 0
        for key in sorted(changed):
            document = self._reader.document(key)
            if document is None or document.kind not in CATALOG_KINDS:
                continue
            self._writer.put(replace(document, popularity=popularity.get(key, 0)))
            updated += 1
        if updated:
            self._writer.commit()
            self._reader.reload()
        return updated

    def close(self) -> None:
        self._writer.close()
        self._cards.close()


def decode(value: bytes | None, where: str) -> Record | None:
    """The record, or None (logged) when it cannot be decoded: the projector
    dead-letters these topics' bad records already; search skips them."""
    if value is None:
        return None
    try:
        return registry().decode(value)
    except DecodeError as exc:
        log.warning("search: skipped an undecodable record at %s: %s", where, exc.reason)
        return None


def _assignment(
    consumer: Consumer, topics: Sequence[str], positions: dict[Stream, int]
) -> list[TopicPartition]:
    deadline = time.monotonic() + METADATA_TIMEOUT_S
    while True:
        metadata = consumer.list_topics(timeout=METADATA_TIMEOUT_S)
        missing = [t for t in topics if t not in metadata.topics or metadata.topics[t].error]
        if not missing:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"search: topics {missing} do not exist (is `onelog up` done?)")
        time.sleep(0.5)
    return [
        TopicPartition(topic, partition, positions.get((topic, partition), OFFSET_BEGINNING))
        for topic in topics
        for partition in sorted(metadata.topics[topic].partitions)
    ]


def follow(
    settings: Settings,
    folder: Path,
    stop: threading.Event,
    popularity_source: PopularitySource | None = None,
    topics: Sequence[str] = TOPICS,
) -> None:
    """Index the log as it grows until `stop` is set, then commit and return."""
    indexer = SearchIndexer(folder)
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "group.id": "onelog-music-search",
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
            "auto.offset.reset": "earliest",
        }
    )
    try:
        consumer.assign(_assignment(consumer, topics, indexer.positions))
        # A first commit, even of nothing: the index and the positions file
        # exist from here on, which is what `up` waits for (is_indexing).
        indexer.commit(always=True)
        log.info("search: indexing %s into %s", ", ".join(topics), folder)
        last_commit = time.monotonic()
        next_refresh = time.monotonic() if popularity_source else float("inf")
        while not stop.is_set():
            messages = consumer.consume(num_messages=BATCH_MAX, timeout=POLL_S)
            for message in messages:
                error = message.error()
                if error is not None:
                    if error.code() != KafkaError._PARTITION_EOF:
                        log.warning("search: consumer error: %s", error)
                    continue
                topic, partition = str(message.topic()), int(message.partition() or 0)
                offset = int(message.offset() or 0)
                record = decode(message.value(), f"{topic}/{partition}@{offset}")
                if record is not None:
                    indexer.apply(record, topic, partition, offset)
                else:
                    indexer.positions[(topic, partition)] = offset + 1
            now = time.monotonic()
            caught_up = len(messages) < BATCH_MAX
            if caught_up or now - last_commit >= COMMIT_INTERVAL_S:
                indexer.commit()
                last_commit = now
            if popularity_source is not None and now >= next_refresh:
                next_refresh = now + POPULARITY_INTERVAL_S
                indexer.commit()
                refresh_from(indexer, popularity_source)
        indexer.commit()
    finally:
        consumer.close()
        indexer.close()


def refresh_from(indexer: SearchIndexer, popularity_source: PopularitySource) -> None:
    """One popularity refresh; a source that cannot answer changes nothing."""
    try:
        popularity = popularity_source()
    except httpx.HTTPError as exc:
        # Bounded by the source's timeout; the figures stay as they were.
        log.warning("search: popularity not refreshed: %s", type(exc).__name__)
        return
    updated = indexer.refresh_popularity(popularity)
    log.info("search: popularity refreshed, %d documents changed", updated)


def rebuild(settings: Settings, into: Path, topics: Sequence[str] = TOPICS) -> int:
    """A fresh index in `into` from offset 0 to the log's end as it stands;
    how many records were read. `into` must not hold an index already."""
    if into.exists() and any(into.iterdir()):
        raise FileExistsError(f"{into} is not empty: a rebuild writes a fresh folder")
    indexer = SearchIndexer(into)
    read = 0
    try:
        for message in read_all(settings.kafka_bootstrap, topics):
            where = f"{message.topic}/{message.partition}@{message.offset}"
            record = decode(message.value, where)
            if record is not None:
                indexer.apply(record, message.topic, message.partition, message.offset)
            read += 1
        indexer.commit(always=True)
    finally:
        indexer.close()
    return read


def is_indexing(folder: Path) -> bool:
    """Whether an indexer has started on this folder (its first commit is there)."""
    return (folder / POSITIONS_FILE).exists()


def log_documents(folder: Path) -> list[SearchDocument]:
    """The folder's documents as the log alone decides them (the catalog's
    popularity, ClickHouse's, set to 0): live and rebuilt indexes agree on these."""
    return [
        replace(d, popularity=0) if d.kind in CATALOG_KINDS else d
        for d in SearchIndex.open(folder).documents()
    ]


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m projections.music.search_indexer")
    commands = parser.add_subparsers(dest="command")
    rebuild_parser = commands.add_parser("rebuild", help="a fresh index from offset 0")
    rebuild_parser.add_argument("--into", type=Path, required=True, help="a new folder")
    parser.add_argument(
        "--no-popularity", action="store_true", help="do not ask ClickHouse for popularity"
    )
    parser.add_argument("--folder", type=Path, help="follow into this folder (tests)")
    parser.add_argument("--topic-prefix", help="read <prefix>.music.catalog, ... (tests)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # httpx logs each request at INFO: three a minute from the refresh, which
    # says once whether it worked.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    args = _parse(argv)
    settings = load_settings()
    topics = tuple(f"{args.topic_prefix}.{t}" for t in TOPICS) if args.topic_prefix else TOPICS
    if args.command == "rebuild":
        read = rebuild(settings, args.into, topics)
        log.info("search: rebuilt %s from %d records", args.into, read)
        return
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    source: PopularitySource | None = None
    if not args.no_popularity:

        def source() -> dict[str, int]:
            return fetch_popularity(settings.analytics_url, settings.state_dir)

    follow(settings, args.folder or index_folder(settings), stop, source, topics)


if __name__ == "__main__":
    main()
