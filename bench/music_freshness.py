"""Chart freshness, play -> chart (issue 12's aim: p99 <= 2 s). One finished
play every `--every-ms` (open loop: each at its own time, however long the
last took), each by a new listener of a track of its own, in the countries
X<letter> in turn (user-assigned codes: no generated play moves their
charts, and each holds a few tracks, well inside the route's top 100), through POST
/v1/music/plays (one play a request). Two watchers, side by side:

- redis: polls ZSCORE of the play's minute bucket in Redis
  (music:chart:<minute>:tracks:<country>, projections/music/keys.py) every
  `--poll-ms`: the gateway, the play stage and the projector together;
- route: polls GET /v1/music/charts?window=hour&kind=tracks&country= every
  `--route-poll-ms` (each country waited on): the same, and the route's
  summed copy, which it keeps for a second (CHART_CACHE_MS), so up to a
  second more.

A play's latency is from just before its POST to the first poll that shows
its track counted.

    python -m bench.music_freshness [--plays 150] [--every-ms 200] [--poll-ms 5]
        [--route-poll-ms 20]
"""

from __future__ import annotations

import argparse
import random
import string
import threading
import time
import uuid
from collections.abc import Callable

import httpx
import redis

from bench import music_support, support
from bench.feed_support import wait_for
from bench.music_support import MusicBench
from onelog.music.catalog_generator import Track
from projections.music import keys

LAST_WAIT_S = 30.0
CHART_LIMIT = 100  # the route's most (gateway/music/requests.py CHART_LIMIT_MAX)


class Watcher(threading.Thread):
    """Calls `counted(waiting)` (the tracks now shown of those waiting) every
    poll and notes when each track is first shown."""

    def __init__(self, counted: Callable[[list[str]], set[str]], poll_s: float) -> None:
        super().__init__(daemon=True)
        self._counted = counted
        self._poll_s = poll_s
        self.waiting: set[str] = set()
        self.seen: dict[str, float] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def expect(self, track_id: str) -> None:
        with self.lock:
            self.waiting.add(track_id)

    def run(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                waiting = list(self.waiting)
            if waiting:
                found = self._counted(waiting)
                now = time.monotonic()
                with self.lock:
                    for track_id in found:
                        self.waiting.discard(track_id)
                        self.seen.setdefault(track_id, now)
            time.sleep(self._poll_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--plays", type=int, default=150)
    parser.add_argument("--every-ms", type=int, default=200)
    parser.add_argument("--poll-ms", type=int, default=5, help="Redis's watcher")
    parser.add_argument("--route-poll-ms", type=int, default=20, help="the route's watcher")
    args = parser.parse_args()
    with music_support.music_bench() as bench:
        print(support.machine_line())
        catalog = music_support.bench_catalog()
        print(bench.ensure_catalog(catalog))
        # Tracks of their own this run, counted long enough to count (>= 30 s).
        counting = [t for t in catalog.tracks if t.duration_ms >= 30_000]
        first = random.randrange(len(counting) - args.plays)
        polls = (args.poll_ms / 1000, args.route_poll_ms / 1000)
        run(bench, counting[first : first + args.plays], args.every_ms / 1000, polls)


def run(bench: MusicBench, tracks: list[Track], every_s: float, polls: tuple[float, float]) -> None:
    first_letter = random.randrange(len(string.ascii_uppercase))
    tag = uuid.uuid4().hex[:6]
    bucket_of: dict[str, int] = {}
    country_of: dict[str, str] = {}
    direct = redis.Redis.from_url(bench.settings.redis_url)
    reader = httpx.Client(
        base_url=bench.settings.gateway_url,
        headers={"Authorization": f"Bearer {bench.key}"},
        timeout=10,
    )

    def in_redis(waiting: list[str]) -> set[str]:
        pipe = direct.pipeline(transaction=False)
        for track_id in waiting:
            key = bench.rkey(keys.chart(bucket_of[track_id], "tracks", country_of[track_id]))
            pipe.zscore(key, track_id)
        return {t for t, score in zip(waiting, pipe.execute(), strict=True) if score}

    def in_route(waiting: list[str]) -> set[str]:
        shown = set()
        for country in {country_of[track_id] for track_id in waiting}:
            answer = reader.get(
                "/v1/music/charts",
                params={"window": "hour", "kind": "tracks", "country": country,
                        "limit": CHART_LIMIT},
            )  # fmt: skip
            answer.raise_for_status()
            shown |= {entry["id"] for entry in answer.json()["entries"] if entry["streams"] > 0}
        return shown & set(waiting)

    watchers = {"redis": Watcher(in_redis, polls[0]), "route": Watcher(in_route, polls[1])}
    for watcher in watchers.values():
        watcher.start()
    sent: dict[str, float] = {}
    began = time.monotonic()
    try:
        for n, track in enumerate(tracks):
            time.sleep(max(0.0, began + n * every_s - time.monotonic()))
            now_ms = time.time_ns() // 1_000_000
            started_at_ms = now_ms - track.duration_ms
            bucket_of[track.track_id] = keys.minute_bucket(started_at_ms)
            country = "X" + string.ascii_uppercase[(first_letter + n) % len(string.ascii_uppercase)]
            country_of[track.track_id] = country
            for watcher in watchers.values():
                watcher.expect(track.track_id)
            play = {
                "listener": f"mf{tag}x{n}",
                "track_id": track.track_id,
                "started_at_ms": started_at_ms,
                "ms_played": track.duration_ms,
                "kind": "ended",
                "context": "album",
                "context_id": track.album_id,
                "device": "mobile",
                "country": country,
            }
            before = time.monotonic()
            answer = bench.http.post("/v1/music/plays", json={"plays": [play]})
            answer.raise_for_status()
            status = answer.json()["plays"][0]["status"]
            if status != 202:
                raise SystemExit(f"play refused: {answer.json()['plays'][0]}")
            sent[track.track_id] = before
        sending_s = time.monotonic() - began
        for name, watcher in watchers.items():
            wait_for(lambda w=watcher: not w.waiting, LAST_WAIT_S, f"every play in {name}")  # type: ignore[misc]
    finally:
        for watcher in watchers.values():
            watcher.stop.set()
            watcher.join(timeout=5)
        reader.close()
        direct.close()
    print(
        f"play -> chart: {len(tracks)} plays every {every_s * 1000:.0f} ms (sent in "
        f"{sending_s:.1f} s), one a request, each its own listener, track and X<letter> "
        "country in turn"
    )
    for name, watcher in watchers.items():
        latencies = [watcher.seen[t] - sent[t] for t in sent]
        where = (
            "ZSCORE of the minute bucket in Redis"
            if name == "redis"
            else "GET /v1/music/charts?window=hour (1 s cache)"
        )
        print(f"  POST start -> counted, {where}: {support.latency_summary(latencies)}")


if __name__ == "__main__":
    main()
