"""The music service as its end-to-end tests drive it: through the public HTTP
API only (the catalog's NDJSON route, plays, history deletion, playlists'
commands, and the reads: charts, recent, now playing, royalties, year in
review, search, recommendations, the analyst's SQL), with one operator key
that acts for every listener. Each test names its own artists, tracks and
listeners after a fresh tag, so tests sharing the platform never meet."""

from __future__ import annotations

import string
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import orjson
import redis

from gateway.auth import create_api_key
from infra import processes
from onelog import platform
from onelog.music.services import SEARCH_INDEXER
from projections.music import keys
from tests.e2e.conftest import Platform, eventually

M = "/v1/music"
TRACK_MS = 200_000  # every test track's duration: a play of 30 s or more counts
SCOPES = (
    "music:read",
    "music:write",
    "music:operator",
    "music:catalog",
    "music:analytics",
    "analytics:read",
)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def run_word() -> str:
    """A fresh word of letters only (tantivy splits at digits' edges too), so
    a search for it finds only this run's documents."""
    letters = uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))
    return "zu" + letters


def tag() -> str:
    return uuid.uuid4().hex[:6]


def play(
    listener: str,
    track_id: str,
    started_at_ms: int,
    kind: str = "ended",
    ms_played: int | None = 60_000,
    country: str = "SE",
) -> dict[str, Any]:
    """One play as POST /v1/music/plays takes it (an end played `ms_played`)."""
    body: dict[str, Any] = {
        "listener": listener,
        "track_id": track_id,
        "started_at_ms": started_at_ms,
        "kind": kind,
        "context": "album",
        "device": "web",
        "country": country,
    }
    if kind != "started":
        body["ms_played"] = ms_played
    return body


