"""The stage engine's loop on the real broker, with a tiny stage of its own
(tests/support/tally_stage.py) on topics of its own: each record decided once
across restarts, hand-overs and failures, state restored from the changelog
on the input's partition, and a restarted worker slot that fences its
predecessor at once."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import orjson
import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from infra.partitioning import partition_for
from infra.settings import Settings
from infra.topics import CHANGELOG_CONFIG, TopicSpec
from schemas.envelope import Record
from schemas.exchange import BalanceChanged, DepositCash, WithdrawCash
from schemas.exchange.topics import EXCHANGE_ACCOUNTS
from schemas.registry import registry
from streams.engine.clients import producer_config, restore_config
from streams.engine.loop import StageLoop
from streams.engine.stage import Stage
from tests.support.log import LogReader, LogWriter, command, records
from tests.support.tally_stage import POISON, tally_stage

pytestmark = pytest.mark.integration

ACCOUNTS = 12


@pytest.fixture
def stage(infrastructure: Settings) -> Stage:
    """The tally stage on fresh topics: two inputs, their DLQs, a changelog."""
    tag = uuid.uuid4().hex[:8]
    deposits = TopicSpec(f"test.{tag}.deposits", "test", key="account_id", record_types=())
    withdrawals = TopicSpec(f"test.{tag}.withdrawals", "test", key="account_id", record_types=())
    changelog = TopicSpec(f"test.{tag}.changelog", "test", key="", record_types=())
    count = infrastructure.partitions
    topics = [NewTopic(changelog.name, count, 1, config=CHANGELOG_CONFIG)]
    for spec in (deposits, withdrawals):
        topics += [NewTopic(spec.name, count, 1), NewTopic(spec.dlq, count, 1)]
    admin = AdminClient({"bootstrap.servers": infrastructure.kafka_bootstrap})
    for future in admin.create_topics(topics, operation_timeout=30).values():
        future.result()
    return tally_stage(f"test.tally-{tag}", (deposits, withdrawals), changelog)


@contextmanager
def running(stage: Stage, settings: Settings, worker_id: str) -> Iterator[StageLoop]:
    loop = StageLoop(stage, dataclasses.replace(settings, worker_id=worker_id))
    thread = threading.Thread(target=loop.run, name=f"{stage.name}-{worker_id}")
    thread.start()
    try:
        yield loop
    finally:
        loop.stop()
        thread.join(60)
        assert not thread.is_alive(), "the loop did not stop"


class Flow:
    """Deposits and withdrawals for a few accounts, and the totals they must give."""

    def __init__(self, settings: Settings, stage: Stage) -> None:
        self.stage = stage
        tag = uuid.uuid4().hex[:6]
        self.accounts = [f"tally-{tag}-{i}" for i in range(ACCOUNTS)]
        self.writer = LogWriter(settings.kafka_bootstrap)
        self.totals: dict[str, list[int]] = defaultdict(list)  # the available after each
        self.sent = 0
        self.reader = LogReader(settings.kafka_bootstrap, [EXCHANGE_ACCOUNTS.name])

    def send_round(self, amount: int) -> None:
        deposits, withdrawals = self.stage.inputs
        for i, account in enumerate(self.accounts):
            last = self.totals[account][-1] if self.totals[account] else 0
            if i % 4 == 3:
                record = command(WithdrawCash, account_id=account, amount=amount)
                self.totals[account].append(max(0, last - amount))
                self._send(withdrawals.name, record)
            else:
                record = command(DepositCash, account_id=account, amount=amount + 100 * i)
                self.totals[account].append(last + amount + 100 * i)
                self._send(deposits.name, record)
        self.sent += len(self.accounts)

    def _send(self, topic: str, record: Record) -> None:
        self.writer.send_raw(topic, record.envelope.key.encode(), registry().encode(record))

    def facts(self, timeout: float = 60) -> list[BalanceChanged]:
        """Every fact so far, once all sent have been answered."""
        ours = set(self.accounts)
        seen = self.reader.wait_for(
            lambda s: isinstance(s.record, BalanceChanged) and s.record.account_id in ours,
            lambda seen: len(seen) >= self.sent,
            timeout=timeout,
        )
        return records(seen, BalanceChanged)

    def assert_exactly_once(self) -> None:
        facts = self.facts()
        time.sleep(1)  # anything doubled arrives right behind
        facts = self.facts()
        assert len(facts) == self.sent, "a decision was repeated"
        ids = Counter(f.envelope.event_id for f in facts)
        assert max(ids.values()) == 1
        per_account: dict[str, list[int]] = defaultdict(list)
        for fact in facts:
            per_account[fact.account_id].append(fact.available)
        assert per_account == self.totals

    def close(self) -> None:
        self.reader.close()


def _wait(ready: Callable[[], bool], what: str, timeout: float = 60) -> float:
    start = time.monotonic()
    while not ready():
        assert time.monotonic() - start < timeout, f"{what} after {timeout:.0f}s"
        time.sleep(0.05)
    return time.monotonic() - start


def test_each_record_is_decided_once_and_a_new_loop_goes_on_from_the_changelog(
    stage: Stage, infrastructure: Settings
) -> None:
    flow = Flow(infrastructure, stage)
    with running(stage, infrastructure, "a") as loop:
        _wait(lambda: loop.status.ready, "first loop ready")
        for amount in (100, 10, 1):
            flow.send_round(amount)
        flow.facts()
    # A withdrawal brought some totals to zero: their parts are tombstones.
    with running(stage, infrastructure, "b") as loop:
        _wait(lambda: loop.status.ready, "second loop ready")
        assert loop.status.restored_states == ACCOUNTS
        for amount in (1000, 7):
            flow.send_round(amount)
        flow.assert_exactly_once()
    flow.close()

    for partition, key, _ in _changelog(infrastructure, stage):
        account, _part = orjson.loads(key)
        assert partition == partition_for(account.encode(), infrastructure.partitions)


def _changelog(settings: Settings, stage: Stage) -> list[tuple[int, bytes, bytes | None]]:
    """(partition, key, value) of every committed record of the stage's changelog."""
    consumer = Consumer(restore_config(settings.kafka_bootstrap, stage))
    partitions = range(settings.partitions)
    consumer.assign([TopicPartition(stage.changelog.name, p, 0) for p in partitions])
    found, unread = [], set(partitions)
    deadline = time.monotonic() + 30
    while unread and time.monotonic() < deadline:
        for message in consumer.consume(1000, timeout=0.2):
            partition, key = message.partition(), message.key()
            assert partition is not None
            if message.error() is not None:
                unread.discard(partition)
            else:
                assert key is not None
                found.append((partition, key, message.value()))
    consumer.close()
    assert not unread
    return found


