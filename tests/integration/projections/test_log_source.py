"""Reading the log for the projector: a few records are handed over as soon as
they are readable, not after the whole poll timeout (which put the poll's
timeout on every live record's path to Redis). Real Kafka."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from infra.settings import Settings
from projections.log_record import LogRecord
from projections.log_source import LogSource

pytestmark = pytest.mark.integration


@pytest.fixture
def topic(infrastructure: Settings) -> Iterator[str]:
    name = "t_" + uuid.uuid4().hex[:12]
    admin = AdminClient({"bootstrap.servers": infrastructure.kafka_bootstrap})
    for future in admin.create_topics([NewTopic(name, 2, 1)]).values():
        future.result()
    yield name
    for future in admin.delete_topics([name]).values():
        future.result()


def test_a_poll_hands_over_what_is_there_without_waiting_out_its_timeout(
    infrastructure: Settings, topic: str
) -> None:
    producer = Producer({"bootstrap.servers": infrastructure.kafka_bootstrap, "acks": "all"})
    for n in range(3):
        producer.produce(topic, key=b"k", value=b"record %d" % n)
    assert producer.flush(10) == 0
    source = LogSource(infrastructure.kafka_bootstrap, "t-" + uuid.uuid4().hex, [topic],
                       from_beginning=True)  # fmt: skip
    try:
        started = time.monotonic()
        records: list[LogRecord] = []
        while len(records) < 3 and time.monotonic() - started < 20:
            records += source.poll(5000, timeout=10.0)
        took = time.monotonic() - started
    finally:
        source.close()
    assert [r.value for r in records] == [b"record 0", b"record 1", b"record 2"]
    # The first fetch of a new consumer takes up to a second or so; the
    # timeout (10 s) must not be waited out once the records are there.
    assert took < 5.0, f"three records took {took:.1f} s"
