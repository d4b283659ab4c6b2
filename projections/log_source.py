"""Reading the log for a projector: every partition of the given topics,
read_committed, from the committed position (or the beginning), optionally
up to a point in time, telling when it has caught up.

Partitions are assigned, not subscribed: one projector process owns a
namespace (it owns the namespace's chDB path), so there is no group to share.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    KafkaError,
    KafkaException,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, OffsetSpec  # type: ignore[attr-defined]

from projections.log_record import LogRecord

Stream = tuple[str, int]


@dataclass(frozen=True)
class Until:
    """A point in time of the log: records with offset <= `offset` in each
    partition, or every record before the first one stamped after
    `timestamp_ms` (Kafka record timestamp)."""

    offset: int | None = None
    timestamp_ms: int | None = None


def log_sizes(bootstrap: str, topics: Sequence[str], timeout_s: float = 10.0) -> dict[Stream, int]:
    """Records each partition of the topics holds now (high - low watermark),
    asked in two requests for all of them (a consumer asks one at a time)."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    metadata = admin.list_topics(timeout=timeout_s)
    partitions = [
        TopicPartition(topic, partition)
        for topic in topics
        if (meta := metadata.topics.get(topic)) is not None and meta.error is None
        for partition in sorted(meta.partitions)
    ]
    if not partitions:
        return {}

    def ends(spec: OffsetSpec) -> dict[Stream, int]:
        asked = admin.list_offsets({tp: spec for tp in partitions}, request_timeout=timeout_s)
        return {(tp.topic, tp.partition): f.result().offset for tp, f in asked.items()}

    earliest, latest = OffsetSpec.earliest(), OffsetSpec.latest()  # type: ignore[no-untyped-call]
    low, high = ends(earliest), ends(latest)
    return {stream: max(high[stream] - low[stream], 0) for stream in high}


class LogSource:
    def __init__(
        self,
        bootstrap: str,
        group_id: str,
        topics: Sequence[str],
        *,
        from_beginning: bool = False,
        until: Until | None = None,
        only: Collection[Stream] | None = None,
        fetch_wait_ms: int = 500,
    ) -> None:
        """`only`: read just these partitions of the topics (a replay worker's
        share). `fetch_wait_ms`: how long the broker may hold a fetch while it
        has no new committed record (the live projector's latency floor)."""
        self._consumer = Consumer(
            {
                "bootstrap.servers": bootstrap,
                "fetch.wait.max.ms": fetch_wait_ms,
                "group.id": group_id,
                "enable.auto.commit": False,
                "enable.auto.offset.store": False,
                "auto.offset.reset": "earliest",
                "isolation.level": "read_committed",
                "enable.partition.eof": True,
                "fetch.max.bytes": 64 * 1024 * 1024,
                "max.partition.fetch.bytes": 16 * 1024 * 1024,
            }
        )
        self.streams: list[Stream] = []
        self._stop: dict[Stream, int] = {}
        self._done: set[Stream] = set()
        self._assign(list(topics), from_beginning, until, only)

    def _assign(
        self,
        topics: list[str],
        from_beginning: bool,
        until: Until | None,
        only: Collection[Stream] | None,
    ) -> None:
        metadata = self._consumer.list_topics(timeout=10)
        partitions = []
        for topic in topics:
            meta = metadata.topics.get(topic)
            if meta is None or meta.error is not None:
                continue  # not created yet: nothing to project from it
            for partition in sorted(meta.partitions):
                if only is None or (topic, partition) in only:
                    partitions.append(TopicPartition(topic, partition))
        self.streams = [(tp.topic, tp.partition) for tp in partitions]
        if not partitions:
            self._consumer.assign([])
            return
        if from_beginning:
            start = [TopicPartition(tp.topic, tp.partition, OFFSET_BEGINNING) for tp in partitions]
        else:
            committed = self._consumer.committed(partitions, timeout=10)
            start = [
                TopicPartition(tp.topic, tp.partition, tp.offset)
                if tp.offset >= 0
                else TopicPartition(tp.topic, tp.partition, OFFSET_BEGINNING)
                for tp in committed
            ]
        if until is not None:
            self._stop = self._stop_offsets(partitions, until)
            for tp in start:
                stream = (tp.topic, tp.partition)
                if tp.offset >= 0 and tp.offset >= self._stop[stream]:
                    self._done.add(stream)
        self._consumer.assign(start)

    def _stop_offsets(self, partitions: list[TopicPartition], until: Until) -> dict[Stream, int]:
        """The first offset NOT to project, per partition."""
        if until.offset is not None:
            return {(tp.topic, tp.partition): until.offset + 1 for tp in partitions}
        assert until.timestamp_ms is not None
        after = until.timestamp_ms + 1
        query = [TopicPartition(tp.topic, tp.partition, after) for tp in partitions]
        stops = {}
        for tp in self._consumer.offsets_for_times(query, timeout=10):
            if tp.offset >= 0:
                stops[(tp.topic, tp.partition)] = tp.offset
            else:  # no record after the time: the whole partition as it is now
                _, high = self._consumer.get_watermark_offsets(tp, timeout=10)
                stops[(tp.topic, tp.partition)] = high
        return stops

    def poll(self, max_records: int, timeout: float) -> list[LogRecord]:
        """Up to max_records records, in log order per partition: what is
        already fetched at once, else waiting at most `timeout` for the first.

        Not `consume(max_records, timeout)` alone: librdkafka's batch call
        waits out the whole timeout unless max_records arrive, which put a
        whole poll timeout on every live record's path to Redis.
        """
        consumer = self._consumer
        messages = consumer.consume(max_records, 0)
        if not messages:
            first = consumer.poll(timeout)
            if first is None:
                return []
            messages = [first, *consumer.consume(max_records - 1, 0)]
        records = []
        stops, done = self._stop, self._done
        for message in messages:
            error = message.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF:
                    done.add((message.topic() or "", message.partition() or 0))
                    continue
                raise KafkaException(error)
            topic, partition, offset = message.topic(), message.partition(), message.offset()
            assert topic is not None and partition is not None and offset is not None
            if stops:
                stop = stops.get((topic, partition))
                if stop is not None and offset >= stop:
                    self._reached_stop((topic, partition))
                    continue
            if done:
                done.discard((topic, partition))
            records.append(
                LogRecord(
                    topic, partition, offset, message.key(), message.value(), message.timestamp()[1]
                )
            )
            if stops and offset + 1 >= stops.get((topic, partition), offset + 2):
                self._reached_stop((topic, partition))
        return records

    def _reached_stop(self, stream: Stream) -> None:
        if stream not in self._done:
            self._done.add(stream)
            self._consumer.pause([TopicPartition(*stream)])

    @property
    def caught_up(self) -> bool:
        """Every partition has reached its end (or its point-in-time stop)."""
        return all(stream in self._done for stream in self.streams)

    def commit(self, next_offsets: Mapping[Stream, int], asynchronous: bool = False) -> None:
        """Store the positions to resume from (the offset after the last
        applied). Asynchronous: not waited for; a commit that fails is
        covered by the next one (the sinks dedupe what is read again)."""
        if not next_offsets:
            return
        offsets = [TopicPartition(t, p, o) for (t, p), o in next_offsets.items()]
        if asynchronous:
            self._consumer.commit(offsets=offsets, asynchronous=True)
        else:
            self._consumer.commit(offsets=offsets, asynchronous=False)

    def close(self) -> None:
        self._consumer.close()
