"""The deployment and release ids the gateway issued lately, with their
service, remembered in Redis (as the judge remembers its submissions:
gateway/judge/issued.py).

A 202 comes back as soon as Kafka has the command; the projector shows the
deployment or release a moment later. A client that starts a deployment and
at once reads, streams or pauses it should wait for it rather than get a 404
for the id it was just given, but only for an id the gateway issued: a ULID's
time says nothing about who made it, so a forged fresh-looking id would hold
a connection for free. The service is remembered too, so a key acting for
another service is refused at once instead of waiting. Redis holds the
record, so every gateway process knows what the others issued.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

import redis.asyncio as aioredis

Kind = Literal["deployment", "release"]
T = TypeVar("T")

# How often a waiting request looks at the read model again.
POLL_S = 0.02


@dataclass(frozen=True)
class Issued:
    service: str
    wait_left_s: float


class IssuedIds:
    """Contract: `remember` an id before its 202 is answered; for `wait_s`
    afterwards, `issued` tells its service and how much of that time is left
    (None for an id never issued, or issued longer ago)."""

    def __init__(self, client: aioredis.Redis, namespace: str, wait_s: float) -> None:
        self._client = client
        self._prefix = f"{namespace}:gateway:issued:deploy:"
        self._wait_ms = max(1, round(wait_s * 1000))

    def _key(self, kind: Kind, object_id: str) -> str:
        return f"{self._prefix}{kind}:{object_id}"

    async def remember(self, kind: Kind, object_id: str, service: str) -> None:
        await self._client.set(self._key(kind, object_id), service.encode(), px=self._wait_ms)

    async def issued(self, kind: Kind, object_id: str) -> Issued | None:
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.get(self._key(kind, object_id))
            pipe.pttl(self._key(kind, object_id))
            service, left_ms = await pipe.execute()
        # PTTL is -2 for a missing key (and -1 for one without expiry, which
        # `remember` never writes).
        if service is None or int(left_ms) <= 0:
            return None
        text = service.decode() if isinstance(service, bytes) else str(service)
        return Issued(text, int(left_ms) / 1000)


async def shown_within(
    read: Callable[[], Awaitable[T | None]], first: T | None, wait_s: float
) -> T | None:
    """`first`, or what `read` returns once it is not None, looking again
    every POLL_S for at most `wait_s` (None when the time is up)."""
    found = first
    deadline = time.monotonic() + wait_s
    while found is None and time.monotonic() < deadline:
        await asyncio.sleep(POLL_S)
        found = await read()
    return found
