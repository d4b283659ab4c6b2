"""Per-key rate limits in Redis, by GCRA (the generic cell rate algorithm).

GCRA keeps one number per key, the theoretical arrival time (TAT) of the next
request, so a check is one GET and one SET inside a Lua script: atomic across
every gateway process, and the clock is Redis's, so gateways need no clock
agreement. A key may send `burst` requests at once, then one per
60/per_minute seconds.
"""

from __future__ import annotations

import math

from gateway.auth import ApiKey, RateLimit
from gateway.problems import Problem
from gateway.redis_pipeline import RedisPipeline, Script

# `spend(key, interval_us, burst)`: 0 if the request may pass (and counted),
# else the microseconds until it may. A Lua function, so the write path's
# admission script (gateway/admission.py) runs the same limit.
GCRA_FUNCTION = """
local function spend(key, interval, burst)
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then tat = now end
  local allow_from = tat + interval - burst * interval
  if allow_from > now then
    return allow_from - now
  end
  local new_tat = tat + interval
  local ttl_ms = math.ceil((new_tat - now) / 1000) + 1
  redis.call('SET', key, string.format('%d', new_tat), 'PX', ttl_ms)
  return 0
end
"""

_GCRA = Script(GCRA_FUNCTION + "return spend(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))\n")


def limited(key: ApiKey, wait_us: int) -> Problem:
    """The 429 for a key that must wait `wait_us` microseconds."""
    retry_after = max(1, math.ceil(wait_us / 1_000_000))
    return Problem(
        429,
        "rate-limited",
        f"rate limit of key {key.key_id!r} exceeded; retry in {retry_after} s",
        headers={"Retry-After": str(retry_after)},
    )


class RateLimiter:
    """Contract: `enforce` spends one request of the key's allowance, or raises
    the 429 saying how long to wait; it never lets more than `burst` through
    at once."""

    def __init__(self, redis: RedisPipeline, namespace: str, default: RateLimit) -> None:
        self._redis = redis
        self._prefix = f"{namespace}:gateway:rate:"
        self._default = default

    def storage_key(self, key: ApiKey) -> str:
        return self._prefix + key.key_id

    def arguments(self, key: ApiKey) -> tuple[int, int]:
        """`spend`'s interval (microseconds) and burst for this key."""
        limit = key.rate_limit or self._default
        return 60_000_000 // max(1, limit.per_minute), max(1, limit.burst)

    async def enforce(self, key: ApiKey) -> None:
        wait_us = int(await self._redis.run(_GCRA, [self.storage_key(key)], [*self.arguments(key)]))
        if wait_us:
            raise limited(key, wait_us)
