"""Reads topics from offset 0 to their end as it stands now (committed records only)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition


@dataclass(frozen=True)
class LogRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    timestamp_ms: int
    headers: tuple[tuple[str, bytes], ...]


def end_offsets(consumer: Consumer, topics: Sequence[str]) -> dict[tuple[str, int], int]:
    ends: dict[tuple[str, int], int] = {}
    metadata = consumer.list_topics(timeout=30)
    for topic in topics:
        for partition in metadata.topics[topic].partitions:
            _low, high = consumer.get_watermark_offsets(
                TopicPartition(topic, partition), timeout=30
            )
            ends[(topic, partition)] = high
    return ends


def read_all(bootstrap: str, topics: Sequence[str]) -> Iterator[LogRecord]:
    """Every committed record now on these topics, partition by partition."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"onelog-reader-{uuid.uuid4()}",
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
        }
    )
    try:
        ends = end_offsets(consumer, topics)
        pending = {tp for tp, end in ends.items() if end > 0}
        consumer.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t, p in pending])
        while pending:
            for msg in consumer.consume(num_messages=1000, timeout=1.0):
                if msg.error():
                    continue
                topic, partition, offset = (
                    str(msg.topic()),
                    int(msg.partition() or 0),
                    int(msg.offset() or 0),
                )
                headers = list(msg.headers() or [])
                yield LogRecord(
                    topic=topic,
                    partition=partition,
                    offset=offset,
                    key=msg.key(),
                    value=msg.value() or b"",
                    timestamp_ms=msg.timestamp()[1],
                    headers=tuple((str(k), v if isinstance(v, bytes) else b"") for k, v in headers),
                )
                # A transaction marker may sit at end-1: the position, not the
                # last record, says when a partition is read to its end.
                if offset + 1 >= ends[(topic, partition)]:
                    pending.discard((topic, partition))
            for t, p in list(pending):
                (position,) = consumer.position([TopicPartition(t, p)])
                if position.offset >= ends[(t, p)]:
                    pending.discard((t, p))
    finally:
        consumer.close()
