"""The feed as its end-to-end tests drive it: only through the public HTTP API
(members, follows, posts through the routes and the NDJSON batch route; the
timeline, post and member reads; the analyst's SQL), with a key that acts for
every member."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from gateway.auth import create_api_key
from tests.e2e.conftest import Platform, eventually

BATCH_LINES = 500  # the batch route's 64 KiB body holds this many short lines
PAGE = 100  # the timeline's largest page


class Feed:
    """One operator key's HTTP client for /v1/feed and /v1/analytics."""

    def __init__(self, running: Platform, http: httpx.Client) -> None:
        self.running = running
        self.http = http

    # Writes -----------------------------------------------------------------

    def accepted(self, response: httpx.Response) -> dict[str, Any]:
        assert response.status_code == 202, response.text
        body: dict[str, Any] = response.json()
        return body

    def batch(self, lines: Iterable[dict[str, Any]]) -> None:
        """Every line through POST /v1/feed/batch, each answered 202."""
        pending = list(lines)
        for start in range(0, len(pending), BATCH_LINES):
            chunk = pending[start : start + BATCH_LINES]
            response = self.http.post(
                "/v1/feed/batch",
                content=b"".join(orjson.dumps(line) + b"\n" for line in chunk),
                headers={"Content-Type": "application/x-ndjson"},
                timeout=60,
            )
            assert response.status_code == 200, response.text
            answers = [orjson.loads(line) for line in response.content.splitlines() if line]
            refused = [a for a in answers if a.get("status") != 202]
            assert len(answers) == len(chunk) and not refused, refused[:3]

    def create_members(self, members: list[str]) -> None:
        """Created, and waited for until the read model shows every one."""
        self.batch({"command": "create_member", "member": m, "handle": handle(m)} for m in members)
        eventually(
            lambda: all(self.many(lambda m: self.member(m) is not None, members)),
            timeout=120,
            what=f"{len(members)} members shown",
        )

    def follow(self, followers: list[str], author: str) -> None:
        """Each follower follows `author`, waited for until the author counts them all
        (the author's count must have been zero, as for a fresh member)."""
        self.batch({"command": "follow", "member": f, "other": author} for f in followers)
        eventually(
            lambda: (self.member(author) or {}).get("followers") == len(followers),
            timeout=120,
            what=f"{author} followed by {len(followers)}",
        )

    def post(self, author: str, text: str) -> str:
        body = self.accepted(
            self.http.post(f"/v1/feed/members/{author}/posts", json={"text": text})
        )
        return str(body["post_id"])

    # Reads ------------------------------------------------------------------

    def member(self, member: str) -> dict[str, Any] | None:
        response = self.http.get(f"/v1/feed/members/{member}")
        return response.json() if response.status_code == 200 else None

    def page(
        self, reader: str, mode: str = "chronological", limit: int = PAGE, cursor: str | None = None
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"mode": mode, "limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        response = self.http.get(f"/v1/feed/members/{reader}/timeline", params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def timeline(self, reader: str, mode: str = "chronological") -> list[str]:
        """The post ids of the reader's first page (the largest)."""
        return [item["post_id"] for item in self.page(reader, mode)["items"]]

    def read_post(self, reader: str, post_id: str) -> httpx.Response:
        return self.http.get(f"/v1/feed/members/{reader}/posts/{post_id}")

    def sql(self, query: str) -> list[dict[str, Any]]:
        response = self.http.post("/v1/analytics/sql", json={"query": query})
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = response.json()["rows"]
        return rows

    def fanout_entries(self, post_id: str) -> int:
        """Timeline entries the fan-out wrote for the post (ClickHouse's fan-out cost)."""
        rows = self.sql(
            # FINAL: a record projected twice is one row (its position is the key).
            f"SELECT sum(entries) AS n FROM feed_fanout_cost FINAL WHERE post_id = '{post_id}'"
        )
        return int(rows[0]["n"] or 0) if rows else 0

    def many(self, check: Any, items: Iterable[Any]) -> list[Any]:
        """check(item) for every item, a few at a time (the gateway serves them at once)."""
        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(check, items))


def handle(member: str) -> str:
    """A handle for a member id (handles are [a-z0-9_]{1,30})."""
    return member.lower().replace("-", "_")[:30]


def run_tag() -> str:
    """A fresh prefix, so members of one run never meet another's."""
    return uuid.uuid4().hex[:6]


@contextmanager
def open_feed(running: Platform) -> Iterator[Feed]:
    key = create_api_key(
        running.settings.api_keys_file,
        f"e2e-feed-{run_tag()}",
        ["feed:read", "feed:write", "feed:operator", "analytics:read"],
        rate_per_minute=6_000_000,
        burst=100_000,
    )
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=running.url, headers=headers, timeout=10) as http:
        yield Feed(Platform(running.settings, key), http)


class LiveStream:
    """A member's live SSE stream read by a thread: every event (name, id, data)
    in arrival order, with the time it arrived."""

    def __init__(self, running: Platform, member: str, last_event_id: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {running.api_key}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        # A client of its own: closing it ends the read (at the latest at the
        # next keepalive), whatever the other clients do.
        self._client = httpx.Client(base_url=running.url, headers=headers, timeout=30)
        self._member = member
        self._closed = threading.Event()
        self.events: list[LiveEvent] = []
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            with self._client.stream("GET", f"/v1/feed/members/{self._member}/live") as response:
                assert response.status_code == 200, response.read()
                fields: dict[str, str] = {}
                for line in response.iter_lines():
                    if self._closed.is_set():
                        return
                    if line.startswith(":"):
                        continue
                    if line == "":
                        if "event" in fields:
                            data = orjson.loads(fields.get("data", "null"))
                            self.events.append(
                                LiveEvent(fields["event"], fields.get("id"), data, time.monotonic())
                            )
                        fields = {}
                        continue
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")
        except BaseException as error:  # reported to the test by posts(), not lost
            if not self._closed.is_set():
                self.error = error

    def posts(self) -> list[LiveEvent]:
        assert self.error is None, f"the live stream failed: {self.error!r}"
        return [event for event in list(self.events) if event.name == "post"]

    def post_ids(self) -> list[str]:
        return [str(event.data["post_id"]) for event in self.posts()]

    def wait_for(self, post_ids: set[str], timeout: float = 30.0) -> list[LiveEvent]:
        eventually(
            lambda: post_ids <= set(self.post_ids()),
            timeout=timeout,
            what=f"{len(post_ids)} posts on {self._member}'s live stream",
        )
        return self.posts()

    def ready(self, timeout: float = 10.0) -> LiveEvent:
        """The first event (ready, or reset): the stream is open and positioned."""
        first: LiveEvent = eventually(
            lambda: self.events[0] if self.events else None,
            timeout=timeout,
            what=f"{self._member}'s live stream open",
        )
        return first

    def close(self) -> None:
        self._closed.set()
        self._client.close()
        self._thread.join(timeout=1.0)


@dataclass(frozen=True)
class LiveEvent:
    name: str
    id: str | None
    data: Any
    at: float


@contextmanager
def live_stream(
    running: Platform, member: str, last_event_id: str | None = None
) -> Iterator[LiveStream]:
    stream = LiveStream(running, member, last_event_id)
    try:
        yield stream
    finally:
        stream.close()
