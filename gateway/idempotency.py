"""Idempotency-Key: a retried request gets the first answer and writes nothing new.

Per (API key, Idempotency-Key) Redis holds one entry with the fingerprint of
the request that claimed it and one of three states:

- pending: a request is producing now; a duplicate gets 409 (retry later).
- failed:  Kafka did not acknowledge; the next retry takes the entry over and
           reuses the same event and order ids, so if the "failed" record did
           reach the log after all, processors drop the retry as a duplicate.
- done:    the answer is stored and replayed for the TTL.

A different request under the same key is a 409. Claiming is one Lua script,
so two gateways racing on a key cannot both win.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis

from gateway.problems import Problem

MAX_KEY_LENGTH = 255
# Visible ASCII, spaces inside: what an HTTP header carries intact (servers
# strip the spaces around a value). /openapi.json states the same pattern.
KEY_PATTERN = r"^[ -~]*[!-~][ -~]*$"

_CLAIM = """
local raw = redis.call('GET', KEYS[1])
if not raw then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
  return {'claimed', ''}
end
local entry = cjson.decode(raw)
if entry.fingerprint ~= ARGV[1] then
  return {'conflict', ''}
end
if entry.state == 'done' then
  return {'replay', raw}
end
if entry.state == 'pending' then
  return {'in_flight', ''}
end
entry.state = 'pending'
entry.token = ARGV[2]
redis.call('SET', KEYS[1], cjson.encode(entry), 'PX', ARGV[4])
return {'claimed', raw}
"""

# Only the holder of the claim (its token) may settle the entry.
_SETTLE = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local entry = cjson.decode(raw)
if entry.token ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
"""


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """sha256 of what makes two requests "the same": method, path and the JSON
    body in canonical form (key order and whitespace do not matter)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def storage_key(namespace: str, api_key_id: str, idempotency_key: str) -> str:
    # Hashed: the client's key may be long or hold any characters.
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()
    return f"{namespace}:gateway:idem:{api_key_id}:{digest}"


def validate_idempotency_key(value: str) -> str:
    if len(value) > MAX_KEY_LENGTH or not re.fullmatch(KEY_PATTERN, value):
        raise Problem(
            400,
            "invalid-idempotency-key",
            f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} printable ASCII characters",
            errors=[{"parameter": "Idempotency-Key", "detail": "invalid header value"}],
        )
    return value


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: dict[str, Any]


@dataclass
class Claim:
    """This request holds the key: it must `complete` or `fail` it."""

    storage_key: str
    fingerprint: str
    token: str
    # Ids reserved by an earlier failed attempt, to be reused.
    reserved_ids: dict[str, str]


class IdempotencyStore:
    def __init__(self, client: aioredis.Redis, namespace: str, ttl_s: int, pending_ttl_s: int):
        self._client = client
        self._namespace = namespace
        self._ttl_ms = ttl_s * 1000
        # A crashed gateway must not hold a key for a day: pending entries
        # expire soon after any delivery could still be reported.
        self._pending_ttl_ms = pending_ttl_s * 1000
        self._claim = client.register_script(_CLAIM)
        self._settle = client.register_script(_SETTLE)

    async def claim(
        self, api_key_id: str, idempotency_key: str, fingerprint: str
    ) -> Claim | StoredAnswer:
        """Claim the key, or return the stored answer to replay; 409 otherwise."""
        key = storage_key(self._namespace, api_key_id, idempotency_key)
        token = secrets.token_hex(16)
        pending = json.dumps(
            {"state": "pending", "fingerprint": fingerprint, "token": token, "ids": {}}
        )
        outcome, raw = await self._claim(
            keys=[key], args=[fingerprint, token, pending, self._pending_ttl_ms]
        )
        outcome = outcome.decode() if isinstance(outcome, bytes) else outcome
        if outcome == "conflict":
            raise Problem(
                409,
                "idempotency-key-reused",
                "this Idempotency-Key was used for a different request",
            )
        if outcome == "in_flight":
            raise Problem(
                409,
                "idempotency-key-in-flight",
                "a request with this Idempotency-Key is still being processed; retry shortly",
                headers={"Retry-After": "1"},
            )
        entry = json.loads(raw) if raw else {}
        if outcome == "replay":
            return StoredAnswer(int(entry["status"]), entry["body"])
        ids = entry.get("ids") or {}
        return Claim(key, fingerprint, token, {str(k): str(v) for k, v in ids.items()})

    async def complete(self, claim: Claim, status: int, body: dict[str, Any]) -> None:
        entry = {
            "state": "done",
            "fingerprint": claim.fingerprint,
            "token": claim.token,
            "status": status,
            "body": body,
        }
        await self._settle(
            keys=[claim.storage_key], args=[claim.token, json.dumps(entry), self._ttl_ms]
        )

    async def fail(self, claim: Claim, ids: dict[str, str]) -> None:
        """Kafka did not acknowledge: free the key for a retry that reuses `ids`."""
        entry = {
            "state": "failed",
            "fingerprint": claim.fingerprint,
            "token": claim.token,
            "ids": ids,
        }
        await self._settle(
            keys=[claim.storage_key], args=[claim.token, json.dumps(entry), self._ttl_ms]
        )
