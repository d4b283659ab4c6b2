"""Idempotency-Key: a retried request gets the first answer and writes nothing new.

Per (API key, Idempotency-Key) Redis holds one entry with the fingerprint of
the request that claimed it, the ids its record carries (event id, order
id...) and one of three states:

- pending: a request is producing now; a duplicate gets 409 (retry later).
           Past `pending_until` (its gateway died, or lost Redis after
           Kafka's ack) the next retry takes the entry over.
- failed:  Kafka did not acknowledge; the next retry takes the entry over.
- done:    the answer is stored and replayed for the TTL.

A retry that takes an entry over reuses its ids, so if the earlier record
reached the log after all, processors drop the retry as a duplicate. A
different request under the same key is a 409. Claiming runs inside the write
path's one Redis script (gateway/admission.py), so two gateways racing on a
key cannot both win.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from gateway.problems import Problem
from gateway.redis_pipeline import RedisPipeline, Script

MAX_KEY_LENGTH = 255
# Visible ASCII, spaces inside: what an HTTP header carries intact (servers
# strip the spaces around a value). /openapi.json states the same pattern.
KEY_PATTERN = r"^[ -~]*[!-~][ -~]*$"

# `claim(key, fingerprint, token, ids_json, pending_ms, ttl_ms)` -> {outcome, raw}:
# raw is the entry as it was (replay: the stored answer; a takeover: its ids).
CLAIM_FUNCTION = """
local function claim(key, fingerprint, token, ids, pending_ms, ttl_ms)
  local time = redis.call('TIME')
  local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local raw = redis.call('GET', key)
  local entry
  if raw then
    entry = cjson.decode(raw)
    if entry.fingerprint ~= fingerprint then
      return {'conflict', ''}
    end
    if entry.state == 'done' then
      return {'replay', raw}
    end
    -- An entry from before pending_until existed is held until its TTL ends.
    local held_until = entry.pending_until or math.huge
    if entry.state == 'pending' and held_until > now_ms then
      return {'in_flight', ''}
    end
  else
    entry = {fingerprint = fingerprint, ids = cjson.decode(ids)}
    raw = ''
  end
  entry.state = 'pending'
  entry.token = token
  entry.pending_until = now_ms + pending_ms
  redis.call('SET', key, cjson.encode(entry), 'PX', ttl_ms)
  return {'claimed', raw}
end
"""

# Only the holder of the claim (its token) may settle the entry.
_SETTLE = Script("""
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local entry = cjson.decode(raw)
if entry.token ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
""")


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """sha256 of what makes two requests "the same": method, path and the JSON
    body in canonical form (key order and whitespace do not matter)."""
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(f"{method.upper()} {path}\n".encode() + canonical).hexdigest()


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
    # Ids an earlier attempt under this key gave its record, to be reused
    # (empty when this request is the first).
    reserved_ids: dict[str, str]


class IdempotencyStore:
    """Contract: `claim_arguments` and `claimed` are the two halves of a claim
    (the script runs in gateway/admission.py); a Claim must then be settled
    with `complete` or `fail`, by its holder only."""

    def __init__(self, redis: RedisPipeline, namespace: str, ttl_s: int, pending_s: int):
        self._redis = redis
        self._namespace = namespace
        self._ttl_ms = ttl_s * 1000
        # A request that took the key holds it this long; after that a retry
        # takes it over (with the same ids), so a crashed gateway's keys do
        # not wait out the whole TTL.
        self._pending_ms = pending_s * 1000

    def claim_arguments(
        self, api_key_id: str, idempotency_key: str, fingerprint: str, ids: Mapping[str, str]
    ) -> tuple[str, list[str | int]]:
        """The entry's Redis key and the rest of `claim`'s arguments."""
        key = storage_key(self._namespace, api_key_id, idempotency_key)
        token = secrets.token_hex(16)
        return key, [fingerprint, token, _json(ids), self._pending_ms, self._ttl_ms]

    @staticmethod
    def claimed(
        key: str, arguments: list[str | int], outcome: Any, raw: Any
    ) -> Claim | StoredAnswer:
        """What `claim`'s answer means: this request's Claim, or the stored
        answer to replay; 409 otherwise."""
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
        entry = orjson.loads(raw) if raw else {}
        if outcome == "replay":
            return StoredAnswer(int(entry["status"]), entry["body"])
        fingerprint, token = str(arguments[0]), str(arguments[1])
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
        await self._redis.run(
            _SETTLE, [claim.storage_key], [claim.token, _json(entry), self._ttl_ms]
        )

    async def fail(self, claim: Claim, ids: dict[str, str]) -> None:
        """Kafka did not acknowledge: free the key for a retry that reuses `ids`."""
        entry = {
            "state": "failed",
            "fingerprint": claim.fingerprint,
            "token": claim.token,
            "ids": ids,
        }
        await self._redis.run(
            _SETTLE, [claim.storage_key], [claim.token, _json(entry), self._ttl_ms]
        )

    async def _settle(self, claim: Claim, entry: dict[str, Any]) -> None:
        arguments: list[str | int] = [claim.token, _json(entry), self._ttl_ms]
        await self._redis.run(_SETTLE, [claim.storage_key], arguments)


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()
