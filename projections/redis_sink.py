"""Idempotent Redis writes: a batch of one (topic, partition) and its applied
offset change together in one Lua script, so a record is applied exactly once
however often the projector reads it again.

Projections do not talk to Redis. They return *writes*: small lists that the
script below interprets, with keys relative to the namespace (the sink adds
the `<namespace>:` prefix). Every value is a string, so Lua never prints a
number in exponent form. The vocabulary:

    ["hset", key, field, value, ...]        set hash fields
    ["hdel", key, field, ...]               delete hash fields
    ["hincrby", key, field, delta]          add to a hash field
    ["sadd", key, member] / ["srem", key, member]
    ["lpush_capped", key, value, cap]       newest first, keep `cap` items
    ["zadd_capped", key, score, member, cap]
                                            add to a sorted set, then keep the
                                            `cap` highest (score, member): adds
                                            and this trim commute as long as a
                                            member's score never changes (a
                                            post's time), so writers on many
                                            partitions agree in any order
    ["zadd_capped_many", score, member, cap, key, ...]
                                            zadd_capped of one (score, member)
                                            on each key: a post pushed to
                                            many timelines is one write, not
                                            one per key, so the script decodes
                                            and dispatches once (most of a
                                            fan-out's time was that, not the
                                            ZADDs)
    ["zincrby", key, member, delta]         add delta to a member's score; a
                                            member at 0 or below is removed, so
                                            sums that never go negative (a
                                            count taken back only after it was
                                            added) commute and a zero is absent
    ["zrem_below", key, bound]              remove the members scored below
                                            bound (ZREMRANGEBYSCORE -inf (bound)
    ["linsert_run", key, anchor, value, ...]
                                            insert the values as one run right
                                            after the first `anchor` in a list
                                            ("" or not there: at the head);
                                            values are unique in the list
    ["lrem", key, value, ...]               remove every occurrence of each value
    ["xadd_capped", key, cap, field, value, ...]
                                            append to a stream (XADD * MAXLEN
                                            ~ cap): live only, like publish
                                            (writes_of leaves it out when not
                                            announcing; a rebuild ignores it)
    ["xadd_capped_many", cap, n, field, value, ... (n pairs), key, ...]
                                            xadd_capped of the same n fields
                                            on each key (live only); a count,
                                            not a separator, so no value can
                                            be mistaken for the end of the
                                            fields
    ["publish", channel, message]           pub/sub, channel prefixed too
    ["publish_seq", channel, key, field, message]
                                            publish a JSON object message with
                                            "seq" set to the hash field's
                                            value (a counter the same record
                                            moved), so a listener sees gaps
    ["guard_seq", key, field, seq]          skip the rest of this record's
                                            writes unless seq > the stored one
                                            (then store it): dedupes a fact
                                            written twice at two offsets
    ["guard_once", key, member]             skip the rest unless member is new
    ["hset_ranked", key, rank, field, value, ...]
                                            set the fields if rank > the
                                            stored `rank` field (a status that
                                            only moves forward, whatever order
                                            topics arrive in); at an equal rank
                                            only set fields not there yet, so
                                            two facts of one status (say
                                            OrderCancelled with its reason and
                                            OrderClosed without) merge the same
                                            in either order
    ["hset_latest", key, at_field, at, id_field, id, field, value, ...]
                                            set every field given (at and id
                                            too) unless the hash already holds
                                            an (at, id) as late or later: at
                                            compares as an integer, id byte by
                                            byte. The latest of several facts
                                            wins whatever order they arrive in
    ["level", levels, quantities, price, delta]
                                            add delta at one price level: a
                                            sorted set of prices plus a hash of
                                            quantities; a level at 0 disappears
    ["rest", order, open_set, order_id, levels, quantities, price, quantity]
                                            an order rests: remember its
                                            resting price and quantity on its
                                            order hash, list it as open, add
                                            its quantity to the level
    ["take", order, open_set, order_id, levels, quantities, quantity]
                                            a resting order filled by quantity
    ["unrest", order, open_set, order_id, levels, quantities]
                                            a resting order leaves the book
    ["quote", market, bids, asks]           store best_bid / best_ask

A script error mid-batch leaves the writes before it in place (Redis does not
roll back scripts), without moving the offset; the writes are generated by
our own code, so such an error is a bug, not a data condition.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import redis
from hiredis import pack_command

from projections.json_text import compact_json

Write = list[str]
Entry = tuple[int, Sequence[Write]]

OFFSETS_KEY = "_offsets"  # relative; excluded from digests
# One script call blocks Redis while it runs; this many records keeps a call
# to a few milliseconds.
MAX_ENTRIES_PER_CALL = 2000
# ... unless the records are large: a feed fan-out record writes 2,000 keys
# (a timeline and a live stream per reader), so 2,000 of them made one call of
# 4 million writes, a minute of Redis doing nothing else (the gateway's reads
# stall behind it). A call also ends at this many writes (~0.2 s).
MAX_WRITES_PER_CALL = 20_000
# apply_all sends its calls in groups of this many writes at most (below).
MAX_WRITES_PER_SEND = 2 * MAX_WRITES_PER_CALL

_APPLY_LUA = r"""
local offsets_key = KEYS[1]
local stream = ARGV[1]
local prefix = ARGV[2]
local entries = cjson.decode(ARGV[3])
local applied = tonumber(redis.call('HGET', offsets_key, stream) or '-1')

