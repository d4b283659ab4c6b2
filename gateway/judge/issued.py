"""The run and submission ids the gateway issued lately, remembered in Redis.

A 202 comes back as soon as Kafka has the command; the projector shows the
submission a moment later. A read in between should wait for it, but only for
an id the gateway issued: a ULID's time says nothing about who made it, so
anyone can forge a fresh-looking one and hold a connection with it for free.
Redis holds the record, so every gateway process knows what the others issued.
"""

from __future__ import annotations

import redis.asyncio as aioredis


class IssuedSubmissions:
    """Contract: `remember` an id before its 202 is answered; for `wait_s`
    afterwards, `wait_left_s` says how much of that time is left (0 for an id
    never issued, or issued longer ago)."""

    def __init__(self, client: aioredis.Redis, namespace: str, wait_s: float) -> None:
        self._client = client
        self._prefix = f"{namespace}:gateway:issued:submission:"
        self._wait_ms = max(1, round(wait_s * 1000))

    async def remember(self, submission_id: str) -> None:
        await self._client.set(self._prefix + submission_id, b"", px=self._wait_ms)

    async def wait_left_s(self, submission_id: str) -> float:
        # PTTL is -2 for a missing key (and -1 for one without expiry, which
        # `remember` never writes).
        left_ms = int(await self._client.pttl(self._prefix + submission_id))
        return max(0, left_ms) / 1000
