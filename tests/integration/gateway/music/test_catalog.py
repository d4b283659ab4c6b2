"""POST /v1/music/catalog against real Kafka: each NDJSON line lands on
music.catalog keyed by "<kind>:<id>", a bad line fails alone, and only a key
with music:catalog publishes."""

from __future__ import annotations

import orjson
import pytest

from schemas.music import catalog as cat
from schemas.music.topics import MUSIC_CATALOG
from tests.integration.gateway.conftest import Gateway, read_record, unique
from tests.integration.gateway.music.projected import listener_key

pytestmark = pytest.mark.integration

CATALOG = "/v1/music/catalog"
NDJSON = {"Content-Type": "application/x-ndjson"}


async def test_catalog_lines_land_keyed_by_kind_and_id(gateway: Gateway) -> None:
    artist, track = unique("a"), unique("t")
    lines = [
        {"command": "artist", "artist_id": artist, "name": "The Harbors", "genres": ["rock"]},
        {"command": "album", "album_id": "al1", "artist_id": artist, "title": "Tide",
         "release_date": "1977-05"},
        {"command": "track", "track_id": track, "album_id": "al1", "artist_id": artist,
         "title": "Low Tide", "duration_ms": 201_000, "release_date": "1977"},
        {"command": "track", "track_id": "bad:id", "album_id": "al1", "artist_id": artist,
         "title": "x", "duration_ms": 1, "release_date": "1977"},
        {"command": "withdraw", "kind": "track", "entry_id": track},
    ]  # fmt: skip
    body = b"\n".join(orjson.dumps(line) for line in lines)
    operator = listener_key(gateway, scopes=("music:catalog",))
    answer = await gateway.client.post(CATALOG, content=body, headers={**NDJSON, **operator})
    assert answer.status_code == 200, answer.text
    results = [orjson.loads(line) for line in answer.content.splitlines()]
    assert [r["status"] for r in results] == [202, 202, 202, 422, 202]
    _, published = read_record(
        gateway.settings, MUSIC_CATALOG.name, results[2]["partition"], results[2]["offset"]
    )
    assert isinstance(published, cat.TrackPublished)
    assert (published.catalog_id, published.duration_ms) == (f"track:{track}", 201_000)
    key, withdrawn = read_record(
        gateway.settings, MUSIC_CATALOG.name, results[4]["partition"], results[4]["offset"]
    )
    assert key == f"track:{track}".encode()
    assert isinstance(withdrawn, cat.CatalogEntryWithdrawn)

    listener = listener_key(gateway, "ann")
    refused = await gateway.client.post(CATALOG, content=body, headers={**NDJSON, **listener})
    assert refused.status_code == 403
