"""A rebuild's Redis writes, folded in memory and written once per key.

The live projector sends each record's writes through a Lua script
(projections/redis_sink.py) that first checks the partition's applied
offset, so a record read twice is applied once. A rebuild writes into a
fresh namespace and reads every record exactly once, so it needs no such
check; what it needs is the script's meaning. `RedisFold` is that meaning in
Python: the same vocabulary applied to an in-memory model of the keys, op
for op as the script does it (guards skip the rest of their record, a
status only moves forward by rank, a level at zero disappears, a key left
empty is gone). At the end `write` sends each key once, pipelined, with the
offsets reached: a few commands per key instead of a script call per record
and a Redis call per write.

The guarantee that makes this equal to the live read model is the one the
live projector already relies on: a key written from several partitions
only gets writes whose result does not depend on how partitions interleave
(tests/integration/projections/exchange/test_interleavings.py), so one
process folding every partition's writes, in any interleaving that keeps
each partition's order, builds the live state. test_redis_fold.py holds the
fold and the script equal, op by op and on whole sessions.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice

import redis
from hiredis import pack_command

from projections.redis_sink import OFFSETS_KEY, Write, stream_name

# Commands per send when writing the folded keys.
COMMANDS_PER_SEND = 1000
# Fields or members per command: a huge key goes out in several.
ITEMS_PER_COMMAND = 1000


class SortedLevels:
    """A sorted set (member -> score) that answers its lowest and highest
    member as ZRANGE / ZREVRANGE 0 0 would, remembering them between changes."""

    __slots__ = ("_high", "_low", "scores")

    def __init__(self) -> None:
        self.scores: dict[str, float] = {}
        self._low: tuple[float, str] | None = None
        self._high: tuple[float, str] | None = None

    def add(self, member: str, score: float) -> None:
        old = self.scores.get(member)
        self.scores[member] = score
        if old is not None and old != score:
            self._low = self._high = None
        entry = (score, member)
        if self._low is not None and entry < self._low:
            self._low = entry
        if self._high is not None and entry > self._high:
            self._high = entry

    def remove(self, member: str) -> None:
        score = self.scores.pop(member, None)
        if score is None:
            return
        if self._low == (score, member):
            self._low = None
        if self._high == (score, member):
            self._high = None

    def lowest(self) -> str | None:
        if not self.scores:
            return None
        if self._low is None:
            self._low = min((score, member) for member, score in self.scores.items())
        return self._low[1]

    def highest(self) -> str | None:
        if not self.scores:
            return None
        if self._high is None:
            self._high = max((score, member) for member, score in self.scores.items())
        return self._high[1]


class CappedScores:
    """A sorted set kept to its `cap` highest (score, member), as zadd_capped
    leaves it: ascending (score, member) pairs, ties by member as Redis orders
    them (str order is UTF-8 byte order)."""

    __slots__ = ("ascending", "scores")

    def __init__(self) -> None:
        self.scores: dict[str, float] = {}
        self.ascending: list[tuple[float, str]] = []

    def add(self, member: str, score: float, cap: int) -> None:
        old = self.scores.get(member)
        if old != score:
            if old is not None:
                del self.ascending[bisect_left(self.ascending, (old, member))]
            insort(self.ascending, (score, member))
            self.scores[member] = score
        excess = len(self.ascending) - cap
        if excess > 0:
            for _, gone in self.ascending[:excess]:
                del self.scores[gone]
            del self.ascending[:excess]


class RedisFold:
    """The writes vocabulary of redis_sink.py applied in memory, keys relative
    to the namespace. Apply each record's writes in its partition's order."""

    def __init__(self) -> None:
        self.hashes: dict[str, dict[str, str]] = {}
        self.sets: dict[str, set[str]] = {}
        self.lists: dict[str, deque[str]] = {}
        self.levels: dict[str, SortedLevels] = {}
        self.capped: dict[str, CappedScores] = {}
        # Sorted sets of sums (zincrby): member -> score, none at 0 or below.
        self.sums: dict[str, dict[str, float]] = {}
        self.offsets: dict[str, int] = {}
        self._ops: dict[str, Callable[[Write], bool | None]] = {
            "hset": self._hset,
            "hdel": self._hdel,
            "hincrby": self._hincrby,
            "sadd": self._sadd,
            "srem": self._srem,
            "lpush_capped": self._lpush_capped,
            "zadd_capped": self._zadd_capped,
            "zadd_capped_many": self._zadd_capped_many,
            "zincrby": self._zincrby,
            "zrem_below": self._zrem_below,
            "linsert_run": self._linsert_run,
            "lrem": self._lrem,
            "xadd_capped": _nothing,  # live only: a rebuild is not announced
            "xadd_capped_many": _nothing,
            "publish": _nothing,  # nobody listens to a rebuild
            "publish_seq": _nothing,
            "guard_seq": self._guard_seq,
            "guard_once": self._guard_once,
            "hset_ranked": self._hset_ranked,
            "hset_latest": self._hset_latest,
            "level": self._level,
            "rest": self._rest,
            "take": self._take,
            "unrest": self._unrest,
            "quote": self._quote,
        }

    def apply(self, writes: Iterable[Write]) -> None:
        """One record's writes; a guard that answers False skips the rest."""
        ops = self._ops
        for write in writes:
            op = ops.get(write[0])
            if op is None:
                raise ValueError(f"unknown write {write[0]!r}")
            if op(write) is False:
                return

    def apply_all(self, records: Iterable[Sequence[Write]]) -> None:
        for writes in records:
            self.apply(writes)

    def reached(self, topic: str, partition: int, offset: int) -> None:
        """The partition has been read up to `offset` (kept in `_offsets`)."""
        self.offsets[stream_name(topic, partition)] = offset

    # --- the model ------------------------------------------------------------

    def _hash(self, key: str) -> dict[str, str]:
        fields = self.hashes.get(key)
        if fields is None:
            fields = self.hashes[key] = {}
        return fields

    def _set(self, key: str) -> set[str]:
        members = self.sets.get(key)
        if members is None:
            members = self.sets[key] = set()
        return members

    def _level_set(self, key: str) -> SortedLevels:
        levels = self.levels.get(key)
        if levels is None:
            levels = self.levels[key] = SortedLevels()
        return levels

    def _field(self, key: str, field: str) -> str | None:
        fields = self.hashes.get(key)
        return None if fields is None else fields.get(field)

    # --- the ops, as the Lua script in redis_sink.py does them ------------------

    def _hset(self, w: Write) -> None:
        fields = self._hash(w[1])
        for i in range(2, len(w) - 1, 2):
            fields[w[i]] = w[i + 1]

    def _hdel(self, w: Write) -> None:
        fields = self.hashes.get(w[1])
        if fields is not None:
            for name in w[2:]:
                fields.pop(name, None)

    def _hincrby(self, w: Write) -> None:
        fields = self._hash(w[1])
        fields[w[2]] = str(int(fields.get(w[2], "0")) + int(w[3]))

    def _sadd(self, w: Write) -> None:
        self._set(w[1]).add(w[2])

    def _srem(self, w: Write) -> None:
        members = self.sets.get(w[1])
        if members is not None:
            members.discard(w[2])

    def _lpush_capped(self, w: Write) -> None:
        items = self.lists.get(w[1])
        if items is None:
            items = self.lists[w[1]] = deque()
        items.appendleft(w[2])
        cap = int(w[3])
        while len(items) > cap:
            items.pop()

    def _zadd_capped(self, w: Write) -> None:
        scores = self.capped.get(w[1])
        if scores is None:
            scores = self.capped[w[1]] = CappedScores()
        scores.add(w[3], float(w[2]), int(w[4]))

    def _zadd_capped_many(self, w: Write) -> None:
        score, member, cap = float(w[1]), w[2], int(w[3])
        capped = self.capped
        for key in w[4:]:
            scores = capped.get(key)
            if scores is None:
                scores = capped[key] = CappedScores()
            scores.add(member, score, cap)

    def _zincrby(self, w: Write) -> None:
        scores = self.sums.get(w[1])
        if scores is None:
            scores = self.sums[w[1]] = {}
        score = scores.get(w[2], 0.0) + float(w[3])
        if score <= 0:
            scores.pop(w[2], None)
        else:
            scores[w[2]] = score

    def _zrem_below(self, w: Write) -> None:
        bound = float(w[2])
        sums = self.sums.get(w[1])
        if sums is not None:
            for member in [m for m, score in sums.items() if score < bound]:
                del sums[member]
        capped = self.capped.get(w[1])
        if capped is not None:
            kept = bisect_left(capped.ascending, (bound, ""))
            for _, gone in capped.ascending[:kept]:
                del capped.scores[gone]
            del capped.ascending[:kept]

    def _linsert_run(self, w: Write) -> None:
        if len(w) < 4:
            return
        items = self.lists.get(w[1])
        if items is None:
            items = self.lists[w[1]] = deque()
        at = 0
        if w[2] and w[2] in items:
            at = items.index(w[2]) + 1
        for n, value in enumerate(w[3:]):
            items.insert(at + n, value)

    def _lrem(self, w: Write) -> None:
        items = self.lists.get(w[1])
        if items is not None:
            gone = set(w[2:])
            self.lists[w[1]] = deque(v for v in items if v not in gone)

    def _guard_seq(self, w: Write) -> bool:
        stored = self._field(w[1], w[2])
        if int(w[3]) <= (-1 if stored is None else int(stored)):
            return False
        self._hash(w[1])[w[2]] = w[3]
        return True

    def _guard_once(self, w: Write) -> bool:
        members = self._set(w[1])
        if w[2] in members:
            return False
        members.add(w[2])
        return True

    def _hset_ranked(self, w: Write) -> None:
        fields = self._hash(w[1])
        stored = fields.get("rank")
        stored_rank = -1 if stored is None else int(stored)
        rank = int(w[2])
        if rank < stored_rank:
            return
        if rank == stored_rank:
            for i in range(3, len(w) - 1, 2):
                fields.setdefault(w[i], w[i + 1])
            return
        fields["rank"] = w[2]
        for i in range(3, len(w) - 1, 2):
            fields[w[i]] = w[i + 1]

    def _hset_latest(self, w: Write) -> None:
        fields = self._hash(w[1])
        stored_at = fields.get(w[2])
        if stored_at is not None:
            at, before = int(w[3]), int(stored_at)
            if at < before:
                return
            # Byte order: UTF-8 keeps code point order, which str compares.
            if at == before and not fields.get(w[4], "") < w[5]:
                return
        for i in range(2, len(w) - 1, 2):
            fields[w[i]] = w[i + 1]

    def _move_level(self, levels: str, quantities: str, price: str, delta: int) -> None:
        held = self._hash(quantities)
        quantity = int(held.get(price, "0")) + delta
        if quantity <= 0:
            held.pop(price, None)
            level_set = self.levels.get(levels)
            if level_set is not None:
                level_set.remove(price)
        else:
            held[price] = str(quantity)
            self._level_set(levels).add(price, float(price))

    def _level(self, w: Write) -> None:
        self._move_level(w[1], w[2], w[3], int(w[4]))

    def _rest(self, w: Write) -> None:
        order = self._hash(w[1])
        order["resting_price"] = w[6]
        order["resting"] = w[7]
        self._set(w[2]).add(w[3])
        self._move_level(w[4], w[5], w[6], int(w[7]))

    def _resting(self, order_key: str) -> tuple[dict[str, str], str | None, int]:
        order = self._hash(order_key)
        price = order.get("resting_price")
        return order, price, int(order.get("resting", "0"))

    def _take(self, w: Write) -> None:
        order, price, resting = self._resting(w[1])
        if price is None or resting <= 0:
            return
        taken = min(resting, int(w[6]))
        self._move_level(w[4], w[5], price, -taken)
        order["resting"] = str(resting - taken)
        if resting - taken <= 0:
            self._srem(["srem", w[2], w[3]])

    def _unrest(self, w: Write) -> None:
        order, price, resting = self._resting(w[1])
        self._srem(["srem", w[2], w[3]])
        if price is None or resting <= 0:
            return
        self._move_level(w[4], w[5], price, -resting)
        order["resting"] = "0"

    def _quote(self, w: Write) -> None:
        bids, asks = self.levels.get(w[2]), self.levels.get(w[3])
        best = {
            "best_bid": None if bids is None else bids.highest(),
            "best_ask": None if asks is None else asks.lowest(),
        }
        market = self._hash(w[1])
        for name, price in best.items():
            if price is None:
                market.pop(name, None)
            else:
                market[name] = price

    # --- writing the result ----------------------------------------------------

    def write(self, client: redis.Redis, namespace: str) -> int:
        """Send every non-empty key (the namespace is fresh), then the offsets
        reached; returns the number of commands sent. Commands are packed by
        hiredis and sent COMMANDS_PER_SEND at a time on one connection, the
        next batch on its way before the replies to the last are read: Redis
        and this process work at once, and redis-py's pipeline (several
        times the Python per command) is not involved."""
        commands = self._commands(f"{namespace}:")
        connection = client.connection_pool.get_connection()
        sent = unread = 0
        try:
            while batch := list(islice(commands, COMMANDS_PER_SEND)):
                packed = b"".join(pack_command(c) for c in batch)  # type: ignore[arg-type]
                connection.send_packed_command([packed])  # type: ignore[no-untyped-call]
                for _ in range(unread):
                    connection.read_response()
                unread = len(batch)
                sent += unread
            for _ in range(unread):
                connection.read_response()
        finally:
            client.connection_pool.release(connection)
        return sent

    def _commands(self, prefix: str) -> Iterator[tuple[str, ...]]:
        """A command per non-empty key (several for a huge one), then the offsets."""
        for key, fields in self.hashes.items():
            flat = [x for pair in fields.items() for x in pair]
            for some in _pieces(flat, 2 * ITEMS_PER_COMMAND):
                yield ("HSET", prefix + key, *some)
        for key, members in self.sets.items():
            for some in _pieces(list(members), ITEMS_PER_COMMAND):
                yield ("SADD", prefix + key, *some)
        for key, items in self.lists.items():
            for some in _pieces(list(items), ITEMS_PER_COMMAND):
                yield ("RPUSH", prefix + key, *some)
        for key, level_set in self.levels.items():
            scores = [x for m, score in level_set.scores.items() for x in (repr(score), m)]
            for some in _pieces(scores, 2 * ITEMS_PER_COMMAND):
                yield ("ZADD", prefix + key, *some)
        for key, capped in self.capped.items():
            flat = [x for score, m in capped.ascending for x in (repr(score), m)]
            for some in _pieces(flat, 2 * ITEMS_PER_COMMAND):
                yield ("ZADD", prefix + key, *some)
        for key, sums in self.sums.items():
            flat = [x for m, score in sums.items() for x in (repr(score), m)]
            for some in _pieces(flat, 2 * ITEMS_PER_COMMAND):
                yield ("ZADD", prefix + key, *some)
        if self.offsets:
            offsets = [x for stream, at in self.offsets.items() for x in (stream, str(at))]
            yield ("HSET", prefix + OFFSETS_KEY, *offsets)


def _pieces(items: list[str], size: int) -> Iterator[list[str]]:
    """`items` in pieces of at most `size` (none when empty)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _nothing(_write: Write) -> None:
    return None
