"""A domain's writes applied by the real sink in one interleaving of its
streams (one (topic, key) each, in order within a stream, in any order
between them), as the projector and replay may read them; the canonical
dumps of two interleavings compared."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Sequence

import redis

from projections.redis_sink import RedisSink, Write, canonical_dump, delete_namespace

Stream = tuple[str, str]  # (topic, key): one partition's records
Log = dict[Stream, list[list[Write]]]
Reading = Callable[[list[Stream]], Stream]
"""Which stream to read from next, given the streams with records left."""


def project(client: redis.Redis, log: Log, reading: Reading) -> dict[str, str]:
    """The canonical dump of `log` applied by the sink in one interleaving."""
    namespace = "t_" + uuid.uuid4().hex[:12]
    sink = RedisSink(client, namespace)
    partition = {stream: n for n, stream in enumerate(sorted(log))}
    applied = dict.fromkeys(log, 0)
    try:
        while left := [s for s in sorted(log) if applied[s] < len(log[s])]:
            stream = reading(left)
            offset = applied[stream]
            sink.apply(stream[0], partition[stream], [(offset, log[stream][offset])])
            applied[stream] += 1
        return canonical_dump(client, namespace)
    finally:
        delete_namespace(client, namespace)


def at_random(seed: int) -> Reading:
    rng = random.Random(seed)
    return lambda left: rng.choice(left)


def topics_in_order(topics: Sequence[str]) -> Reading:
    return lambda left: min(left, key=lambda s: (topics.index(s[0]), s[1]))


def differences(one: dict[str, str], other: dict[str, str]) -> dict[str, tuple[str, str]]:
    names = sorted(set(one) | set(other))
    return {k: (one.get(k, "-"), other.get(k, "-")) for k in names if one.get(k) != other.get(k)}
