"""Reading a stage's state back from its changelog partitions."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

from streams.engine.batch import States
from streams.engine.changelog import ChangelogFold
from streams.engine.clients import restore_config
from streams.engine.stage import Stage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Restored:
    states: States  # every partition asked for, empty or not
    records: int  # changelog records read, tombstones included
    seconds: float


def restore(bootstrap: str, stage: Stage, partitions: Sequence[int], timeout_s: float) -> Restored:
    """The states of `partitions`, from their changelog up to its last stable offset.

    The caller has already read the partitions' committed input offsets with
    read_committed (which waits while a transaction holding offsets for them
    is open), so no transaction that could still commit precedes that offset,
    and what is read here is exactly the state those offsets left.
    """
    started = time.monotonic()
    folds = {partition: ChangelogFold() for partition in partitions}
    if partitions:
        consumer = Consumer(restore_config(bootstrap, stage))
        try:
            # Offset 0, not OFFSET_BEGINNING: the latter costs a ListOffsets
            # round that librdkafka spaces by half a second.
            consumer.assign([TopicPartition(stage.changelog.name, p, 0) for p in partitions])
            _read_to_end(consumer, folds, started + timeout_s)
        finally:
            consumer.close()
    states = {partition: fold.states(stage.state_log) for partition, fold in folds.items()}
    return Restored(states, sum(f.records for f in folds.values()), time.monotonic() - started)


def _read_to_end(consumer: Consumer, folds: dict[int, ChangelogFold], deadline: float) -> None:
    unread = set(folds)
    while unread:
        if time.monotonic() > deadline:
            raise TimeoutError(f"changelog partitions {sorted(unread)} not read to their end")
        for message in consumer.consume(10_000, timeout=0.1):
            error = message.error()
            partition = message.partition()
            assert partition is not None
            if error is None:
                folds[partition].add(message.key(), message.value())
            elif error.code() == KafkaError._PARTITION_EOF:
                unread.discard(partition)
            else:
                raise KafkaException(error)
