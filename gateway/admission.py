"""Admitting a write: the key's rate limit and its Idempotency-Key in one Redis script.

A write used to ask Redis twice before producing (rate limit, then the claim);
both now run in one script, one round trip. The rate limit is spent first, as
before: a replayed or conflicting Idempotency-Key costs a request too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gateway.auth import ApiKey
from gateway.idempotency import CLAIM_FUNCTION, Claim, IdempotencyStore, StoredAnswer
from gateway.rate_limit import GCRA_FUNCTION, RateLimiter, limited
from gateway.redis_pipeline import RedisPipeline, Script

# KEYS: the rate-limit key, then the Idempotency-Key's entry if the request
# sent one. ARGV: spend's two arguments, then claim's five.
_ADMIT = Script(
    GCRA_FUNCTION
    + CLAIM_FUNCTION
    + """
local wait = spend(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
if wait > 0 then
  return {'limited', tostring(wait)}
end
if #KEYS == 1 then
  return {'admitted', ''}
end
return claim(KEYS[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]))
"""
)


@dataclass(frozen=True)
class IdempotentRequest:
    """A request's Idempotency-Key (validated) and its fingerprint."""

    key: str
    fingerprint: str


class WriteAdmission:
    """Contract: `admit` spends one request of the key's allowance (else 429)
    and, for an idempotent request, claims its key (else 409): None for a
    plain request, the Claim to settle, or the stored answer to replay."""

    def __init__(
        self, redis: RedisPipeline, rate_limiter: RateLimiter, idempotency: IdempotencyStore
    ) -> None:
        self._redis = redis
        self._rate_limiter = rate_limiter
        self._idempotency = idempotency

    async def admit(
        self, key: ApiKey, ids: Mapping[str, str], idempotent: IdempotentRequest | None
    ) -> Claim | StoredAnswer | None:
        keys = [self._rate_limiter.storage_key(key)]
        args: list[str | int] = [*self._rate_limiter.arguments(key)]
        if idempotent is not None:
            entry, claim_args = self._idempotency.claim_arguments(
                key.key_id, idempotent.key, idempotent.fingerprint, ids
            )
            keys.append(entry)
            args += claim_args
        outcome, detail = await self._redis.run(_ADMIT, keys, args)
        if outcome in (b"limited", "limited"):
            raise limited(key, int(float(detail)))
        if idempotent is None:
            return None
        return IdempotencyStore.claimed(keys[1], args[2:], outcome, detail)
