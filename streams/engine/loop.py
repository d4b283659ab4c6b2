"""The transactional loop of one stage, on a thread of its own.

A session is one consumer (in the stage's group), one transactional producer
and the states of the partitions the consumer holds. It repeats: take a
batch, begin a transaction, decide the batch (streams/engine/batch.py), send
the offsets with the consumer's group metadata, commit. Any failure ends the
session: its open transaction is aborted, its states dropped, and a new
session starts from what committed, restoring its partitions' states from
their changelogs. Memory never holds a decision whose transaction did not
commit.
"""

from __future__ import annotations

import logging
import threading
from contextlib import suppress
from dataclasses import dataclass, field

from confluent_kafka import (
    Consumer,
    KafkaError,
    KafkaException,
    Message,
    Producer,
    TopicPartition,
)

from infra.settings import Settings
from streams.dead_letters import Headers
from streams.engine.batch import BatchDecider, DecideFailed, Position, States
from streams.engine.clients import (
    CALL_TIMEOUT_S,
    consumer_config,
    producer_config,
)
from streams.engine.restore import restore
from streams.engine.stage import Stage

log = logging.getLogger(__name__)

# How long one wait for input lasts: how soon a stop is noticed when idle.
IDLE_WAIT_S = 0.5
# Pause before a new session after a failure (a broker away, say).
RESTART_PAUSE_S = 1.0
# Bound on reading assigned partitions' changelogs.
RESTORE_TIMEOUT_S = 120.0


@dataclass
class LoopStatus:
    """What the loop is doing, for /readyz and the logs (written by the loop's thread)."""

    ready: bool = False  # partitions assigned and their states restored
    partitions: list[int] = field(default_factory=list)
    restored_records: int = 0
    restored_states: int = 0
    restore_seconds: float = 0.0
    sessions: int = 0
    committed_batches: int = 0


class StageLoop:
    def __init__(self, stage: Stage, settings: Settings) -> None:
        self.stage = stage
        self.status = LoopStatus()
        self._settings = settings
        self._stopping = threading.Event()
        # Records whose decision raised, and why: dead-lettered when met again.
        self._failed: dict[Position, str] = {}

    def stop(self) -> None:
        """Ask the loop to end after its current batch."""
        self._stopping.set()

    def run(self) -> None:
        """Sessions, one after another, until stopped."""
        while not self._stopping.is_set():
            self.status.sessions += 1
            try:
                _Session(self).run()
            except DecideFailed as failed:
                self._failed[failed.position] = failed.reason
                log.error(
                    "%s: deciding %s failed; starting again from what committed, "
                    "and that record goes to its dead-letter topic",
                    self.stage.name,
                    failed,
                    exc_info=failed.__cause__,
                )
            except Exception:
                log.exception("%s: session failed; starting again from what committed",
                              self.stage.name)  # fmt: skip
                self._stopping.wait(RESTART_PAUSE_S)
            finally:
                self.status.ready = False


