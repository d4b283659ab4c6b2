"""Deciding one batch: facts per record, each touched part once at the end on
the input's partition, dead letters with reasons, and a failing core named."""

from __future__ import annotations

from typing import Any

import pytest
from confluent_kafka import Message

from infra.partitioning import partition_for
from infra.topics import TopicSpec
from schemas.envelope import Record
from schemas.exchange import BalanceChanged, DepositCash, PlaceOrder, WithdrawCash
from schemas.registry import registry
from streams.dead_letters import Headers
from streams.engine.batch import BatchDecider, DecideFailed
from streams.engine.changelog import ChangelogFold, part_key
from tests.support.log import command
from tests.support.tally_stage import POISON, Tally, tally_stage

PARTITIONS = 4
DEPOSITS = TopicSpec("tally.deposits", "test", key="account_id", record_types=())
WITHDRAWALS = TopicSpec("tally.withdrawals", "test", key="account_id", record_types=())
CHANGELOG = TopicSpec("tally.changelog", "test", key="", record_types=(), compacted=True)
STAGE = tally_stage("test.tally", (DEPOSITS, WITHDRAWALS), CHANGELOG)

Sent = tuple[str, bytes | None, bytes | None, int | None, dict[str, Any]]


class Sink:
    def __init__(self) -> None:
        self.sent: list[Sent] = []

    def __call__(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        headers: Headers | None,
    ) -> None:
        self.sent.append((topic, key, value, partition, dict(headers or [])))

    def on(self, topic: str) -> list[Sent]:
        return [s for s in self.sent if s[0] == topic]


class Offsets:
    def __init__(self) -> None:
        self.next: dict[tuple[str, int], int] = {}

    def message(self, topic: TopicSpec, record: Record | None = None, **raw: Any) -> Message:
        """`record` as a producer with Java's partitioner writes it, or raw bytes."""
        key = raw["key"] if "key" in raw else record.envelope.key.encode() if record else None
        value = raw["value"] if "value" in raw else registry().encode(record) if record else None
        partition = raw.get("partition", partition_for(key or b"", PARTITIONS))
        offset = self.next.get((topic.name, partition), 0)
        self.next[(topic.name, partition)] = offset + 1
        return Message(topic=topic.name, partition=partition, offset=offset, key=key, value=value)


def _deposit(account: str, amount: int) -> Record:
    return command(DepositCash, account_id=account, amount=amount)


def _states() -> dict[int, dict[str, Any]]:
    return {p: {} for p in range(PARTITIONS)}


def test_each_record_is_decided_and_each_touched_part_written_once_on_its_partition() -> None:
    offsets, sink, states = Offsets(), Sink(), _states()
    messages = [
        offsets.message(DEPOSITS, _deposit("alice", 100)),
        offsets.message(DEPOSITS, _deposit("bob", 7)),
        offsets.message(WITHDRAWALS, command(WithdrawCash, account_id="alice", amount=30)),
        offsets.message(DEPOSITS, _deposit("alice", 5)),
    ]
    committed = BatchDecider(STAGE, PARTITIONS, {}).decide(states, messages, sink)

    facts = [registry().decode(s[2]) for s in sink.on("exchange.accounts") if s[2]]
    assert [(f.account_id, f.available) for f in facts if isinstance(f, BalanceChanged)] == [
        ("alice", 100),
        ("bob", 7),
        ("alice", 70),
        ("alice", 75),
    ]
    # Facts go by key (the producer's murmur2 partitioner); parts by input partition.
    assert {s[3] for s in sink.on("exchange.accounts")} == {None}
    alice, bob = partition_for(b"alice", PARTITIONS), partition_for(b"bob", PARTITIONS)
    changelog = {(s[1], s[3]): s[2] for s in sink.on(CHANGELOG.name)}
    assert changelog == {
        (part_key("alice", "total"), alice): b"75",
        (part_key("alice", "count"), alice): b"3",
        (part_key("bob", "total"), bob): b"7",
        (part_key("bob", "count"), bob): b"1",
    }
    assert len(sink.on(CHANGELOG.name)) == 4, "a part written more than once in a batch"
    # Changelog parts come after every fact of the batch.
    assert {s[0] for s in sink.sent[-4:]} == {CHANGELOG.name}
    assert states[alice]["alice"] == Tally("alice", 75, 3)
    assert sorted((tp.topic, tp.partition, tp.offset) for tp in committed) == sorted(
        (topic, partition, offset) for (topic, partition), offset in offsets.next.items()
    )


