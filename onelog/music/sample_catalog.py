"""What `onelog up` writes for the music service once topics exist: a small
sample catalog (one artist, one album, three tracks, one of them shorter
than 30 s) and a public sample playlist of the sample listener's, so the
curls `up` prints (samples.py) find tracks to play, chart, search and add;
and what it waits to see: the tracks and the playlist in the read model.

A catalog entry published again replaces itself (the topic is compacted by
entry), and a playlist created again is refused (already_exists), so `up`
writes them only while the read model lacks one: a second `up` adds
nothing to the log.
"""

from __future__ import annotations

from typing import Any

import redis
from confluent_kafka import Producer

from infra import processes
from infra.kafka_broker import bootstrap_servers
from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import Settings
from infra.topics import topic_of
from projections.music import keys
from schemas.envelope import Record
from schemas.music.catalog import AlbumPublished, ArtistPublished, TrackPublished
from schemas.music.ids import catalog_id
from schemas.music.playlists import CreatePlaylist
from schemas.registry import registry
from streams.sealing import seal_command

PRODUCER = "onelog-up"
# The catalog is projected at once; the playlist once a worker has joined
# and the playlist stage recovered.
SAMPLES_WAIT_S = 180.0

LISTENER = "ann"
ARTIST = "sample-ar1"
ALBUM = "sample-al1"
# (track id, title, duration): the last one an interlude, which counts only
# when played whole.
TRACKS = (
    ("sample-t1", "Overture to the Log", 214_000),
    ("sample-t2", "Exactly Once", 187_000),
    ("sample-t3", "Interlude (Compacted)", 24_000),
)
PLAYLIST = "sample-mix"
RELEASE_DATE = "2026-01-15"
GENRES = ["electronic"]


def sample_catalog() -> list[tuple[type[Record], dict[str, Any]]]:
    """The sample entries as (record type, fields), artist first."""
    entries: list[tuple[type[Record], dict[str, Any]]] = [
        (
            ArtistPublished,
            {
                "catalog_id": catalog_id("artist", ARTIST),
                "artist_id": ARTIST,
                "name": "The Onelog Quartet",
                "genres": GENRES,
            },
        ),
        (
            AlbumPublished,
            {
                "catalog_id": catalog_id("album", ALBUM),
                "album_id": ALBUM,
                "artist_id": ARTIST,
                "title": "Events in Order",
                "release_date": RELEASE_DATE,
                "genres": GENRES,
            },
        ),
    ]
    for track_id, title, duration_ms in TRACKS:
        fields = {
            "catalog_id": catalog_id("track", track_id),
            "track_id": track_id,
            "album_id": ALBUM,
            "artist_id": ARTIST,
            "title": title,
            "duration_ms": duration_ms,
            "genres": GENRES,
            "release_date": RELEASE_DATE,
        }
        entries.append((TrackPublished, fields))
    return entries


def sample_playlist() -> tuple[type[Record], dict[str, Any]]:
    return CreatePlaylist, {
        "playlist_id": PLAYLIST,
        "actor": LISTENER,
        "name": "Sample mix",
        "description": "made by onelog up",
        "visibility": "public",
    }


def _shown(settings: Settings, names: list[str]) -> bool:
    """True once the read model holds every key (False while Redis is unreachable)."""
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=1.0)
    try:
        return all(client.exists(f"{settings.namespace}:{name}") for name in names)
    except (OSError, redis.RedisError):
        return False
    finally:
        client.close()


def catalog_shown(settings: Settings) -> bool:
    return _shown(settings, [keys.track(track_id) for track_id, _, _ in TRACKS])


def playlist_shown(settings: Settings) -> bool:
    return _shown(settings, [keys.playlist(PLAYLIST)])


def publish_sample_catalog(settings: Settings) -> None:
    """The sample catalog and playlist on the log, each unless the read model shows it."""
    records = []
    if not catalog_shown(settings):
        records += [seal_command(model, fields, PRODUCER) for model, fields in sample_catalog()]
    if not playlist_shown(settings):
        records.append(seal_command(*sample_playlist(), PRODUCER))
    if not records:
        return
    producer = Producer(
        {
            "bootstrap.servers": bootstrap_servers(settings),
            "acks": "all",
            "enable.idempotence": True,
            "partitioner": LIBRDKAFKA_PARTITIONER,
        }
    )
    reg = registry()
    for record in records:
        producer.produce(
            topic_of(record.schema_name).name,
            key=record.envelope.key.encode(),
            value=reg.encode(record),
        )
    remaining = producer.flush(30)
    if remaining:
        raise RuntimeError(f"{remaining} music sample records not acknowledged by Kafka")


def wait_for_sample_catalog(settings: Settings, projector: processes.ServiceProcess) -> None:
    """Until the read model shows the sample tracks and playlist (bounded)."""
    processes.wait_ready(
        projector,
        lambda: catalog_shown(settings) and playlist_shown(settings),
        timeout=SAMPLES_WAIT_S,
        what="showing the music sample catalog and playlist",
    )
