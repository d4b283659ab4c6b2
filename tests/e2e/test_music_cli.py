"""The music service's part of the `onelog` command on the whole platform:
the audit of a real playlist read from the log, the generated catalog and
plays loaded through the gateway, and the sample catalog and curls `up`
publishes and prints, run as printed."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from functools import partial
from typing import Any

import httpx
import pytest
import redis

from gateway.auth import create_api_key
from onelog.music.catalog_generator import CatalogShape, generate_catalog
from onelog.music.sample_catalog import (
    PLAYLIST,
    TRACKS,
    catalog_shown,
    playlist_shown,
    publish_sample_catalog,
)
from projections.music import keys
from tests.e2e.conftest import Platform, eventually, onelog

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def music(running_platform: Platform) -> Iterator[tuple[Platform, httpx.Client]]:
    key = create_api_key(
        running_platform.settings.api_keys_file,
        f"e2e-music-{uuid.uuid4().hex[:8]}",
        ["music:read", "music:write", "music:operator", "music:catalog"],
        rate_per_minute=6_000_000,
        burst=100_000,
    )
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=running_platform.url, headers=headers, timeout=10) as http:
        yield Platform(running_platform.settings, key), http


def _accepted(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


def _tracks_projected(running: Platform, track_ids: list[str]) -> bool:
    """The gateway stamps plays and added items from these keys: a track not
    there yet would be decided unknown_track."""
    client = redis.Redis.from_url(running.settings.redis_url, socket_timeout=2.0)
    try:
        ns = running.settings.namespace
        return all(client.exists(f"{ns}:{keys.track(t)}") for t in track_ids)
    finally:
        client.close()


def _load_catalog(running: Platform, shape: CatalogShape) -> dict[str, Any]:
    loaded = onelog(
        running,
        "music",
        "load-catalog",
        "--tracks",
        str(shape.tracks),
        "--seed",
        str(shape.seed),
        "--prefix",
        shape.prefix,
        "--key",
        running.api_key,
    )
    assert loaded.returncode == 0, loaded.stderr + loaded.stdout
    summary: dict[str, Any] = json.loads(loaded.stdout)
    return summary


def test_the_audit_tells_a_playlists_history_from_the_log(
    music: tuple[Platform, httpx.Client],
) -> None:
    running, http = music
    run = uuid.uuid4().hex[:8]
    shape = CatalogShape(tracks=5, seed=1, prefix=f"a{run}-")
    _load_catalog(running, shape)
    tracks = [t.track_id for t in generate_catalog(shape).tracks]
    eventually(lambda: _tracks_projected(running, tracks), what="the catalog projected")

    owner = f"ann-{run}"
    created = _accepted(http.post("/v1/music/playlists", json={"listener": owner, "name": "Trip"}))
    playlist_id = created["playlist_id"]
    path = f"/v1/music/playlists/{playlist_id}"

    def read() -> dict[str, Any] | None:
        found = http.get(path, params={"listener": owner})
        return found.json() if found.status_code == 200 else None

    eventually(read, what="the playlist created")
    _accepted(http.post(f"{path}/items", json={"listener": owner, "track_ids": tracks[:3]}))
    eventually(lambda: (read() or {}).get("version") == 2, what="three tracks added")
    # Refused by the stage: a stale If-Match, and a track the catalog lacks.
    stale = {"If-Match": '"1"'}
    _accepted(http.put(f"{path}/name", json={"listener": owner, "name": "Old"}, headers=stale))
    _accepted(http.post(f"{path}/items", json={"listener": owner, "track_ids": ["no-such-track"]}))
    _accepted(http.put(f"{path}/visibility", json={"listener": owner, "visibility": "public"}))
    eventually(lambda: (read() or {}).get("visibility") == "public", what="made public")

    def audited() -> dict[str, Any] | None:
        done = onelog(running, "audit", "playlist", playlist_id)
        assert done.returncode == 0, done.stderr
        history: dict[str, Any] = json.loads(done.stdout)
        return history if len(history["rejections"]) == 2 else None

    history = eventually(audited, timeout=60, what="both refusals on the log")
    assert (history["owner"], history["name"], history["visibility"]) == (owner, "Trip", "public")
    assert (history["items"], history["version"]) == (3, 3)
    assert (history["commands"], history["changes"]) == (5, 3)
    assert sorted(r["reason"] for r in history["rejections"]) == [
        "unknown_track",
        "version_conflict",
    ]
    types = [line["record_type"] for line in history["lines"]]
    assert types[:4] == ["CreatePlaylist", "PlaylistCreated", "AddTracks", "TracksAdded"]
    # Each refusal follows the command it refuses.
    for n, record_type in enumerate(types):
        if record_type == "PlaylistCommandRejected":
            assert types[n - 1] in ("RenamePlaylist", "AddTracks")

    unknown = onelog(running, "audit", "playlist", f"nothing-{run}")
    assert unknown.returncode == 1 and "no record" in unknown.stderr


def test_a_generated_catalog_and_its_plays_load_through_the_gateway(
    music: tuple[Platform, httpx.Client],
) -> None:
    running, http = music
    run = uuid.uuid4().hex[:8]
    shape = CatalogShape(tracks=300, seed=2, prefix=f"g{run}-")
    summary = _load_catalog(running, shape)
    catalog = generate_catalog(shape)
    lines = len(catalog.artists) + len(catalog.albums) + len(catalog.tracks)
    assert (summary["accepted"], summary["failures"], summary["tracks"]) == (lines, 0, 300)
    track_ids = [t.track_id for t in catalog.tracks]
    eventually(
        lambda: _tracks_projected(running, track_ids), timeout=120, what="the catalog projected"
    )

    listener_prefix = f"l{run}-"
    loaded = onelog(
        running,
        "music",
        "load-plays",
        "--tracks",
        "300",
        "--catalog-seed",
        "2",
        "--prefix",
        shape.prefix,
        "--listeners",
        "4",
        "--plays",
        "2400",  # three requests of 1,000 and less
        "--listener-prefix",
        listener_prefix,
        "--key",
        running.api_key,
    )
    assert loaded.returncode == 0, loaded.stderr + loaded.stdout
    plays = json.loads(loaded.stdout)
    assert (plays["accepted"], plays["failures"]) == (2400, 0)

    # The last plays end a moment before the load: each listener has some.
    def recent(listener: str) -> list[Any]:
        found = http.get(f"/v1/music/listeners/{listener}/recent", params={"limit": 5})
        return list(found.json()["plays"]) if found.status_code == 200 else []

    for n in range(4):
        listener = f"{listener_prefix}{n:06d}"
        got = eventually(partial(recent, listener), timeout=120, what=f"{listener}'s plays")
        assert {play["track_id"] for play in got} <= set(track_ids)


def test_up_publishes_the_sample_catalog_once(running_platform: Platform) -> None:
    settings = running_platform.settings
    publish_sample_catalog(settings)
    eventually(
        lambda: catalog_shown(settings) and playlist_shown(settings),
        timeout=120,
        what="the sample tracks and playlist shown",
    )
    publish_sample_catalog(settings)  # shown: writes nothing
    assert catalog_shown(settings) and playlist_shown(settings)


@pytest.mark.usefixtures("domain_services_stopped_after")
def test_the_music_curls_up_prints_work_as_printed(running_platform: Platform) -> None:
    up = onelog(running_platform, "up")
    assert up.returncode == 0, up.stderr
    printed = json.loads(up.stdout)

    def run(label: str) -> dict[str, Any]:
        sent = subprocess.run(
            ["bash", "-c", printed[label]], capture_output=True, text=True, timeout=30
        )
        assert sent.returncode == 0, sent.stderr
        answer: dict[str, Any] = json.loads(sent.stdout)
        return answer

    played = run("music_plays_curl")
    assert played["accepted"] == len(TRACKS), played
    sample_ids = {track_id for track_id, _, _ in TRACKS}

    def charted() -> bool:
        return sample_ids <= {entry["id"] for entry in run("music_charts_curl")["entries"]}

    eventually(charted, timeout=120, what="the sample plays in the hour's chart")
    eventually(
        lambda: any(hit["id"] == "sample-t1" for hit in run("music_search_curl")["hits"]),
        timeout=120,
        what="the sample track found by the printed search",
    )
    assert "playlist_id" in run("music_playlist_create_curl")
    assert "event_id" in run("music_playlist_add_curl")

    def added() -> bool:
        items = run("music_playlist_curl")["items"]
        return [item["track_id"] for item in items][-2:] == ["sample-t1", "sample-t2"]

    eventually(added, timeout=60, what="the sample tracks in sample-mix, by the printed curl")
    assert run("music_playlist_curl")["playlist_id"] == PLAYLIST
