"""Per-key rate limits in Redis, by GCRA (the generic cell rate algorithm).

GCRA keeps one number per key, the theoretical arrival time (TAT) of the next
request, so a check is one GET and one SET inside a Lua script: atomic across
every gateway process, and the clock is Redis's, so gateways need no clock
agreement. A key may send `burst` requests at once, then one per
60/per_minute seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import redis.asyncio as aioredis

from gateway.auth import ApiKey, RateLimit
from gateway.problems import Problem

_GCRA = """
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local allow_from = tat + interval - burst * interval
if allow_from > now then
  return {0, allow_from - now}
end
local new_tat = tat + interval
local ttl_ms = math.ceil((new_tat - now) / 1000) + 1
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', ttl_ms)
return {1, 0}
"""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_s: float


class RateLimiter:
    """Contract: `check` spends one request of the key's allowance, or says how
    long to wait; it never lets more than `burst` through at once."""

    def __init__(self, client: aioredis.Redis, namespace: str, default: RateLimit) -> None:
        self._client = client
        self._prefix = f"{namespace}:gateway:rate:"
        self._default = default
        self._script = client.register_script(_GCRA)

    async def check(self, key: ApiKey) -> Decision:
        limit = key.rate_limit or self._default
        interval_us = 60_000_000 // max(1, limit.per_minute)
        allowed, wait_us = await self._script(
            keys=[self._prefix + key.key_id], args=[interval_us, max(1, limit.burst)]
        )
        return Decision(bool(allowed), int(wait_us) / 1_000_000)

    async def enforce(self, key: ApiKey) -> None:
        decision = await self.check(key)
        if not decision.allowed:
            retry_after = max(1, math.ceil(decision.retry_after_s))
            raise Problem(
                429,
                "rate-limited",
                f"rate limit of key {key.key_id!r} exceeded; retry in {retry_after} s",
                headers={"Retry-After": str(retry_after)},
            )
