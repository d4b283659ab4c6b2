"""Music facts applied to a test's Redis namespace through the projector's
own sink and writes (projections/music/redis.py), as the projector applies
what it reads from the music topics; and keys that act for listeners."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from gateway.auth import create_api_key
from gateway.music.principal import LISTENER
from infra.settings import Settings
from projections.music.redis import redis_writes
from projections.redis_sink import RedisSink
from schemas.envelope import Record
from schemas.music import catalog as cat
from schemas.music import topics
from schemas.music.ids import catalog_id
from tests.integration.gateway.conftest import Gateway
from tests.unit.projections.numbered_records import NumberedRecords

MUSIC_SCOPES = ("music:read", "music:write")


def listener_key(
    gateway: Gateway, *listeners: str, scopes: tuple[str, ...] = MUSIC_SCOPES
) -> dict[str, str]:
    """Headers of a new key acting for `listeners`."""
    secret = create_api_key(
        gateway.keys_file, "t-" + uuid.uuid4().hex[:12], scopes,
        principals={LISTENER.kind: listeners},
    )  # fmt: skip
    return {"Authorization": f"Bearer {secret}"}


class MusicProjected(NumberedRecords):
    """Music records, applied to Redis as they are added."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.client = redis.Redis.from_url(settings.redis_url)
        self.sink = RedisSink(self.client, settings.namespace)
        self.offsets: dict[str, int] = {}

    def apply(self, topic: str, key: str, model: type[Record], **fields: Any) -> Record:
        record = self.add(topic, key, model, **fields)
        offset = self.offsets.get(topic, 0)
        self.sink.apply(topic, 0, [(offset, redis_writes(record))])
        self.offsets[topic] = offset + 1
        return record

    def track(self, track_id: str, artist_id: str, duration_ms: int = 200_000) -> None:
        self.apply(
            topics.MUSIC_CATALOG.name, catalog_id("track", track_id), cat.TrackPublished,
            catalog_id=catalog_id("track", track_id), track_id=track_id, album_id="al1",
            artist_id=artist_id, title=f"Song {track_id}", duration_ms=duration_ms,
            genres=["pop"], release_date="2024",
        )  # fmt: skip

    def listened(self, model: type[Record], **fields: Any) -> Record:
        return self.apply(topics.MUSIC_LISTENS.name, fields["listener"], model, **fields)

    def playlist_fact(self, model: type[Record], **fields: Any) -> Record:
        return self.apply(topics.MUSIC_PLAYLISTS.name, fields["playlist_id"], model, **fields)


@pytest.fixture
def music_projected(gateway: Gateway) -> Iterator[MusicProjected]:
    projected = MusicProjected(gateway.settings)
    yield projected
    projected.client.close()
