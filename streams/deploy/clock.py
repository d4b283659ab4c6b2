"""The clock: the orchestrator's only source of time.

    python -m streams.deploy.clock

Reads deploy.facts from the beginning (to learn which services have a
deployment active or queued, active_services.py), then follows it, and every
tick_ms writes ClockTicked(service, now_ms = the wall clock) to deploy.clock
for each of those services. The orchestrator decides bake ends and host
deadlines from these records, so replay decides the same without a clock.
Ends cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition

from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import settings
from schemas.codec import DecodeError
from schemas.deploy.records import ClockTicked
from schemas.deploy.topics import DEPLOY_CLOCK, DEPLOY_FACTS
from schemas.registry import registry
from streams.deploy.active_services import ActiveServices
from streams.deploy.config import deploy_settings
from streams.sealing import seal_command

log = logging.getLogger("onelog.deploy.clock")

PRODUCER = "deploy.clock"
_FLUSH_S = 10.0
_METADATA_S = 30.0


class Clock:
    def __init__(self, bootstrap: str, tick_ms: int) -> None:
        self.tick_s = tick_ms / 1000
        self.active = ActiveServices()
        self.consumer = Consumer(
            {
                "bootstrap.servers": bootstrap,
                # Partitions are assigned, never subscribed: the group only names it.
                "group.id": "onelog.deploy.clock",
                "enable.auto.commit": False,
                "isolation.level": "read_committed",
            }
        )
        self.producer = Producer(
            {
                "bootstrap.servers": bootstrap,
                "acks": "all",
                "enable.idempotence": True,
                "partitioner": LIBRDKAFKA_PARTITIONER,
            }
        )
        self.ticks_sent = 0

    def run(self, stopping: threading.Event) -> None:
        """Follow deploy.facts and tick until `stopping` is set."""
        metadata = self.consumer.list_topics(DEPLOY_FACTS.name, timeout=_METADATA_S)
        partitions = metadata.topics[DEPLOY_FACTS.name].partitions
        if not partitions:
            raise KafkaException(f"{DEPLOY_FACTS.name} has no partitions")
        self.consumer.assign(
            [TopicPartition(DEPLOY_FACTS.name, p, OFFSET_BEGINNING) for p in sorted(partitions)]
        )
        next_tick = time.monotonic()
        try:
            while not stopping.is_set():
                wait = max(0.0, min(next_tick - time.monotonic(), 0.2))
                for message in self.consumer.consume(num_messages=500, timeout=wait):
                    self._take(message.value(), message.error())
                if time.monotonic() >= next_tick:
                    self.tick(time.time_ns() // 1_000_000)
                    # A late tick does not bring a burst of ticks to catch up.
                    next_tick = max(next_tick + self.tick_s, time.monotonic())
        finally:
            self.close()

    def tick(self, now_ms: int) -> None:
        """One ClockTicked per service with a deployment active or queued."""
        for service in self.active.services():
            record = seal_command(ClockTicked, {"service": service, "now_ms": now_ms}, PRODUCER)
            self.producer.produce(
                DEPLOY_CLOCK.name, key=service.encode(), value=registry().encode(record)
            )
            self.ticks_sent += 1
        self.producer.poll(0)

    def close(self) -> None:
        left = self.producer.flush(_FLUSH_S)
        if left:
            log.warning("%d ticks not delivered within %.0f s", left, _FLUSH_S)
        self.consumer.close()

    def _take(self, value: bytes | None, error: object) -> None:
        if error is not None:
            log.warning("consume error: %s", error)
            return
        try:
            record = registry().decode(value or b"")
        except DecodeError as exc:
            log.warning("skipped an undecodable fact: %s", exc)
            return
        self.active.apply(record)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    platform = settings()
    deploy = deploy_settings(platform)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("clock ticking every %d ms", deploy.tick_ms)
    Clock(platform.kafka_bootstrap, deploy.tick_ms).run(stopping)
    log.info("clock stopped")


if __name__ == "__main__":
    main()