def test_a_part_that_no_longer_exists_is_a_tombstone() -> None:
    offsets, sink, states = Offsets(), Sink(), _states()
    messages = [
        offsets.message(DEPOSITS, _deposit("carol", 10)),
        offsets.message(WITHDRAWALS, command(WithdrawCash, account_id="carol", amount=10)),
    ]
    BatchDecider(STAGE, PARTITIONS, {}).decide(states, messages, sink)
    written = {s[1]: s[2] for s in sink.on(CHANGELOG.name)}
    assert written == {part_key("carol", "total"): None, part_key("carol", "count"): b"2"}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"key": b"dave", "value": b"\xc3\x01" + bytes(8) + b"garbage"}, "unknown writer schema"),
        ({"key": b"dave", "value": b"{}"}, "C3 01"),
        ({"key": b"dave", "value": None}, "C3 01"),
    ],
)
def test_undecodable_records_go_to_the_dead_letter_topic(raw: dict[str, Any], reason: str) -> None:
    offsets, sink = Offsets(), Sink()
    message = offsets.message(DEPOSITS, **raw)
    committed = BatchDecider(STAGE, PARTITIONS, {}).decide(_states(), [message], sink)
    ((topic, key, value, partition, headers),) = sink.sent
    assert (topic, key, value, partition) == (
        DEPOSITS.dlq,
        b"dave",
        raw["value"],
        message.partition(),
    )
    assert reason in headers["dlq.reason"].decode()
    assert headers["dlq.stage"] == b"test.tally"
    assert headers["dlq.topic"] == DEPOSITS.name.encode()
    assert headers["dlq.offset"] == b"0"
    assert [(tp.topic, tp.offset) for tp in committed] == [(DEPOSITS.name, 1)]


def test_misrouted_and_foreign_records_go_to_the_dead_letter_topic() -> None:
    offsets, sink = Offsets(), Sink()
    erin = _deposit("erin", 5)
    wrong_partition = (partition_for(b"erin", PARTITIONS) + 1) % PARTITIONS
    order = command(
        PlaceOrder,
        account_id="erin",
        order_id="o1",
        client_order_id="c1",
        symbol="S",
        side="buy",
        order_type="limit",
        time_in_force="GTC",
        quantity=1,
        price=1,
    )
    messages = [
        offsets.message(DEPOSITS, erin, key=b"frank"),
        offsets.message(DEPOSITS, erin, partition=wrong_partition),
        offsets.message(DEPOSITS, order),
    ]
    states = _states()
    BatchDecider(STAGE, PARTITIONS, {}).decide(states, messages, sink)
    reasons = [s[4]["dlq.reason"].decode() for s in sink.on(DEPOSITS.dlq)]
    assert "does not match account_id" in reasons[0]
    assert f"belongs on partition {partition_for(b'erin', PARTITIONS)}" in reasons[1]
    assert "takes no PlaceOrder records" in reasons[2]
    assert sink.on("exchange.accounts") == [] and sink.on(CHANGELOG.name) == []
    assert all(not held for held in states.values())


def test_a_failing_core_names_the_record_and_is_dead_lettered_when_met_again() -> None:
    offsets = Offsets()
    messages = [
        offsets.message(DEPOSITS, _deposit("gina", 50)),
        offsets.message(DEPOSITS, _deposit("gina", POISON)),
        offsets.message(DEPOSITS, _deposit("gina", 1)),
    ]
    with pytest.raises(DecideFailed) as failed:
        BatchDecider(STAGE, PARTITIONS, {}).decide(_states(), messages, Sink())
    poisoned = messages[1]
    assert failed.value.position == (DEPOSITS.name, poisoned.partition(), poisoned.offset())
    assert "RuntimeError: unlucky amount" in failed.value.reason

    # The loop starts again from fresh states and the committed offsets.
    sink, states = Sink(), _states()
    known = {failed.value.position: failed.value.reason}
    BatchDecider(STAGE, PARTITIONS, known).decide(states, messages, sink)
    ((_, _, dead_value, _, headers),) = sink.on(DEPOSITS.dlq)
    assert dead_value == poisoned.value()
    assert "internal error: RuntimeError: unlucky amount" in headers["dlq.reason"].decode()
    assert states[partition_for(b"gina", PARTITIONS)]["gina"] == Tally("gina", 51, 2)


def test_what_a_batch_writes_restores_the_states_it_leaves() -> None:
    offsets, states = Offsets(), _states()
    fold = {p: ChangelogFold() for p in range(PARTITIONS)}
    decider = BatchDecider(STAGE, PARTITIONS, {})
    accounts = [f"acct{i}" for i in range(12)]
    for round_ in range(5):
        sink = Sink()
        messages = [
            offsets.message(DEPOSITS, _deposit(a, 1 + i + round_))
            if (i + round_) % 3
            else offsets.message(WITHDRAWALS, command(WithdrawCash, account_id=a, amount=1000))
            for i, a in enumerate(accounts)
        ]
        decider.decide(states, messages, sink)
        for _, key, value, partition, _ in sink.on(CHANGELOG.name):
            assert partition is not None
            fold[partition].add(key, value)
    restored = {p: fold[p].states(STAGE.state_log) for p in range(PARTITIONS)}
    live = {p: {k: s for k, s in held.items() if s != Tally(k)} for p, held in states.items()}
    assert restored == live