class _Session:
    def __init__(self, loop: StageLoop) -> None:
        self.loop = loop
        self.stage = loop.stage
        self.settings = loop._settings
        self.states: States = {}
        self.rebalances = 0
        self._in_transaction = False
        bootstrap = self.settings.kafka_bootstrap
        self.producer = Producer(producer_config(bootstrap, self.stage, self.settings.worker_id))
        self.consumer = Consumer(consumer_config(bootstrap, self.stage, self.settings.worker_id))

    def run(self) -> None:
        try:
            # Aborts whatever this worker slot's predecessor left open, and
            # fences it should it still be alive.
            self.producer.init_transactions(CALL_TIMEOUT_S)
            decider = BatchDecider(self.stage, self._partition_count(), self.loop._failed)
            self.consumer.subscribe(
                [spec.name for spec in self.stage.inputs],
                on_assign=self._assigned,
                on_revoke=self._revoked,
                on_lost=self._revoked,
            )
            while not self.loop._stopping.is_set():
                batch = self._take_batch()
                if batch:
                    self._commit(decider, batch)
        finally:
            self._close()

    def _partition_count(self) -> int:
        names = [spec.name for spec in (*self.stage.inputs, self.stage.changelog)]
        topics = self.consumer.list_topics(timeout=CALL_TIMEOUT_S).topics
        counts = {name: len(topics[name].partitions) if name in topics else 0 for name in names}
        if len(set(counts.values())) != 1 or 0 in counts.values():
            raise RuntimeError(f"{self.stage.name}: inputs and changelog are not co-partitioned: "
                               f"{counts}")  # fmt: skip
        return counts[names[0]]

    def _take_batch(self) -> list[Message]:
        """Wait for one record, then take what else is fetched (up to the
        batch size), waiting up to the batch wait for more."""
        settings = self.settings
        first = self.consumer.consume(1, IDLE_WAIT_S)
        if not first:
            return []
        seen = self.rebalances
        more = max(settings.stage_batch_max - 1, 0)
        rest = self.consumer.consume(more, settings.stage_batch_wait_ms / 1000) if more else []
        # A rebalance served by the second call reset every position to the
        # committed offset: the first record comes again, from whoever owns
        # it. librdkafka already drops records of the old assignment taken
        # within one call.
        taken = first + rest if self.rebalances == seen else rest
        return [message for message in taken if _is_record(message, self.stage)]

    def _commit(self, decider: BatchDecider, batch: list[Message]) -> None:
        self.producer.begin_transaction()
        self._in_transaction = True
        offsets = decider.decide(self.states, batch, self._send)
        self.producer.send_offsets_to_transaction(
            offsets, self.consumer.consumer_group_metadata(), CALL_TIMEOUT_S
        )
        self.producer.commit_transaction(CALL_TIMEOUT_S)
        self._in_transaction = False
        self.loop.status.committed_batches += 1

    def _send(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        headers: Headers | None,
    ) -> None:
        # librdkafka: -1 is "by the partitioner"; its header type is wider.
        where = -1 if partition is None else partition
        wire: list[tuple[str, str | bytes | None]] | None = list(headers) if headers else None
        while True:
            try:
                self.producer.produce(topic, value, key, where, headers=wire)
                return
            except BufferError:  # the local queue is full: let deliveries drain
                self.producer.poll(0.05)

    def _assigned(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        self.rebalances += 1
        # Read_committed offset fetches wait while a transaction that sent
        # offsets for these partitions is open (KIP-447), so after this no
        # earlier owner's transaction can still commit: the changelog up to
        # its last stable offset is the state at these offsets.
        committed = consumer.committed(partitions, timeout=CALL_TIMEOUT_S)
        for tp in committed:
            if tp.error is not None:
                raise KafkaException(tp.error)
        numbers = sorted({tp.partition for tp in partitions})
        restored = restore(self.settings.kafka_bootstrap, self.stage, numbers, RESTORE_TIMEOUT_S)
        self.states = restored.states
        consumer.assign(committed)
        status = self.loop.status
        status.partitions = numbers
        status.restored_records = restored.records
        status.restored_states = sum(len(held) for held in restored.states.values())
        status.restore_seconds = restored.seconds
        status.ready = True
        log.info(
            "%s: partitions %s assigned; %d states restored from %d changelog records in %.2f s",
            self.stage.name,
            numbers,
            status.restored_states,
            restored.records,
            restored.seconds,
        )

    def _revoked(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        self.rebalances += 1
        self.states = {}
        self.loop.status.ready = False
        log.info("%s: partitions %s revoked", self.stage.name,
                 sorted({tp.partition for tp in partitions}))  # fmt: skip

    def _close(self) -> None:
        if self._in_transaction:
            # A fatal error (fenced) cannot abort; the next session's
            # init_transactions, or the broker's timeout, ends it then.
            with suppress(KafkaException):
                self.producer.abort_transaction(CALL_TIMEOUT_S)
        self.states = {}
        # Closing commits nothing; a static member stays in the group (see clients.py).
        with suppress(KafkaException, RuntimeError):
            self.consumer.close()


def _is_record(message: Message, stage: Stage) -> bool:
    """Consumer errors arrive as messages: fatal ones end the session."""
    error = message.error()
    if error is None:
        return True
    if ends_session(error):
        raise KafkaException(error)
    log.warning("%s: consumer: %s", stage.name, error)
    return False


def ends_session(error: KafkaError) -> bool:
    """A consumer error after which its consumer is dead. librdkafka reports a
    fatal error (fenced by a static member of the same slot, say) as an event
    whose code is _FATAL and whose own fatal flag is unset."""
    return bool(error.fatal()) or error.code() == KafkaError._FATAL
