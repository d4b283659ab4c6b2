"""/v1/music reads against real Redis (the projector's own writes), a real
tantivy index and chDB behind the projector's SQL endpoint: recent plays,
now playing, charts summed over their buckets, search, an artist's
royalties and a listener's year in review (a deleted play in neither)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from infra.settings import Settings
from projections.archive import ARCHIVE_DDL
from projections.clickhouse import ChdbClickHouse
from projections.log_record import LogRecord
from projections.music import PROJECTION as MUSIC
from projections.music.clickhouse import COLUMNS, rows_of
from projections.music.search_index import SearchDocument, SearchIndexWriter, index_folder
from schemas.music import plays as pr
from tests.integration.gateway.conftest import Gateway, problem, running_gateway, unique
from tests.integration.gateway.music.projected import (
    MusicProjected,
    listener_key,
    music_projected,
)
from tests.integration.gateway.test_analytics_sql import analytics_settings, projector_sql

pytestmark = pytest.mark.integration

# Fixtures: these use this module's `clickhouse` (the music tables).
__all__ = ["analytics_settings", "music_projected", "projector_sql"]

M = "/v1/music"


def _counted(
    listener: str, track: str, artist: str, at_ms: int, country: str = "SE"
) -> dict[str, Any]:
    return {"listener": listener, "track_id": track, "artist_id": artist,
            "started_at_ms": at_ms, "ms_played": 60_000, "duration_ms": 200_000,
            "skipped": False, "context": "album", "context_id": "", "device": "web",
            "country": country, "session_id": "s1"}  # fmt: skip


async def test_recent_now_playing_and_charts(
    gateway: Gateway, music_projected: MusicProjected
) -> None:
    ann, bob = unique("ann"), unique("bob")
    now_ms = time.time_ns() // 1_000_000
    hit, other = unique("hit"), unique("other")
    for n, (who, track, country) in enumerate(
        [(ann, hit, "SE"), (bob, hit, "DE"), (ann, other, "SE"), (bob, hit, "DE")]
    ):
        music_projected.listened(
            pr.PlayCounted, **_counted(who, track, "art-" + track, now_ms - 60_000 * n, country)
        )
    music_projected.apply(
        "music.plays", ann, pr.PlayStarted, listener=ann, track_id=hit, started_at_ms=now_ms,
        context="search", country="SE",
    )  # fmt: skip
    headers = listener_key(gateway, ann)

    recent = await gateway.client.get(f"{M}/listeners/{ann}/recent", headers=headers)
    assert recent.status_code == 200, recent.text
    assert [p["track_id"] for p in recent.json()["plays"]] == [hit, other]
    playing = await gateway.client.get(f"{M}/listeners/{ann}/now-playing", headers=headers)
    assert playing.json()["playing"]["track_id"] == hit
    foreign = await gateway.client.get(f"{M}/listeners/{bob}/recent", headers=headers)
    assert foreign.status_code == 403
    assert problem(foreign)["errors"][0]["field"] == "listener"

    chart = await gateway.client.get(f"{M}/charts", params={"window": "hour"}, headers=headers)
    assert chart.status_code == 200, chart.text
    entries = {e["id"]: e["streams"] for e in chart.json()["entries"]}
    assert (entries[hit], entries[other]) == (3, 1)
    day = await gateway.client.get(
        f"{M}/charts", params={"window": "day", "kind": "artists", "country": "DE"},
        headers=headers,
    )  # fmt: skip
    assert {e["id"]: e["streams"] for e in day.json()["entries"]}["art-" + hit] == 2
    assert "art-" + other not in {e["id"] for e in day.json()["entries"]}
    bad = await gateway.client.get(f"{M}/charts", params={"country": "Sweden"}, headers=headers)
    assert bad.status_code == 422


async def test_search_reads_the_index_folder(gateway_settings: Settings, tmp_path: Path) -> None:
    settings = replace(gateway_settings, state_dir=tmp_path / "state")
    writer = SearchIndexWriter(index_folder(settings))
    writer.put(SearchDocument("track:t1", "track", "t1", "Midnight Harbor", popularity=5))
    writer.put(SearchDocument("artist:a1", "artist", "a1", "Harbor Lights", popularity=9))
    writer.commit()
    async with running_gateway(settings) as client:
        gateway = Gateway(client, settings, settings.api_keys_file)
        headers = listener_key(gateway, "ann")
        found = await client.get(f"{M}/search", params={"q": "harbr"}, headers=headers)
        assert found.status_code == 200, found.text
        assert [h["id"] for h in found.json()["hits"]] == ["a1", "t1"]
        tracks = await client.get(
            f"{M}/search", params={"q": "harb", "kind": "track"}, headers=headers
        )
        assert [h["id"] for h in tracks.json()["hits"]] == ["t1"]
        writer.put(SearchDocument("album:b1", "album", "b1", "Harbor Days"))
        writer.commit()
        time.sleep(1.1)  # the reader reloads at most once a second
        albums = await client.get(
            f"{M}/search", params={"q": "harbor", "kind": "album"}, headers=headers
        )
        assert [h["id"] for h in albums.json()["hits"]] == ["b1"]
    writer.close()


@pytest.fixture
def clickhouse(tmp_path: Path) -> Iterator[ChdbClickHouse]:
    ch = ChdbClickHouse(tmp_path / "chdb", "m_" + uuid.uuid4().hex[:12])
    ch.execute(ARCHIVE_DDL)
    for ddl in MUSIC.ddl:
        ch.execute(ddl)
    yield ch
    ch.close()


def _inserted(ch: ChdbClickHouse, projected: MusicProjected) -> None:
    rows: dict[str, list[tuple[object, ...]]] = {}
    for offset, (topic, _, record) in enumerate(projected.steps):
        message = LogRecord(topic, 0, offset, b"", b"", 0)
        for table, row in rows_of(type(record), record.model_dump(), message):
            rows.setdefault(table, []).append(row)
    for table, table_rows in rows.items():
        ch.insert(table, table_rows, COLUMNS[table])


async def test_royalties_and_year_in_review_leave_deleted_plays_out(
    analytics_settings: Settings, clickhouse: ChdbClickHouse
) -> None:
    projected = MusicProjected(analytics_settings)
    nov, dec = 1_762_000_000_000, 1_764_600_000_000  # 2025-11-01.., 2025-12-01..
    for n in range(3):
        projected.listened(pr.PlayCounted, **_counted("ann", f"t{n}", "art1", nov + n * 1000))
    projected.listened(pr.PlayCounted, **_counted("bob", "t0", "art1", dec))
    projected.listened(pr.ListeningHistoryDeleted, listener="ann", before_ms=nov + 1500, removed=[])
    _inserted(clickhouse, projected)
    async with running_gateway(analytics_settings) as client:
        gateway = Gateway(client, analytics_settings, analytics_settings.api_keys_file)
        analyst = listener_key(gateway, scopes=("music:analytics",))
        answer = await client.get(f"{M}/artists/art1/royalties", headers=analyst)
        assert answer.status_code == 200, answer.text
        months = {m["month"]: m["streams"] for m in answer.json()["months"]}
        assert months == {"2025-11": 1, "2025-12": 1}
        one = await client.get(
            f"{M}/artists/art1/royalties", params={"month": "2025-12"}, headers=analyst
        )
        assert [m["month"] for m in one.json()["months"]] == ["2025-12"]
        listener = listener_key(gateway, "ann")
        assert (
            await client.get(f"{M}/artists/art1/royalties", headers=listener)
        ).status_code == 403
        review = await client.get(
            f"{M}/listeners/ann/year-in-review", params={"year": 2025}, headers=listener
        )
        assert review.status_code == 200, review.text
        assert review.json()["streams"] == 1
        assert [t["id"] for t in review.json()["tracks"]] == ["t2"]
    projected.client.close()
