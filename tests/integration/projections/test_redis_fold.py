"""A rebuild folds the writes in memory and writes each key once: the result in
Redis must be exactly what the live projector's Lua script leaves, for every
op of the vocabulary, every edge of it, and real sessions read in any order.
Real Redis, one namespace per side."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator, Sequence

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.exchange.redis import redis_writes as exchange_writes
from projections.judge.redis import redis_writes as judge_writes
from projections.redis_fold import RedisFold
from projections.redis_sink import RedisSink, Write, canonical_dump, delete_namespace
from schemas.envelope import Record
from tests.unit.projections.exchange.log import exchange_log, flow
from tests.unit.projections.judge.records import story

pytestmark = pytest.mark.integration

# One partition's records: (topic, partition) and each record's writes in log order.
Stream = tuple[str, int]
Log = dict[Stream, list[list[Write]]]


@pytest.fixture
def sides(redis_client: redis.Redis) -> Iterator[tuple[str, str]]:
    script, folded = "t_" + uuid.uuid4().hex[:12], "t_" + uuid.uuid4().hex[:12]
    yield script, folded
    for namespace in (script, folded):
        delete_namespace(redis_client, namespace)


def applied_both_ways(
    client: redis.Redis, sides: tuple[str, str], log: Log, order: Sequence[Stream]
) -> tuple[dict[str, str], dict[str, str]]:
    """The log read in `order` (one record per entry, each stream's records
    in log order), applied by the Lua script in one namespace and by the
    fold in the other; both namespaces' dumps, offsets included."""
    script, folded = sides
    sink, fold = RedisSink(client, script), RedisFold()
    next_record = dict.fromkeys(log, 0)
    for stream in order:
        offset = next_record[stream]
        next_record[stream] += 1
        writes = log[stream][offset]
        sink.apply(stream[0], stream[1], [(offset, writes)])
        fold.apply(writes)
        fold.reached(stream[0], stream[1], offset)
    fold.write(client, folded)
    return _dump(client, script), _dump(client, folded)


def _dump(client: redis.Redis, namespace: str) -> dict[str, str]:
    offsets = RedisSink(client, namespace).applied_offsets()
    return canonical_dump(client, namespace) | {"_offsets": repr(sorted(offsets.items()))}


def in_log_order(log: Log) -> list[Stream]:
    return [stream for stream, records in log.items() for _ in records]


def shuffled(log: Log, seed: int) -> list[Stream]:
    order = in_log_order(log)
    random.Random(seed).shuffle(order)
    return order


# --- the vocabulary itself, op by op ------------------------------------------

_text = st.sampled_from(("", "a", "b", "10", "-3", "zz"))
_field = st.sampled_from(("f0", "f1", "f2"))
_hash = st.sampled_from(("h0", "h1"))
_set = st.sampled_from(("s0", "s1"))
_number = st.integers(-3, 12).map(str)
_price = st.sampled_from(("99", "100", "101", "1000"))
_pairs = st.lists(st.tuples(_field, _text), min_size=1, max_size=3).map(
    lambda pairs: [x for pair in pairs for x in pair]
)
_order = st.sampled_from(("o0", "o1", "o2"))
_depth = st.sampled_from((("bids", "bids:q"), ("asks", "asks:q")))

_writes: st.SearchStrategy[Write] = st.one_of(
    st.tuples(_hash, _pairs).map(lambda t: ["hset", t[0], *t[1]]),
    st.tuples(_hash, st.lists(_field, min_size=1, max_size=3)).map(lambda t: ["hdel", t[0], *t[1]]),
    st.tuples(_hash, _number).map(lambda t: ["hincrby", t[0], "n", t[1]]),
    st.tuples(st.sampled_from(("sadd", "srem")), _set, _text).map(list),
    st.tuples(_text, st.integers(1, 3)).map(lambda t: ["lpush_capped", "l0", t[0], str(t[1])]),
    st.tuples(_number, _text, st.integers(0, 3)).map(
        lambda t: ["zadd_capped", "z0", t[0], t[1], str(t[2])]
    ),
    st.tuples(_text, _number).map(lambda t: ["zincrby", "z1", t[0], t[1]]),
    st.tuples(st.sampled_from(("z0", "z1")), _number).map(lambda t: ["zrem_below", t[0], t[1]]),
    _text.map(lambda m: ["publish", "channel", m]),
    _text.map(lambda m: ["publish_seq", "channel", "h0", "n", '{"m":"' + m + '"}']),
    st.tuples(_hash, _number).map(lambda t: ["guard_seq", t[0], "seq", t[1]]),
    st.tuples(_set, _text).map(lambda t: ["guard_once", t[0], t[1]]),
    st.tuples(_hash, _number, _pairs).map(lambda t: ["hset_ranked", t[0], t[1], *t[2]]),
    st.tuples(_hash, _number, st.sampled_from(("", "A", "B", "AB")), _pairs).map(
        lambda t: ["hset_latest", t[0], "at", t[1], "id", t[2], *t[3]]
    ),
    st.tuples(_depth, _price, st.integers(-5, 5)).map(
        lambda t: ["level", t[0][0], t[0][1], t[1], str(t[2])]
    ),
    st.tuples(_order, _depth, _price, st.integers(1, 5)).map(
        lambda t: ["rest", t[0], "open", t[0], t[1][0], t[1][1], t[2], str(t[3])]
    ),
    st.tuples(_order, _depth, st.integers(1, 6)).map(
        lambda t: ["take", t[0], "open", t[0], t[1][0], t[1][1], str(t[2])]
    ),
    st.tuples(_order, _depth).map(lambda t: ["unrest", t[0], "open", t[0], t[1][0], t[1][1]]),
    st.just(["quote", "market", "bids", "asks"]),
)
_records = st.lists(st.lists(_writes, min_size=1, max_size=4), min_size=1, max_size=40)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(_records, _records)
def test_every_op_folds_to_what_the_script_writes(
    redis_client: redis.Redis,
    sides: tuple[str, str],
    first: list[list[Write]],
    second: list[list[Write]],
) -> None:
    for namespace in sides:
        delete_namespace(redis_client, namespace)
    log: Log = {("a", 0): first, ("b", 3): second}
    script, folded = applied_both_ways(redis_client, sides, log, in_log_order(log))
    assert folded == script


