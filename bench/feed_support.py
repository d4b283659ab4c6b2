"""What the feed benchmarks share: the platform of bench.support (its own
ports and state folder unless ONELOG_* says otherwise), a key acting for
every member (feed:operator), members, follows and posts loaded through
POST /v1/feed/batch with onelog/feed's batch sender, waits on the read model
in Redis, and an HTTP client for timeline reads.

Every run names its members with a fresh tag, so runs on one log never share
a member, and each wait is bounded.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import redis

from bench import support
from gateway.auth import create_api_key
from infra.settings import Settings
from onelog.feed.batch_commands import CREATE_MEMBER, FOLLOW, PUBLISH_POST
from onelog.feed.graph_loader import BatchAnswer, BatchSender, send_phase
from projections.feed import keys
from streams.feed.config import feed_settings
from streams.feed.fanout_policy import follower_bucket

FEED_SCOPES = ("feed:read", "feed:write", "feed:operator")
BATCH_LINES = 500  # the route's 64 KiB body holds about this many lines
IN_FLIGHT = 2


def feed_api_key(settings: Settings) -> str:
    """A key that acts for every member, with a rate limit no benchmark reaches."""
    return create_api_key(
        settings.api_keys_file,
        f"bench-feed-{uuid.uuid4().hex[:6]}",
        FEED_SCOPES,
        rate_per_minute=600_000_000,
        burst=10_000_000,
    )


def run_prefix(kind: str) -> str:
    """Members of one run: `<kind><tag>x`, lowercase (a handle is [a-z0-9_])."""
    return f"{kind}{uuid.uuid4().hex[:6]}x"


def member_ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{index:06d}" for index in range(count)]


def bucket_of(settings: Settings, follower: str) -> int:
    return follower_bucket(follower, feed_settings(settings).rules.policy)


# --- batch lines --------------------------------------------------------------


def create_lines(members: Iterable[str]) -> Iterator[dict[str, Any]]:
    for member in members:
        yield {"command": CREATE_MEMBER, "member": member, "handle": member}


def follow_lines(pairs: Iterable[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    """(follower, followee) pairs as follow lines."""
    for follower, followee in pairs:
        yield {"command": FOLLOW, "member": follower, "other": followee}


def post_line(author: str, text: str) -> dict[str, Any]:
    return {"command": PUBLISH_POST, "member": author, "text": text}


@dataclass
class FeedBench:
    """One benchmark's handles on the running platform."""

    settings: Settings
    key: str
    redis: redis.Redis
    http: httpx.Client

    def rkey(self, relative: str) -> str:
        """A feed key (keys.py) in the platform's namespace."""
        return f"{self.settings.namespace}:{relative}"

    def load(self, lines: Iterable[dict[str, Any]]) -> int:
        """Every line through the batch route; fails on any line refused."""
        sender = BatchSender(self.settings.gateway_url, self.key)
        accepted, failures = 0, list[str]()

        def on_batch(answer: BatchAnswer, size: int) -> None:
            nonlocal accepted
            accepted += answer.accepted
            failures.extend(answer.failures)

        try:
            send_phase(sender, lines, BATCH_LINES, IN_FLIGHT, on_batch)
        finally:
            sender.close()
        if failures:
            raise SystemExit(f"{len(failures)} batch lines refused, first: {failures[:3]}")
        return accepted

    def post_batch(self, lines: Sequence[dict[str, Any]]) -> list[str]:
        """Posts in one batch (they reach the log together); their ids, in order."""
        body = b"".join(orjson.dumps(line) + b"\n" for line in lines)
        answer = self.http.post(
            "/v1/feed/batch", content=body, headers={"Content-Type": "application/x-ndjson"}
        )
        answer.raise_for_status()
        results = [orjson.loads(raw) for raw in answer.content.splitlines() if raw.strip()]
        refused = [r for r in results if r.get("status") != 202]
        if refused or len(results) != len(lines):
            raise SystemExit(f"posts refused: {refused[:3]}")
        return [str(r["post_id"]) for r in results]

    def post(self, author: str, text: str) -> str:
        answer = self.http.post(f"/v1/feed/members/{author}/posts", json={"text": text})
        answer.raise_for_status()
        return str(answer.json()["post_id"])

    def timeline(self, reader: str, mode: str, limit: int = 50) -> dict[str, Any]:
        answer = self.http.get(
            f"/v1/feed/members/{reader}/timeline", params={"mode": mode, "limit": limit}
        )
        answer.raise_for_status()
        page: dict[str, Any] = answer.json()
        return page

    # --- waits on the read model -----------------------------------------------

    def wait_members(self, members: Sequence[str], timeout: float = 300.0) -> float:
        """Until Redis shows every member; the seconds it took."""
        waiting = list(members)

        def shown() -> bool:
            nonlocal waiting
            pipe = self.redis.pipeline(transaction=False)
            for member in waiting:
                pipe.exists(self.rkey(keys.member(member)))
            waiting = [m for m, found in zip(waiting, pipe.execute(), strict=True) if not found]
            return not waiting

        return wait_for(shown, timeout, f"{len(members):,} members shown")

    def member_field(self, member: str, name: str) -> str:
        value = self.redis.hget(self.rkey(keys.member(member)), name)
        return value.decode() if isinstance(value, bytes) else str(value or "")

    def wait_followers(self, author: str, count: int, timeout: float = 600.0) -> float:
        """Until the author's follower count in Redis reaches `count`."""
        return wait_for(
            lambda: int(self.member_field(author, "followers") or 0) >= count,
            timeout,
            f"{author} followed by {count:,}",
        )

    def timeline_size(self, readers: Sequence[str]) -> list[int]:
        pipe = self.redis.pipeline(transaction=False)
        for reader in readers:
            pipe.zcard(self.rkey(keys.timeline(reader)))
        return [int(n) for n in pipe.execute()]


def wait_for(done: Callable[[], bool], timeout: float, what: str, every: float = 0.05) -> float:
    """Polls `done` until true; the seconds it took (SystemExit past the timeout)."""
    started = time.monotonic()
    while not done():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)
    return time.monotonic() - started


@contextmanager
def feed_bench() -> Iterator[FeedBench]:
    """The platform (started here if not running, stopped after) and the handles."""
    support.stop_on_sigterm()
    settings = support.bench_settings()
    with support.platform_running(settings) as running:
        print(running.describe())
        key = feed_api_key(settings)
        headers = {"Authorization": f"Bearer {key}"}
        client = redis.Redis.from_url(settings.redis_url)
        with httpx.Client(base_url=settings.gateway_url, headers=headers, timeout=60) as http:
            try:
                yield FeedBench(settings, key, client, http)
            finally:
                client.close()


def ms_summary(seconds: Sequence[float]) -> str:
    return support.latency_summary(seconds)
