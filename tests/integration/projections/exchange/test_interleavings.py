"""An order's live read model is one function of the log, whatever order the
projector reads the topics in; a rejected cancel is the cancel's own outcome,
never the order's status or identity. Real Redis, one namespace per reading.

The projector reads each partition in order, but the partitions of orders,
market, fills and accounts in no promised order relative to each other (a
rebuild interleaves them differently from the live projector).
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Sequence

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.exchange.redis import redis_writes
from projections.redis_sink import RedisSink, canonical_dump, delete_namespace
from schemas import exchange as ex
from tests.unit.projections.exchange.log import Log, Stream, exchange_log, flow
from tests.unit.projections.exchange.records import ACCOUNTS, FILLS, MARKET, ORDERS, Session

pytestmark = pytest.mark.integration

TOPICS = [MARKET, FILLS, ACCOUNTS, ORDERS]

# Which stream to read from next, given the streams with records left.
Reading = Callable[[list[Stream]], Stream]


def project(client: redis.Redis, log: Log, reading: Reading) -> dict[str, str]:
    """The canonical dump of `log` projected in one interleaving of its streams."""
    namespace = "t_" + uuid.uuid4().hex[:12]
    sink = RedisSink(client, namespace)
    partition = {stream: n for n, stream in enumerate(sorted(log))}
    applied = dict.fromkeys(log, 0)
    try:
        while left := [s for s in sorted(log) if applied[s] < len(log[s])]:
            stream = reading(left)
            offset = applied[stream]
            sink.apply(stream[0], partition[stream], [(offset, redis_writes(log[stream][offset]))])
            applied[stream] += 1
        return canonical_dump(client, namespace)
    finally:
        delete_namespace(client, namespace)


def at_random(seed: int) -> Reading:
    rng = random.Random(seed)
    return lambda left: rng.choice(left)


def topics_in_order(topics: Sequence[str]) -> Reading:
    """Everything of the first topic that has records left, then the next."""
    return lambda left: min(left, key=lambda s: (topics.index(s[0]), s[1]))


def differences(one: dict[str, str], other: dict[str, str]) -> dict[str, tuple[str, str]]:
    keys = sorted(set(one) | set(other))
    return {k: (one.get(k, "-"), other.get(k, "-")) for k in keys if one.get(k) != other.get(k)}


def session_log(session: Session) -> Log:
    log: Log = {}
    for topic, key, record in session.steps:
        log.setdefault((topic, key), []).append(record)
    return log


def filled_then(refusals: Callable[[Session], object]) -> Session:
    """Alice's buy b1 rests, bob's sell fills it whole, then `refusals` are added."""
    s = Session()
    s.market(ex.InstrumentListed, tick_size=1, lot_size=1)
    s.accepted("alice", "b1", "buy", 100, 5)
    s.market(ex.OrderRested, order_id="b1", account_id="alice", side="buy", price=100, quantity=5)
    s.accepted("bob", "s1", "sell", 100, 5)
    s.trade("t1", 100, 5, "b1", "s1", "sell")
    s.fill("alice", "b1", "buy", 100, 5, "t1")
    s.fill("bob", "s1", "sell", 100, 5, "t1")
    s.closed("alice", "b1", "buy", "filled")
    s.closed("bob", "s1", "sell", "filled")
    refusals(s)
    return s


def refused_by_risk(s: Session, account: str, code: str) -> None:
    s.add(
        ACCOUNTS,
        account,
        ex.CommandRejected,
        account_id=account,
        command_id=f"cancel-{len(s.steps)}",
        command_type="CancelOrder",
        order_id="b1",
        client_order_id=None,
        reason_code=code,
        reason=f"refused: {code}",
    )


def readings() -> list[Reading]:
    return [topics_in_order(TOPICS), topics_in_order(TOPICS[::-1]), at_random(1), at_random(2)]


@pytest.mark.parametrize("code", ["unknown_order", "cancel_pending", "order_closed"])
def test_a_cancel_refused_after_the_fill_leaves_the_order_filled_in_any_reading(
    redis_client: redis.Redis, code: str
) -> None:
    """The live bug: risk refused a cancel that came after the fill, and the
    order read `filled` or `rejected` depending on which topic came first."""
    log = session_log(filled_then(lambda s: refused_by_risk(s, "alice", code)))
    dumps = [project(redis_client, log, reading) for reading in readings()]
    for dump in dumps[1:]:
        assert differences(dumps[0], dump) == {}
    _, fields = json.loads(dumps[0]["exchange:order:b1"])
    order = dict(fields)
    assert (order["status"], order["account_id"], order["filled"]) == ("filled", "alice", "5")
    if code == "unknown_order":  # risk could not say whose order: not written on it
        assert "cancel_rejected_reason" not in order
    else:
        assert (order["cancel_rejected_code"], order["cancel_rejected_reason"]) == (
            code,
            f"refused: {code}",
        )


def test_a_cancel_of_another_accounts_order_leaves_that_order_untouched(
    redis_client: redis.Redis,
) -> None:
    alone = project(redis_client, session_log(filled_then(lambda s: None)), readings()[0])
    vandal_log = session_log(filled_then(lambda s: refused_by_risk(s, "mallory", "unknown_order")))
    for reading in readings():
        dump = project(redis_client, vandal_log, reading)
        assert dump["exchange:order:b1"] == alone["exchange:order:b1"]
        assert "refused: unknown_order" in dump["exchange:rejections:mallory"]


def test_the_latest_cancels_refusal_is_kept_whichever_stage_refused_it(
    redis_client: redis.Redis,
) -> None:
    """Cancel 1 reached matching after the fill (order_not_open); cancel 2,
    recorded later, was refused by risk while cancel 1 was pending."""

    def two_refusals(s: Session) -> None:
        s.market(
            ex.CancelRejected,
            order_id="b1",
            account_id="alice",
            reason_code="order_not_open",
            reason="order b1 is not open on ACME",
        )
        refused_by_risk(s, "alice", "cancel_pending")

    log = session_log(filled_then(two_refusals))
    for reading in readings():
        dump = project(redis_client, log, reading)
        assert '["cancel_rejected_code","cancel_pending"]' in dump["exchange:order:b1"]
        assert '["status","filled"]' in dump["exchange:order:b1"]


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(flow, st.integers(0, 2**16), st.lists(st.integers(0, 2**32), min_size=2, max_size=3))
def test_every_interleaving_of_the_topics_projects_to_one_state(
    redis_client: redis.Redis,
    steps: list[tuple[dict[str, object], int]],
    stage_seed: int,
    reading_seeds: list[int],
) -> None:
    """Sessions of crossing orders with cancels racing fills, double cancels,
    cancels of other accounts' orders and commands recorded in the same
    microsecond, projected in many interleavings: one Redis state."""
    log = exchange_log(steps, stage_seed)
    first = project(redis_client, log, topics_in_order(TOPICS))
    others: list[Reading] = [
        topics_in_order(TOPICS[::-1]),
        *(at_random(seed) for seed in reading_seeds),
    ]
    for reading in others:
        assert differences(first, project(redis_client, log, reading)) == {}