class Music:
    """One operator key's HTTP client for /v1/music and /v1/analytics."""

    def __init__(self, running: Platform, http: httpx.Client) -> None:
        self.running = running
        self.http = http

    # Writes -----------------------------------------------------------------

    def accepted(self, response: httpx.Response) -> dict[str, Any]:
        assert response.status_code == 202, response.text
        body: dict[str, Any] = response.json()
        return body

    def publish(self, artist: str, tracks: dict[str, str], genre: str = "pop") -> None:
        """An artist, one album and `tracks` (id -> title) through POST
        /v1/music/catalog, waited for until the gateway's catalog read model
        holds each track (a play of a track it lacks is decided unknown_track)."""
        album = f"{artist}-al"
        lines: list[dict[str, Any]] = [
            {"command": "artist", "artist_id": artist, "name": f"Artist {artist}",
             "genres": [genre]},
            {"command": "album", "album_id": album, "artist_id": artist, "title": "Album",
             "release_date": "2024-05-01", "genres": [genre]},
            *({"command": "track", "track_id": t, "album_id": album, "artist_id": artist,
               "title": title, "duration_ms": TRACK_MS, "release_date": "2024-05-01",
               "genres": [genre]} for t, title in tracks.items()),
        ]  # fmt: skip
        response = self.http.post(
            f"{M}/catalog",
            content=b"".join(orjson.dumps(line) + b"\n" for line in lines),
            headers={"Content-Type": "application/x-ndjson"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        answers = [orjson.loads(line) for line in response.content.splitlines() if line]
        assert [a.get("status") for a in answers] == [202] * len(lines), answers
        eventually(
            lambda: self.tracks_projected(list(tracks)), timeout=60, what="the catalog projected"
        )

    def tracks_projected(self, track_ids: list[str]) -> bool:
        """The gateway's catalog read model holds every track (no public read
        tells it: the gateway stamps plays from these keys)."""
        settings = self.running.settings
        client = redis.Redis.from_url(settings.redis_url, socket_timeout=2.0)
        try:
            return all(client.exists(f"{settings.namespace}:{keys.track(t)}") for t in track_ids)
        finally:
            client.close()

    def plays(self, plays: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each play sent (1,000 a request), each answered 202."""
        pending = list(plays)
        answers: list[dict[str, Any]] = []
        for start in range(0, len(pending), 1000):
            response = self.http.post(
                f"{M}/plays", json={"plays": pending[start : start + 1000]}, timeout=60
            )
            assert response.status_code == 200, response.text
            answered: list[dict[str, Any]] = response.json()["plays"]
            refused = [a for a in answered if a.get("status") != 202]
            assert not refused, refused[:3]
            answers += answered
        return answers

    def delete_history(self, listener: str, before_ms: int) -> dict[str, Any]:
        return self.accepted(
            self.http.delete(f"{M}/listeners/{listener}/history", params={"before_ms": before_ms})
        )

    # Reads ------------------------------------------------------------------

    def ok(self, response: httpx.Response) -> dict[str, Any]:
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def chart(
        self, window: str = "hour", country: str | None = None, kind: str = "tracks"
    ) -> dict[str, int]:
        """id -> streams of the chart's top 100."""
        params: dict[str, Any] = {"window": window, "kind": kind, "limit": 100}
        if country is not None:
            params["country"] = country
        found = self.ok(self.http.get(f"{M}/charts", params=params))
        return {entry["id"]: int(entry["streams"]) for entry in found["entries"]}

    def recent(self, listener: str) -> list[dict[str, Any]]:
        found = self.ok(self.http.get(f"{M}/listeners/{listener}/recent", params={"limit": 50}))
        plays: list[dict[str, Any]] = found["plays"]
        return plays

    def now_playing(self, listener: str) -> dict[str, Any] | None:
        found = self.ok(self.http.get(f"{M}/listeners/{listener}/now-playing"))
        playing: dict[str, Any] | None = found["playing"]
        return playing

    def royalties(self, artist: str) -> int:
        """The artist's counted streams over every month."""
        found = self.ok(self.http.get(f"{M}/artists/{artist}/royalties"))
        return sum(int(month["streams"]) for month in found["months"])

    def year_in_review(self, listener: str, year: int) -> dict[str, Any]:
        return self.ok(
            self.http.get(f"{M}/listeners/{listener}/year-in-review", params={"year": year})
        )

    def playlist(self, playlist_id: str, **params: str) -> httpx.Response:
        return self.http.get(f"{M}/playlists/{playlist_id}", params=params)

    def search(self, q: str, kind: str = "track") -> list[dict[str, Any]]:
        found = self.ok(self.http.get(f"{M}/search", params={"q": q, "kind": kind}))
        hits: list[dict[str, Any]] = found["hits"]
        return hits

    def sql(self, query: str) -> list[dict[str, Any]]:
        response = self.http.post("/v1/analytics/sql", json={"query": query})
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = response.json()["rows"]
        return rows


def chart_shows(chart: dict[str, int], want: dict[str, int]) -> bool:
    """The chart (its top 100) gives each track its wanted streams: shown with
    exactly them, or left out with none, or left out below a full top 100 no
    entry of which has fewer (other tests' plays share the global charts)."""
    full_at = min(chart.values()) if len(chart) == 100 else None
    for track, streams in want.items():
        if track in chart:
            if chart[track] != streams:
                return False
        elif streams and (full_at is None or full_at < streams):
            return False
    return True


def quoted(ids: Iterable[str]) -> str:
    """Ids for an IN (...) list (ours are [A-Za-z0-9_-] only)."""
    checked = [i for i in ids if set(i) <= set(string.ascii_letters + string.digits + "_-")]
    return ", ".join(f"'{i}'" for i in checked)


@contextmanager
def open_music(running: Platform) -> Iterator[Music]:
    key = create_api_key(
        running.settings.api_keys_file,
        f"e2e-music-{tag()}",
        list(SCOPES),
        rate_per_minute=6_000_000,
        burst=100_000,
    )
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=running.url, headers=headers, timeout=30) as http:
        yield Music(Platform(running.settings, key), http)


def search_indexer_running(running: Platform) -> None:
    """The search indexer, as `up` starts it (the suite's platform starts the
    worker, projector and gateway only); the suite stops it at its end."""
    settings = running.settings
    for service in platform.domain_services(settings):
        if service.name == SEARCH_INDEXER and not processes.running_pid(
            settings.state_dir, service.name
        ):
            platform.start_domain_service(settings, service)