local function level(levels, quantities, price, delta)
  local q = redis.call('HINCRBY', prefix .. quantities, price, string.format('%d', delta))
  if q <= 0 then
    redis.call('HDEL', prefix .. quantities, price)
    redis.call('ZREM', prefix .. levels, price)
  else
    redis.call('ZADD', prefix .. levels, price, price)
  end
end

-- a < b byte by byte: Lua's own < on strings follows the server's locale.
local function bytes_before(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

local ops = {}
ops.hset = function(w)
  local args = {'HSET', prefix .. w[2]}
  for i = 3, #w do args[#args + 1] = w[i] end
  redis.call(unpack(args))
end
ops.hdel = function(w)
  for i = 3, #w do redis.call('HDEL', prefix .. w[2], w[i]) end
end
ops.hincrby = function(w) redis.call('HINCRBY', prefix .. w[2], w[3], w[4]) end
ops.sadd = function(w) redis.call('SADD', prefix .. w[2], w[3]) end
ops.srem = function(w) redis.call('SREM', prefix .. w[2], w[3]) end
ops.lpush_capped = function(w)
  redis.call('LPUSH', prefix .. w[2], w[3])
  redis.call('LTRIM', prefix .. w[2], 0, tonumber(w[4]) - 1)
end
ops.zadd_capped = function(w)
  local key = prefix .. w[2]
  local cap = tonumber(w[5])
  redis.call('ZADD', key, w[3], w[4])
  if redis.call('ZCARD', key) > cap then redis.call('ZREMRANGEBYRANK', key, 0, -cap - 1) end
end
ops.zadd_capped_many = function(w)
  local score, member, cap = w[2], w[3], tonumber(w[4])
  for i = 5, #w do
    local key = prefix .. w[i]
    redis.call('ZADD', key, score, member)
    if redis.call('ZCARD', key) > cap then redis.call('ZREMRANGEBYRANK', key, 0, -cap - 1) end
  end
end
ops.zincrby = function(w)
  local key = prefix .. w[2]
  local score = tonumber(redis.call('ZINCRBY', key, w[4], w[3]))
  if score <= 0 then redis.call('ZREM', key, w[3]) end
end
ops.zrem_below = function(w)
  redis.call('ZREMRANGEBYSCORE', prefix .. w[2], '-inf', '(' .. w[3])
end
ops.linsert_run = function(w)
  local key = prefix .. w[2]
  if #w < 4 then return end
  local placed = false
  if w[3] ~= '' then placed = redis.call('LINSERT', key, 'AFTER', w[3], w[4]) > 0 end
  if not placed then redis.call('LPUSH', key, w[4]) end
  for i = 5, #w do redis.call('LINSERT', key, 'AFTER', w[i - 1], w[i]) end
end
ops.lrem = function(w)
  for i = 3, #w do redis.call('LREM', prefix .. w[2], 0, w[i]) end
end
ops.xadd_capped = function(w)
  local args = {'XADD', prefix .. w[2], 'MAXLEN', '~', w[3], '*'}
  for i = 4, #w do args[#args + 1] = w[i] end
  redis.call(unpack(args))
end
ops.xadd_capped_many = function(w)
  local keys_from = 4 + 2 * tonumber(w[3])
  local args = {'XADD', false, 'MAXLEN', '~', w[2], '*'}
  for i = 4, keys_from - 1 do args[#args + 1] = w[i] end
  for i = keys_from, #w do
    args[2] = prefix .. w[i]
    redis.call(unpack(args))
  end
end
ops.publish = function(w) redis.call('PUBLISH', prefix .. w[2], w[3]) end
ops.publish_seq = function(w)
  local seq = redis.call('HGET', prefix .. w[3], w[4]) or '0'
  local rest = string.sub(w[5], 2)
  if rest ~= '}' then rest = ',' .. rest end
  redis.call('PUBLISH', prefix .. w[2], '{"seq":' .. seq .. rest)
end
ops.guard_seq = function(w)
  local stored = tonumber(redis.call('HGET', prefix .. w[2], w[3]) or '-1')
  if tonumber(w[4]) <= stored then return false end
  redis.call('HSET', prefix .. w[2], w[3], w[4])
end
ops.guard_once = function(w)
  if redis.call('SADD', prefix .. w[2], w[3]) == 0 then return false end
end
ops.hset_ranked = function(w)
  local stored = tonumber(redis.call('HGET', prefix .. w[2], 'rank') or '-1')
  local rank = tonumber(w[3])
  if rank < stored then return end
  if rank == stored then
    for i = 4, #w, 2 do redis.call('HSETNX', prefix .. w[2], w[i], w[i + 1]) end
    return
  end
  local args = {'HSET', prefix .. w[2], 'rank', w[3]}
  for i = 4, #w do args[#args + 1] = w[i] end
  redis.call(unpack(args))
end
ops.hset_latest = function(w)
  local key = prefix .. w[2]
  local stored = redis.call('HMGET', key, w[3], w[5])
  if stored[1] then
    local at, stored_at = tonumber(w[4]), tonumber(stored[1])
    if at < stored_at then return end
    if at == stored_at and not bytes_before(stored[2] or '', w[6]) then return end
  end
  local args = {'HSET', key}
  for i = 3, #w do args[#args + 1] = w[i] end
  redis.call(unpack(args))
end
ops.level = function(w) level(w[2], w[3], w[4], tonumber(w[5])) end
ops.rest = function(w)
  redis.call('HSET', prefix .. w[2], 'resting_price', w[7], 'resting', w[8])
  redis.call('SADD', prefix .. w[3], w[4])
  level(w[5], w[6], w[7], tonumber(w[8]))
end
ops.take = function(w)
  local order = prefix .. w[2]
  local price = redis.call('HGET', order, 'resting_price')
  local resting = tonumber(redis.call('HGET', order, 'resting') or '0')
  if not price or resting <= 0 then return end
  local taken = math.min(resting, tonumber(w[7]))
  level(w[5], w[6], price, -taken)
  redis.call('HSET', order, 'resting', string.format('%d', resting - taken))
  if resting - taken <= 0 then redis.call('SREM', prefix .. w[3], w[4]) end
end
ops.unrest = function(w)
  local order = prefix .. w[2]
  local price = redis.call('HGET', order, 'resting_price')
  local resting = tonumber(redis.call('HGET', order, 'resting') or '0')
  redis.call('SREM', prefix .. w[3], w[4])
  if not price or resting <= 0 then return end
  level(w[5], w[6], price, -resting)
  redis.call('HSET', order, 'resting', '0')
end
ops.quote = function(w)
  local market = prefix .. w[2]
  local bid = redis.call('ZREVRANGE', prefix .. w[3], 0, 0)[1]
  local ask = redis.call('ZRANGE', prefix .. w[4], 0, 0)[1]
  for field, price in pairs({best_bid = bid or false, best_ask = ask or false}) do
    if price then
      redis.call('HSET', market, field, price)
    else
      redis.call('HDEL', market, field)
    end
  end
end

local last = applied
local count = 0
for _, entry in ipairs(entries) do
  local offset = entry[1]
  if offset > applied then
    for _, w in ipairs(entry[2]) do
      local op = ops[w[1]]
      if op == nil then return redis.error_reply('unknown write ' .. tostring(w[1])) end
      if op(w) == false then break end
    end
    count = count + 1
    if offset > last then last = offset end
  end
end
if last > applied then redis.call('HSET', offsets_key, stream, string.format('%d', last)) end
return {count, last}
"""


@dataclass(frozen=True)
class Applied:
    """What one `apply` did: records newly applied, and the offset now stored."""

    records: int
    offset: int


def stream_name(topic: str, partition: int) -> str:
    return f"{topic}:{partition}"


class RedisSink:
    """Applies projection writes for one namespace, at most once per offset."""

    def __init__(self, client: redis.Redis, namespace: str) -> None:
        self._client = client
        self.namespace = namespace
        self.prefix = f"{namespace}:"
        self._offsets_key = self.prefix + OFFSETS_KEY
        self._script = client.register_script(_APPLY_LUA)
        client.script_load(_APPLY_LUA)  # apply_all calls it by its hash alone

    def apply(self, topic: str, partition: int, entries: Sequence[Entry]) -> Applied:
        """Apply the writes of records at increasing offsets of one partition.

        Records at or below the stored offset are skipped; the stored offset
        becomes the last one given. Each call of the script is atomic.
        """
        applied = Applied(0, self.applied_offset(topic, partition) or -1)
        for chunk in _chunks(entries, MAX_ENTRIES_PER_CALL):
            payload = compact_json(chunk)
            count, last = self._script(
                keys=[self._offsets_key],
                args=[stream_name(topic, partition), self.prefix, payload],
            )
            applied = Applied(applied.records + int(count), int(last))
        return applied

    def apply_all(self, batches: Mapping[tuple[str, int], Sequence[Entry]]) -> int:
        """`apply` for several partitions in a few round trips; returns the
        records newly applied. The script calls (each still atomic) are
        packed by hiredis and sent together on one connection: redis-py's
        pipeline and script objects cost more of the projector's CPU than
        building the writes did, at a few records a call. Sending them again
        after a failure is safe: the offset guard skips what was applied."""
        if not batches:
            return 0
        applied, group, group_writes = 0, list[tuple[str, ...]](), 0
        for (topic, partition), entries in batches.items():
            for chunk, writes in _sized_chunks(entries, MAX_ENTRIES_PER_CALL):
                # A send holds at most MAX_WRITES_PER_SEND writes (or one call):
                # Python's sendall counts redis-py's 5 s socket timeout over the
                # whole payload, which Redis reads only as fast as scripts run.
                if group and group_writes + writes > MAX_WRITES_PER_SEND:
                    applied += self._send_all(group)
                    group, group_writes = [], 0
                group.append((
                    "EVALSHA", self._script.sha, "1", self._offsets_key,
                    stream_name(topic, partition), self.prefix, compact_json(chunk),
                ))  # fmt: skip
                group_writes += writes
        return applied + (self._send_all(group) if group else 0)

    def _send_all(self, calls: Sequence[tuple[str, ...]]) -> int:
        replies = self._send(calls)
        if any(_missing_script(reply) for reply in replies):
            self._client.script_load(_APPLY_LUA)  # Redis restarted or flushed its scripts
            replies = self._send(calls)
        for reply in replies:
            if isinstance(reply, Exception):
                raise reply
        return sum(int(count) for count, _ in replies)

    def _send(self, calls: Sequence[tuple[str, ...]]) -> list[Any]:
        """Every call's reply (an error reply as its exception), in order."""
        pool = self._client.connection_pool
        connection = pool.get_connection()
        try:
            packed = b"".join(pack_command(call) for call in calls)  # type: ignore[arg-type]
            connection.send_packed_command([packed])  # type: ignore[no-untyped-call]
            replies: list[Any] = []
            for _ in calls:
                try:
                    replies.append(connection.read_response())
                except redis.ResponseError as refused:
                    replies.append(refused)
            return replies
        except BaseException:
            connection.disconnect()  # type: ignore[no-untyped-call]  # replies left unread
            raise
        finally:
            pool.release(connection)

    def applied_offset(self, topic: str, partition: int) -> int | None:
        value = self._client.hget(self._offsets_key, stream_name(topic, partition))
        return None if value is None else int(value)

    def applied_offsets(self) -> dict[str, int]:
        raw = self._client.hgetall(self._offsets_key)
        return {_text(k): int(v) for k, v in raw.items()}


def _missing_script(reply: Any) -> bool:
    return isinstance(reply, redis.exceptions.NoScriptError)


def keys_written(write: Write) -> int:
    """How many keys one write writes: a `_many` op one per key it names.
    What bounds a script call is the Redis work, not the writes' count."""
    op = write[0]
    if op == "zadd_capped_many":
        return len(write) - 4
    if op == "xadd_capped_many":
        return len(write) - 3 - 2 * int(write[2])
    return 1


_MANY_OPS = frozenset(("zadd_capped_many", "xadd_capped_many"))


def _writes_of(writes: Sequence[Write]) -> int:
    """The key writes of one record (its writes, each `_many` one per key)."""
    count = len(writes)
    for write in writes:
        if write[0] in _MANY_OPS:
            count += keys_written(write) - 1
    return count


def _chunks(
    entries: Sequence[Entry], size: int, max_writes: int = MAX_WRITES_PER_CALL
) -> Iterator[list[Entry]]:
    """Consecutive runs of at most `size` entries and (unless one entry alone
    has more) at most `max_writes` key writes (keys_written), in order."""
    for chunk, _ in _sized_chunks(entries, size, max_writes):
        yield chunk


def _sized_chunks(
    entries: Sequence[Entry], size: int, max_writes: int = MAX_WRITES_PER_CALL
) -> Iterator[tuple[list[Entry], int]]:
    """`_chunks`, each with its key writes."""
    chunk: list[Entry] = []
    writes = 0
    for entry in entries:
        cost = _writes_of(entry[1])
        if chunk and (len(chunk) >= size or writes + cost > max_writes):
            yield chunk, writes
            chunk, writes = [], 0
        chunk.append(entry)
        writes += cost
    if chunk:
        yield chunk, writes


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def namespace_keys(client: redis.Redis, namespace: str) -> list[str]:
    """Every key under the namespace, in sorted order, without the prefix."""
    prefix = f"{namespace}:"
    keys = {_text(k)[len(prefix) :] for k in client.scan_iter(match=_glob(prefix), count=1000)}
    return sorted(keys)


def delete_namespace(client: redis.Redis, namespace: str) -> int:
    """Remove every key of a namespace (a fresh start for a rebuild)."""
    deleted = 0
    batch: list[str] = []
    for key in client.scan_iter(match=_glob(f"{namespace}:"), count=1000):
        batch.append(_text(key))
        if len(batch) >= 1000:
            deleted += int(client.unlink(*batch))
            batch = []
    if batch:
        deleted += int(client.unlink(*batch))
    return deleted


def _glob(prefix: str) -> str:
    escaped = "".join("\\" + c if c in "*?[]\\" else c for c in prefix)
    return escaped + "*"


def canonical_dump(client: redis.Redis, namespace: str) -> dict[str, str]:
    """Each key of a namespace (offsets bookkeeping excluded) as canonical JSON.

    Hashes and sets are sorted, lists keep their order, sorted sets are listed
    as (member, score) sorted by member: equal read models dump equal text.
    """
    prefix = f"{namespace}:"
    dump: dict[str, str] = {}
    for key in namespace_keys(client, namespace):
        if key == OFFSETS_KEY:
            continue
        dump[key] = json.dumps(_key_value(client, prefix + key), separators=(",", ":"))
    return dump


def _key_value(client: redis.Redis, key: str) -> Any:
    kind = _text(client.type(key))
    if kind == "string":
        return ["string", _text(client.get(key))]
    if kind == "hash":
        items = client.hgetall(key)
        return ["hash", sorted((_text(f), _text(v)) for f, v in items.items())]
    if kind == "list":
        return ["list", [_text(v) for v in client.lrange(key, 0, -1)]]
    if kind == "set":
        return ["set", sorted(_text(m) for m in client.smembers(key))]
    if kind == "zset":
        members: list[tuple[Any, Any]] = client.zrange(key, 0, -1, withscores=True)  # type: ignore[assignment]
        return ["zset", sorted((_text(member), float(score)) for member, score in members)]
    return [kind, None]


def digest(dump: dict[str, str]) -> str:
    text = json.dumps(sorted(dump.items()), separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