def test_garbage_and_a_failing_core_go_to_the_dead_letter_topic_and_the_partition_goes_on(
    stage: Stage, infrastructure: Settings
) -> None:
    deposits = stage.inputs[0]
    flow = Flow(infrastructure, stage)
    account = flow.accounts[0]
    writer = flow.writer
    dlq = LogReader(infrastructure.kafka_bootstrap, [deposits.dlq])
    with running(stage, infrastructure, "a") as loop:
        _wait(lambda: loop.status.ready, "loop ready")
        flow.send_round(50)
        poison = command(DepositCash, account_id=account, amount=POISON)
        writer.send_raw(deposits.name, account.encode(), b"\xc3\x01 not avro")
        writer.send_raw(deposits.name, account.encode(), registry().encode(poison))
        flow.send_round(5)
        dead = dlq.wait_for(lambda s: True, lambda seen: len(seen) >= 2)
        flow.assert_exactly_once()
        assert loop.status.sessions == 2, "the failing record should have cost one restart"
    dlq.close()
    flow.close()
    reasons = sorted(s.headers["dlq.reason"].decode() for s in dead)
    assert any("unknown writer schema" in r for r in reasons)
    assert any("internal error: RuntimeError: unlucky amount" in r for r in reasons)
    assert {s.headers["dlq.stage"] for s in dead} == {stage.name.encode()}


def test_two_loops_share_the_partitions_and_one_leaving_hands_its_states_over(
    stage: Stage, infrastructure: Settings
) -> None:
    flow = Flow(infrastructure, stage)
    with running(stage, infrastructure, "a") as first:
        with running(stage, infrastructure, "b") as second:
            _wait(
                lambda: (
                    first.status.ready and second.status.ready and bool(second.status.partitions)
                ),
                "both loops holding partitions",
            )
            assert sorted(first.status.partitions + second.status.partitions) == list(
                range(infrastructure.partitions)
            )
            for amount in (30, 3):
                flow.send_round(amount)
            flow.facts()
        _wait(
            lambda: (
                first.status.ready and len(first.status.partitions) == infrastructure.partitions
            ),
            "the first loop holding every partition",
        )
        for amount in (300, 2):
            flow.send_round(amount)
        flow.assert_exactly_once()
    flow.close()


def test_a_restarted_worker_slot_aborts_what_its_dead_predecessor_left_open(
    stage: Stage, infrastructure: Settings
) -> None:
    """Worker slot "a" died mid-batch, its transaction open: a record of it on
    exchange.accounts holds that partition's last stable offset, so no
    read_committed reader gets past it. The slot's next loop aborts it as it
    starts, long before the broker's transaction timeout (10 s) would."""
    flow = Flow(infrastructure, stage)
    account = flow.accounts[0]
    dead = Producer(producer_config(infrastructure.kafka_bootstrap, stage, "a"))
    dead.init_transactions(30)
    dead.begin_transaction()
    ghost = command(DepositCash, account_id=account, amount=1)
    dead.produce(EXCHANGE_ACCOUNTS.name, registry().encode(ghost), account.encode(),
                 partition_for(account.encode(), infrastructure.partitions))  # fmt: skip
    assert dead.flush(30) == 0
    started = time.monotonic()
    with running(stage, infrastructure, "a") as loop:
        _wait(lambda: loop.status.ready, "loop ready")
        flow.send_round(20)
        flow.facts()
        waited = time.monotonic() - started
        flow.assert_exactly_once()
    flow.close()
    # Without the fencing it is the transaction timeout and the broker's abort
    # sweep: 10 to 20 s (13.4 s measured with another slot's loop).
    assert waited < 6, f"the predecessor's transaction held readers {waited:.1f} s"


def test_a_loop_fenced_by_a_second_one_in_its_slot_decides_again_once_that_one_is_gone(
    stage: Stage, infrastructure: Settings
) -> None:
    """Two loops in one worker slot (another platform's worker on this broker,
    say): the newcomer fences the first one's consumer and producer, both
    fatally. When the newcomer goes, the first must not sit on a dead consumer:
    it starts a new session and decides again."""
    flow = Flow(infrastructure, stage)
    with running(stage, infrastructure, "a") as first:
        _wait(lambda: first.status.ready, "first loop ready")
        flow.send_round(10)
        flow.facts()
        sessions = first.status.sessions
        with running(stage, infrastructure, "a") as newcomer:
            _wait(lambda: newcomer.status.ready, "the newcomer ready")
            # No input meanwhile: the first loop learns of the fencing from
            # its consumer alone (its next heartbeat), not from its producer.
            time.sleep(4)
        _wait(lambda: first.status.sessions > sessions, "the fenced loop starting again", 60)
        flow.send_round(30)
        flow.facts(timeout=90)
        flow.assert_exactly_once()
    flow.close()
