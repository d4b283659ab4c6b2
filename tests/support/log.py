"""Test helpers that write commands to the real log and read facts back."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from confluent_kafka import OFFSET_BEGINNING, Consumer, Message, Producer, TopicPartition

from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.topics import topic_of
from schemas.codec import DecodeError
from schemas.envelope import Record
from schemas.registry import registry
from streams.sealing import seal_command

R = TypeVar("R", bound=Record)


def command(model: type[Record], **payload: Any) -> Record:
    """A record as the gateway would write it."""
    return seal_command(model, payload, producer="test")


class LogWriter:
    def __init__(self, bootstrap: str) -> None:
        self._producer = Producer(
            {
                "bootstrap.servers": bootstrap,
                "acks": "all",
                "enable.idempotence": True,
                "partitioner": LIBRDKAFKA_PARTITIONER,
            }
        )

    def send(self, *records: Record) -> None:
        for record in records:
            spec = topic_of(record.schema_name)
            self._producer.produce(
                spec.name, key=record.envelope.key.encode(), value=registry().encode(record)
            )
        assert self._producer.flush(30) == 0

    def send_raw(self, topic: str, key: bytes, value: bytes) -> None:
        self._producer.produce(topic, key=key, value=value)
        assert self._producer.flush(30) == 0


@dataclass(frozen=True)
class Seen:
    topic: str
    partition: int
    offset: int
    record: Record | None
    raw: bytes
    headers: dict[str, bytes]


class LogReader:
    """Follows topics from offset 0 (committed records only), keeping what matches.

    `from_end`: only records written from now on; a test that writes all it
    reads then does not wade through what earlier tests left in the topics."""

    def __init__(self, bootstrap: str, topics: Sequence[str], from_end: bool = False) -> None:
        self._consumer = Consumer(
            {
                "bootstrap.servers": bootstrap,
                "group.id": f"test-{uuid.uuid4()}",
                "isolation.level": "read_committed",
                "enable.auto.commit": False,
            }
        )
        metadata = self._consumer.list_topics(timeout=30)
        start = [
            TopicPartition(t, p, OFFSET_BEGINNING)
            for t in topics
            for p in metadata.topics[t].partitions
        ]
        if from_end:
            for tp in start:
                tp.offset = self._consumer.get_watermark_offsets(tp, timeout=30)[1]
        self._consumer.assign(start)
        self.seen: list[Seen] = []

    def _poll(self, keep: Callable[[Seen], bool]) -> None:
        for msg in self._consumer.consume(num_messages=5000, timeout=0.5):
            if msg.error():
                continue
            topic, partition, offset, value = (
                msg.topic(),
                msg.partition(),
                msg.offset(),
                msg.value(),
            )
            # A consumed record (not an error) has all four.
            assert topic is not None and partition is not None and offset is not None
            assert value is not None
            try:
                record: Record | None = registry().decode(value)
            except DecodeError:
                record = None
            seen = Seen(topic, partition, offset, record, value, _headers(msg))
            if keep(seen):
                self.seen.append(seen)

    def wait_for(
        self,
        keep: Callable[[Seen], bool],
        done: Callable[[list[Seen]], bool],
        timeout: float = 60.0,
    ) -> list[Seen]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._poll(keep)
            if done(self.seen):
                return self.seen
        raise AssertionError(
            f"timed out after {timeout:.0f}s with {len(self.seen)} matching records: "
            + ", ".join(type(s.record).__name__ for s in self.seen[-20:])
        )

    def close(self) -> None:
        self._consumer.close()


def _headers(msg: Message) -> dict[str, bytes]:
    """A consumed record's headers. librdkafka gives (name, value) pairs (a dict
    is only ever produced); a value is bytes, or None for a header without one,
    which is left out (no test looks for one)."""
    pairs = msg.headers() or []
    assert isinstance(pairs, list)
    return {k: v for k, v in pairs if isinstance(v, bytes)}


def records(seen: Sequence[Seen], model: type[R]) -> list[R]:
    return [s.record for s in seen if isinstance(s.record, model)]
