"""/v1/music recommendations through the real gateway: "fans also like" and
"because you played" from chDB behind the projector's SQL endpoint (a
deleted listener's plays in neither; a named listener's own plays left out,
for a key acting for them only), and the discovery playlist from real Redis
as the projector writes it (null before the first week)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.settings import Settings
from projections.clickhouse import ChdbClickHouse
from projections.log_record import LogRecord
from projections.music import PROJECTION as MUSIC
from projections.music.clickhouse import COLUMNS, rows_of
from projections.music.redis import redis_writes
from schemas.music import plays as pr
from schemas.music.recommendations import DiscoveryPlaylistComputed
from schemas.music.topics import MUSIC_RECOMMENDATIONS
from tests.integration.gateway.conftest import Gateway, problem, running_gateway
from tests.integration.gateway.music.projected import MusicProjected, listener_key
from tests.integration.gateway.test_analytics_sql import analytics_settings, projector_sql
from tests.unit.schemas.samples import ENVELOPE

pytestmark = pytest.mark.integration

# Fixtures: these use this module's `clickhouse` (the music tables).
__all__ = ["analytics_settings", "projector_sql"]

M = "/v1/music"
ARTIST_OF = {"t1": "a1", "t3": "a2", "t4": "a3", "t5": "a4"}


@pytest.fixture
def clickhouse(tmp_path: Path) -> Iterator[ChdbClickHouse]:
    ch = ChdbClickHouse(tmp_path / "chdb", "r_" + uuid.uuid4().hex[:12])
    for ddl in MUSIC.ddl:
        ch.execute(ddl)
    yield ch
    ch.close()


def _counted(listener: str, track: str, at_ms: int, session: str) -> dict[str, Any]:
    return {"listener": listener, "track_id": track, "artist_id": ARTIST_OF[track],
            "started_at_ms": at_ms, "ms_played": 60_000, "duration_ms": 200_000,
            "skipped": False, "context": "album", "context_id": "", "device": "web",
            "country": "SE", "session_id": session}  # fmt: skip


def _story(ch: ChdbClickHouse, projected: MusicProjected) -> None:
    """ann: t1 t3; bob: t1 t3 t4; cat: t1 t4; eve: t1 t5 twice, deleted. A day ago."""
    day_ago = time.time_ns() // 1_000_000 - 86_400_000
    sessions = {"ann": ["t1", "t3"], "bob": ["t1", "t3", "t4"], "cat": ["t1", "t4"],
                "eve": ["t1", "t5", "t1", "t5"]}  # fmt: skip
    for listener, tracks in sessions.items():
        for n, track in enumerate(tracks):
            fields = _counted(listener, track, day_ago + n * 200_000, f"{listener}-s")
            projected.listened(pr.PlayCounted, **fields)
    projected.listened(pr.ListeningHistoryDeleted, listener="eve", before_ms=day_ago + 3_600_000,
                       removed=[])  # fmt: skip
    rows: dict[str, list[tuple[object, ...]]] = {}
    for offset, (topic, _, record) in enumerate(projected.steps):
        message = LogRecord(topic, 0, offset, b"", b"", 0)
        for table, row in rows_of(type(record), record.model_dump(), message):
            rows.setdefault(table, []).append(row)
    for table, table_rows in rows.items():
        ch.insert(table, table_rows, COLUMNS[table])


async def test_neighbours_and_discovery(
    analytics_settings: Settings, clickhouse: ChdbClickHouse
) -> None:
    projected = MusicProjected(analytics_settings)
    _story(clickhouse, projected)
    computed = DiscoveryPlaylistComputed(
        envelope=ENVELOPE.model_copy(update={"key": "ann"}), listener="ann", week="2026-W48",
        tracks=["t4", "t5"], model="implicit-0.7.3 als",
    )  # fmt: skip
    projected.sink.apply(MUSIC_RECOMMENDATIONS.name, 0, [(0, redis_writes(computed))])
    async with running_gateway(analytics_settings) as client:
        gateway = Gateway(client, analytics_settings, analytics_settings.api_keys_file)
        ann = listener_key(gateway, "ann")

        fans = await client.get(f"{M}/artists/a1/fans-also-like", headers=ann)
        assert fans.status_code == 200, fans.text
        neighbours = [(a["artist_id"], a["shared_listeners"], round(a["jaccard"], 3))
                      for a in fans.json()["artists"]]  # fmt: skip
        assert neighbours == [("a2", 2, 0.667), ("a3", 2, 0.667)]  # not eve's a4

        played_with = await client.get(f"{M}/tracks/t1/because-you-played", headers=ann)
        assert played_with.status_code == 200, played_with.text
        assert played_with.json()["tracks"] == [
            {"track_id": "t3", "sessions": 2},
            {"track_id": "t4", "sessions": 2},
        ]
        for_ann = await client.get(
            f"{M}/tracks/t1/because-you-played", params={"listener": "ann"}, headers=ann
        )
        assert for_ann.json()["tracks"] == [{"track_id": "t4", "sessions": 2}]
        for_cat = await client.get(
            f"{M}/tracks/t1/because-you-played", params={"listener": "cat"}, headers=ann
        )
        assert for_cat.status_code == 403
        assert problem(for_cat)["errors"][0]["field"] == "listener"

        discovery = await client.get(f"{M}/listeners/ann/discovery", headers=ann)
        assert discovery.status_code == 200, discovery.text
        assert discovery.json()["discovery"] == {
            "week": "2026-W48", "tracks": ["t4", "t5"], "model": "implicit-0.7.3 als",
        }  # fmt: skip
        bob = listener_key(gateway, "bob")
        none_yet = await client.get(f"{M}/listeners/bob/discovery", headers=bob)
        assert none_yet.json() == {"listener": "bob", "discovery": None}
        foreign = await client.get(f"{M}/listeners/ann/discovery", headers=bob)
        assert foreign.status_code == 403
    projected.client.close()
