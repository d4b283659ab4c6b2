"""What the music benchmarks share: the platform of bench.support (its own
ports and state folder unless ONELOG_* says otherwise) and, when asked, the
search indexer; a key acting for every listener (music:operator); the
generated catalog (onelog/music's generator and loader, through POST
/v1/music/catalog) loaded once per state folder and waited for in Redis;
ClickHouse counts through the projector's SQL endpoint; and a process's CPU
seconds from /proc, to say which part limits a run.

Every wait is bounded.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import redis

from bench import support
from bench.feed_support import wait_for
from gateway.auth import create_api_key
from infra import processes
from infra.settings import Settings
from onelog import platform
from onelog.music.catalog_generator import Catalog, CatalogShape, catalog_lines, generate_catalog
from onelog.music.catalog_loader import CATALOG_ROUTE, LoadTally, load
from onelog.music.services import SEARCH_INDEXER, search_indexer_service
from projections.analytics_token import analytics_token
from projections.music import keys

MUSIC_SCOPES = ("music:read", "music:write", "music:catalog", "music:operator", "music:analytics")
# One catalog per state folder: the benchmarks' plays and searches name it.
CATALOG_TRACKS = 100_000
CATALOG_SEED = 0
CATALOG_PREFIX = "mb"
CATALOG_BATCH_LINES = 200  # about 250 bytes a line: the route's 64 KiB body
CATALOG_IN_FLIGHT = 2
CATALOG_WAIT_S = 600.0
SQL_TIMEOUT_S = 30.0


def music_api_key(settings: Settings) -> str:
    """A key acting for every listener, with a rate limit no benchmark reaches."""
    return create_api_key(
        settings.api_keys_file,
        f"bench-music-{uuid.uuid4().hex[:6]}",
        MUSIC_SCOPES,
        rate_per_minute=600_000_000,
        burst=10_000_000,
    )


def bench_catalog() -> Catalog:
    """The catalog every music benchmark uses (pure and seeded: the same each time)."""
    return generate_catalog(CatalogShape(CATALOG_TRACKS, CATALOG_SEED, CATALOG_PREFIX))


@dataclass
class MusicBench:
    """One benchmark's handles on the running platform."""

    settings: Settings
    key: str
    redis: redis.Redis
    http: httpx.Client

    def rkey(self, relative: str) -> str:
        """A music key (projections/music/keys.py) in the platform's namespace."""
        return f"{self.settings.namespace}:{relative}"

    def tracks_shown(self, track_ids: Sequence[str]) -> list[str]:
        """Those of the tracks the gateway's catalog (Redis) lacks."""
        pipe = self.redis.pipeline(transaction=False)
        for track_id in track_ids:
            pipe.exists(self.rkey(keys.track(track_id)))
        return [t for t, found in zip(track_ids, pipe.execute(), strict=True) if not found]

    def ensure_catalog(self, catalog: Catalog) -> str:
        """Loads the catalog unless Redis already shows it; waits until it does.
        Says what it did."""
        track_ids = [track.track_id for track in catalog.tracks]
        if not self.tracks_shown(track_ids):
            return f"catalog: {len(track_ids):,} tracks already loaded"
        tally: LoadTally = load(
            self.settings.gateway_url,
            self.key,
            CATALOG_ROUTE,
            catalog_lines(catalog),
            batch_lines=CATALOG_BATCH_LINES,
            parallel=CATALOG_IN_FLIGHT,
        )
        if tally.failures:
            raise SystemExit(f"{tally.failures} catalog lines refused: {tally.first_failures}")
        missing = track_ids

        def shown() -> bool:
            nonlocal missing
            missing = self.tracks_shown(missing)
            return not missing

        waited = wait_for(shown, CATALOG_WAIT_S, f"{len(track_ids):,} tracks in Redis", every=0.5)
        return (
            f"catalog: {tally.accepted:,} lines loaded in {tally.seconds:.1f} s "
            f"({tally.lines_per_s:,.0f}/s), in Redis {waited:.1f} s later"
        )

    def sql(self, query: str) -> list[dict[str, Any]]:
        """Rows of a read-only query on the projector's chDB (its SQL endpoint)."""
        token = analytics_token(self.settings.state_dir)
        answer = httpx.post(
            f"{self.settings.analytics_url}/sql",
            json={"query": query},
            headers={"Authorization": f"Bearer {token}"},
            timeout=SQL_TIMEOUT_S,
        )
        answer.raise_for_status()
        rows: list[dict[str, Any]] = answer.json()["rows"]
        return rows

    def pid(self, name: str) -> int:
        found = processes.running_pid(self.settings.state_dir, name)
        if found is None:
            raise SystemExit(f"{name} is not running")
        return found


def start_search_indexer(settings: Settings) -> bool:
    """Starts the search indexer unless it runs; whether it was started here."""
    if processes.running_pid(settings.state_dir, SEARCH_INDEXER) is not None:
        return False
    platform.start_domain_service(settings, search_indexer_service(settings))
    return True


@contextmanager
def music_bench(*, search_indexer: bool = False) -> Iterator[MusicBench]:
    """The platform (started here if not running, stopped after), the search
    indexer if asked, and the handles."""
    support.stop_on_sigterm()
    settings = support.bench_settings()
    with support.platform_running(settings) as running:
        indexer_started = search_indexer and start_search_indexer(settings)
        print(running.describe() + (", music-search-indexer" if indexer_started else ""))
        key = music_api_key(settings)
        headers = {"Authorization": f"Bearer {key}"}
        client = redis.Redis.from_url(settings.redis_url)
        try:
            with httpx.Client(base_url=settings.gateway_url, headers=headers, timeout=60) as http:
                yield MusicBench(settings, key, client, http)
        finally:
            client.close()
            if indexer_started:
                processes.stop(settings.state_dir, SEARCH_INDEXER)


# --- CPU ----------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process (its threads, not its children) has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command's ")": state is field 3, utime 14 and stime 15.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class CpuMeter:
    """CPU used by named processes between start() and read(), as a share of
    one core over the wall time."""

    def __init__(self, pids: dict[str, int]) -> None:
        self._pids = pids
        self._began = time.monotonic()
        self._cpu = {name: cpu_seconds(pid) for name, pid in pids.items()}

    def used(self) -> dict[str, float]:
        """CPU seconds each process used since start."""
        return {name: cpu_seconds(pid) - self._cpu[name] for name, pid in self._pids.items()}

    def read(self) -> dict[str, float]:
        wall = time.monotonic() - self._began
        return {name: used / wall if wall else 0.0 for name, used in self.used().items()}


def cpu_line(shares: dict[str, float]) -> str:
    return ", ".join(f"{name} {share * 100:.0f}%" for name, share in shares.items())
