"""The sink's sums (zincrby, zrem_below) and list runs (linsert_run, lrem) on
the real Redis: the Lua script and the rebuild's fold leave the same keys,
for counts added and taken back from many partitions in any interleaving
and for a list edited by runs, removals and moves."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.redis_sink import RedisSink, Write, delete_namespace
from tests.integration.projections.test_redis_fold import Log, applied_both_ways, shuffled

pytestmark = pytest.mark.integration


@pytest.fixture
def sides(redis_client: redis.Redis, namespace: str) -> Iterator[tuple[str, str]]:
    script, folded = namespace + "_s", namespace + "_f"
    yield script, folded
    for ns in (script, folded):
        delete_namespace(redis_client, ns)


def test_zincrby_removes_a_member_at_zero_and_zrem_below_cuts(
    redis_client: redis.Redis, namespace: str
) -> None:
    sink = RedisSink(redis_client, namespace)
    sink.apply("t", 0, [
        (0, [["zincrby", "z", "a", "2"], ["zincrby", "z", "b", "1"]]),
        (1, [["zincrby", "z", "a", "-2"]]),
        (2, [["zincrby", "c", "x", "1"], ["zincrby", "c", "y", "7"], ["zrem_below", "c", "7"]]),
    ])  # fmt: skip
    assert redis_client.zrange(f"{namespace}:z", 0, -1, withscores=True) == [(b"b", 1.0)]
    assert redis_client.zrange(f"{namespace}:c", 0, -1, withscores=True) == [(b"y", 7.0)]


def _counts(partitions: int, plays: int, seed: int) -> Log:
    """Each partition adds 1 to members and takes some back later, as
    listeners' plays and deletions do to a chart."""
    rng = random.Random(seed)
    log: Log = {}
    for p in range(partitions):
        records: list[list[Write]] = []
        added = []
        for _ in range(plays):
            member = rng.choice("abcde")
            records.append([["zincrby", "chart", member, "1"]])
            added.append(member)
        taken = rng.sample(added, rng.randint(0, len(added)))
        records.append([["zincrby", "chart", m, "-1"] for m in taken])
        log[(f"p{p}", p)] = records
    return log


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.integers(0, 2**32), st.integers(0, 2**16))
def test_counts_from_many_partitions_give_one_chart_in_any_interleaving(
    redis_client: redis.Redis, sides: tuple[str, str], seed: int, order_seed: int
) -> None:  # fmt: skip
    for ns in sides:
        delete_namespace(redis_client, ns)
    log = _counts(3, 6, seed)
    script, folded = applied_both_ways(redis_client, sides, log, shuffled(log, order_seed))
    assert folded == script
    expected: dict[str, int] = {}
    for records in log.values():
        for writes in records:
            for w in writes:
                expected[w[2]] = expected.get(w[2], 0) + int(w[3])
    scored: list[tuple[bytes, float]] = redis_client.zrange(  # type: ignore[assignment]
        f"{sides[0]}:chart", 0, -1, withscores=True
    )
    assert {m.decode(): int(score) for m, score in scored} == {
        m: n for m, n in expected.items() if n > 0
    }


_edits = st.lists(
    st.tuples(st.sampled_from(("add", "remove", "move")), st.integers(0, 2**16)),
    min_size=1, max_size=30,
)  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(_edits)
def test_runs_removals_and_moves_fold_to_what_the_script_writes(
    redis_client: redis.Redis, sides: tuple[str, str], edits: list[tuple[str, int]]
) -> None:  # fmt: skip
    for ns in sides:
        delete_namespace(redis_client, ns)
    items: list[str] = []
    records: list[list[Write]] = []
    fresh = iter(range(10_000))
    for kind, seed in edits:
        rng = random.Random(seed)
        anchor = rng.choice(["", *items]) if items else ""
        if kind == "add" or not items:
            run = [f"i{next(fresh)}" for _ in range(rng.randint(1, 3))]
            records.append([["linsert_run", "l", anchor, *run]])
            at = 0 if anchor == "" else items.index(anchor) + 1
            items[at:at] = run
        elif kind == "remove":
            gone = rng.sample(items, rng.randint(1, len(items)))
            records.append([["lrem", "l", *gone]])
            items = [i for i in items if i not in gone]
        else:
            run = rng.sample(items, rng.randint(1, len(items)))
            staying = [i for i in items if i not in run]
            anchor = rng.choice(["", *staying]) if staying else ""
            records.append([["lrem", "l", *run], ["linsert_run", "l", anchor, *run]])
            at = 0 if anchor == "" else staying.index(anchor) + 1
            items = staying[:at] + run + staying[at:]
    log: Log = {("t", 0): records}
    script, folded = applied_both_ways(redis_client, sides, log, [("t", 0)] * len(records))
    assert folded == script
    assert redis_client.lrange(f"{sides[0]}:l", 0, -1) == [i.encode() for i in items]
