"""The post ids the gateway issued lately, with their author, remembered in
Redis (as the deploy system remembers its deployments: gateway/deploy/issued.py).

A 202 comes back as soon as Kafka has the post; the projector writes its
body a moment later. A member who posts and at once edits, deletes, likes or
reads the post should wait for it rather than get a 404 for the id the 202
gave, but only for an id the gateway issued: a ULID's time says nothing
about who made it, so a forged fresh-looking id would hold a connection for
free. The author is remembered too, so another member's edit is refused at
once instead of waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import redis.asyncio as aioredis

T = TypeVar("T")

# How often a waiting request looks at the read model again.
POLL_S = 0.02


@dataclass(frozen=True)
class IssuedPost:
    author: str
    wait_left_s: float


class IssuedPosts:
    """Contract: `remember` a post id before its 202 is answered; for `wait_s`
    afterwards, `issued` tells its author and how much of that time is left
    (None for an id never issued, or issued longer ago)."""

    def __init__(self, client: aioredis.Redis, namespace: str, wait_s: float) -> None:
        self._client = client
        self._prefix = f"{namespace}:gateway:issued:feed:post:"
        self._wait_ms = max(1, round(wait_s * 1000))

    async def remember(self, post_id: str, author: str) -> None:
        await self._client.set(self._prefix + post_id, author.encode(), px=self._wait_ms)

    async def issued(self, post_id: str) -> IssuedPost | None:
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.get(self._prefix + post_id)
            pipe.pttl(self._prefix + post_id)
            author, left_ms = await pipe.execute()
        # PTTL is -2 for a missing key (and -1 for one without expiry, which
        # `remember` never writes).
        if author is None or int(left_ms) <= 0:
            return None
        text = author.decode() if isinstance(author, bytes) else str(author)
        return IssuedPost(text, int(left_ms) / 1000)


async def shown_within(read: Callable[[], Awaitable[T | None]], wait_s: float) -> T | None:
    """What `read` returns once it is not None, looking every POLL_S for at
    most `wait_s` (None when the time is up)."""
    deadline = time.monotonic() + wait_s
    found = await read()
    while found is None and time.monotonic() < deadline:
        await asyncio.sleep(POLL_S)
        found = await read()
    return found
