"""POST /v1/music/plays and the history deletion against real Kafka and
Redis: each play lands on music.plays keyed by its listener, an end stamped
with its track's duration and artist from the catalog read model (None for
a track the catalog lacks); a bad or foreign play fails alone; hostile
requests."""

from __future__ import annotations

from typing import Any

import pytest

from schemas.music import plays as pr
from schemas.music.topics import MUSIC_PLAYS
from tests.integration.gateway.conftest import Gateway, problem, read_record, unique
from tests.integration.gateway.music.projected import (
    MusicProjected,
    listener_key,
    music_projected,
)

pytestmark = pytest.mark.integration

__all__ = ["music_projected"]  # a fixture, imported for this module's tests

PLAYS = "/v1/music/plays"
T_MS = 1_764_000_000_000


def _play(listener: str, track_id: str, n: int = 0, **fields: Any) -> dict[str, Any]:
    return {"listener": listener, "track_id": track_id, "started_at_ms": T_MS + n * 1000,
            "kind": "ended", "ms_played": 45_000, "country": "SE", "device": "mobile",
            **fields}  # fmt: skip


async def test_plays_land_keyed_by_listener_stamped_from_the_catalog(
    gateway: Gateway, music_projected: MusicProjected
) -> None:
    ann, bob, track = unique("ann"), unique("bob"), unique("t")
    music_projected.track(track, "art1", duration_ms=180_000)
    plays = [
        _play(ann, track, 0),
        _play(bob, track, 1, kind="skipped", ms_played=5_000),
        _play(ann, "nowhere", 2),
        _play(ann, track, 3, kind="started", ms_played=None),
    ]
    answer = await gateway.client.post(
        PLAYS, json={"plays": plays}, headers=listener_key(gateway, ann, bob)
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == 4
    assert [p["index"] for p in body["plays"]] == [0, 1, 2, 3]
    records = []
    for p in body["plays"]:
        assert p["status"] == 202
        key, record = read_record(gateway.settings, MUSIC_PLAYS.name, p["partition"], p["offset"])
        assert record.envelope.event_id == p["event_id"]
        records.append((key, record))
    (k0, ended), (k1, skipped), (_, unknown), (_, started) = records
    assert (k0, k1) == (ann.encode(), bob.encode())
    assert isinstance(ended, pr.PlayEnded) and isinstance(skipped, pr.PlaySkipped)
    assert (ended.duration_ms, ended.artist_id, ended.country) == (180_000, "art1", "SE")
    assert (skipped.listener, skipped.ms_played, skipped.duration_ms) == (bob, 5_000, 180_000)
    assert isinstance(unknown, pr.PlayEnded)
    assert (unknown.duration_ms, unknown.artist_id) == (None, None)
    assert isinstance(started, pr.PlayStarted) and started.device == "mobile"


async def test_a_bad_or_foreign_play_fails_alone(gateway: Gateway) -> None:
    ann, eve = unique("ann"), unique("eve")
    plays = [
        _play(ann, "t1", 0),
        _play(eve, "t1", 1),  # another listener's
        _play(ann, "t1", 2, country="Sweden"),
        _play(ann, "t1", 3, country="se"),
        _play(ann, "t1", 4, ms_played=None),
        _play(ann, "t1", 5, started_at_ms=-1),
        _play(ann, "t1", 6),
    ]
    answer = await gateway.client.post(
        PLAYS, json={"plays": plays}, headers=listener_key(gateway, ann)
    )
    assert answer.status_code == 200, answer.text
    results = answer.json()["plays"]
    assert [r["status"] for r in results] == [202, 403, 422, 422, 422, 422, 202]
    assert results[1]["error"]["errors"][0]["field"] == "plays.1.listener"
    assert results[2]["error"]["errors"][0]["field"] == "plays.2.country"
    assert results[4]["error"]["errors"][0]["field"] == "plays.4.ms_played"
    assert results[5]["error"]["errors"][0]["field"] == "plays.5.started_at_ms"
    assert answer.json()["accepted"] == 2


async def test_hostile_requests(gateway: Gateway) -> None:
    ann = unique("ann")
    headers = listener_key(gateway, ann)
    too_many = {"plays": [_play(ann, "t1", n) for n in range(1001)]}
    answer = await gateway.client.post(PLAYS, json=too_many, headers=headers)
    assert answer.status_code == 422
    assert problem(answer)["errors"][0]["field"] == "plays"
    shapes: list[dict[str, Any]] = [{"plays": []}, {"plays": "x"}, {"plays": [], "more": 1}, {}]
    for body in shapes:
        answer = await gateway.client.post(PLAYS, json=body, headers=headers)
        assert answer.status_code == 422, body
    answer = await gateway.client.post(PLAYS, content=b"[1, 2", headers=headers)
    assert answer.status_code == 400
    answer = await gateway.client.post(
        PLAYS, json={"plays": [_play(ann, "t1")]}, headers={**headers, "Idempotency-Key": "k1"}
    )
    assert answer.status_code == 400
    reader = listener_key(gateway, ann, scopes=("music:read",))
    answer = await gateway.client.post(PLAYS, json={"plays": [_play(ann, "t1")]}, headers=reader)
    assert answer.status_code == 403


async def test_a_thousand_plays_in_one_request(gateway: Gateway) -> None:
    listeners = [unique("l") for _ in range(10)]
    plays = [_play(listeners[n % 10], f"t{n % 37}", n) for n in range(1000)]
    answer = await gateway.client.post(
        PLAYS, json={"plays": plays}, headers=listener_key(gateway, *listeners)
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 1000
    last = answer.json()["plays"][-1]
    key, record = read_record(gateway.settings, MUSIC_PLAYS.name, last["partition"], last["offset"])
    assert key == listeners[9].encode() and isinstance(record, pr.PlayEnded)
    assert record.started_at_ms == T_MS + 999_000


async def test_a_history_deletion_lands_keyed_by_the_listener(gateway: Gateway) -> None:
    ann, eve = unique("ann"), unique("eve")
    headers = listener_key(gateway, ann)
    path = f"/v1/music/listeners/{ann}/history"
    answer = await gateway.client.delete(path, params={"before_ms": T_MS}, headers=headers)
    assert answer.status_code == 202, answer.text
    body = answer.json()
    key, record = read_record(gateway.settings, MUSIC_PLAYS.name, body["partition"], body["offset"])
    assert key == ann.encode()
    assert isinstance(record, pr.DeleteListeningHistory) and record.before_ms == T_MS
    answer = await gateway.client.delete(
        f"/v1/music/listeners/{eve}/history", params={"before_ms": T_MS}, headers=headers
    )
    assert answer.status_code == 403
    answer = await gateway.client.delete(path, params={"before_ms": "soon"}, headers=headers)
    assert answer.status_code == 422
    assert problem(answer)["errors"][0]["field"] == "before_ms"