def test_a_capped_list_keeps_the_newest_and_an_emptied_key_is_gone(
    redis_client: redis.Redis, sides: tuple[str, str]
) -> None:
    records = [
        [["lpush_capped", "l", str(n), "3"]] for n in range(10)
    ] + [
        [["hset", "h", "f", "v"]],
        [["hdel", "h", "f"]],
        [["sadd", "s", "m"], ["srem", "s", "m"]],
        [["rest", "o", "open", "o", "bids", "bids:q", "100", "2"]],
        [["take", "o", "open", "o", "bids", "bids:q", "9"]],
        [["quote", "market", "bids", "asks"]],
    ]  # fmt: skip
    script, folded = applied_both_ways(redis_client, sides, {("t", 0): records},
                                       [("t", 0)] * len(records))  # fmt: skip
    assert folded == script
    assert script["l"] == '["list",["9","8","7"]]'
    assert "h" not in script and "s" not in script and "bids" not in script


def test_a_huge_key_goes_out_whole(redis_client: redis.Redis, sides: tuple[str, str]) -> None:
    many = range(2500)  # more than one command's worth of items
    records = [
        [["hset", "h", *(x for n in many for x in (f"f{n}", str(n)))]],
        [["sadd", "s", str(n)] for n in many],
        [["lpush_capped", "l", str(n), "5000"] for n in many],
        [["level", "bids", "bids:q", str(100 + n), "1"] for n in many],
    ]
    script, folded = applied_both_ways(redis_client, sides, {("t", 0): records},
                                       [("t", 0)] * len(records))  # fmt: skip
    assert folded == script
    assert len(json.loads(script["h"])[1]) == 2500


# --- real sessions, read in any order -----------------------------------------


def _session_log(steps: Sequence[tuple[str, str, Record]], duplicate_every: int) -> Log:
    """Each (topic, key) is a partition; every `duplicate_every`-th record is
    written twice (a stage repeating a fact), as the projector must tolerate."""
    partitions: dict[tuple[str, str], int] = {}
    log: Log = {}
    for n, (topic, key, record) in enumerate(steps):
        stream = (topic, partitions.setdefault((topic, key), len(partitions)))
        writes = (judge_writes if topic.startswith("judge") else exchange_writes)(record)
        copies = 2 if duplicate_every and n % duplicate_every == 0 else 1
        log.setdefault(stream, []).extend([writes] * copies)
    return log


def _exchange_steps(raw: dict[tuple[str, str], list[Record]]) -> list[tuple[str, str, Record]]:
    return [(topic, key, record) for (topic, key), records in raw.items() for record in records]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(flow, st.integers(0, 2**16), st.integers(0, 2**32), st.sampled_from((0, 3, 7)))
def test_a_session_folds_to_what_the_script_writes_in_any_reading(
    redis_client: redis.Redis,
    sides: tuple[str, str],
    steps: list[tuple[dict[str, object], int]],
    stage_seed: int,
    reading_seed: int,
    duplicate_every: int,
) -> None:
    for namespace in sides:
        delete_namespace(redis_client, namespace)
    log = _session_log(_exchange_steps(exchange_log(steps, stage_seed)), duplicate_every)
    script, folded = applied_both_ways(redis_client, sides, log, shuffled(log, reading_seed))
    assert folded == script


def test_the_judge_story_folds_to_what_the_script_writes(
    redis_client: redis.Redis, sides: tuple[str, str]
) -> None:
    log = _session_log(story().steps, duplicate_every=4)
    script, folded = applied_both_ways(redis_client, sides, log, shuffled(log, 5))
    assert folded == script
    assert any(key.startswith("judge:progress:") for key in script)
