"""The gateway's Kafka producer: send a record, await Kafka's acknowledgement.

confluent-kafka delivers reports from `poll()`, a blocking call. One daemon
thread polls; each delivery callback hands its result to the event loop with
`call_soon_threadsafe`, so a request awaits its own future and never blocks
the loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from infra.partitioning import LIBRDKAFKA_PARTITIONER

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """Where Kafka stored an acknowledged record."""

    topic: str
    partition: int
    offset: int
    latency_s: float


class KafkaUnavailable(Exception):
    """Kafka did not acknowledge the record: the caller must not claim success."""


def producer_config(bootstrap: str, delivery_timeout_ms: int) -> dict[str, Any]:
    return {
        "bootstrap.servers": bootstrap,
        "client.id": "onelog-gateway",
        "acks": "all",
        "enable.idempotence": True,
        "partitioner": LIBRDKAFKA_PARTITIONER,
        # The whole budget from produce() to report, retries included.
        "message.timeout.ms": delivery_timeout_ms,
        "socket.connection.setup.timeout.ms": max(1000, delivery_timeout_ms),
        # A little batching pays for the NDJSON endpoint; a single request
        # waits at most this long.
        "linger.ms": 2,
        "reconnect.backoff.max.ms": 1000,
    }


class CommandProducer:
    """Owns one confluent-kafka Producer and the thread that polls it.

    Contract: `send` returns only after the broker acknowledged the record with
    acks=all, or raises KafkaUnavailable. Call `start` once and `close` once.
    """

    def __init__(self, bootstrap: str, delivery_timeout_ms: int) -> None:
        self._bootstrap = bootstrap
        self._delivery_timeout_s = delivery_timeout_ms / 1000
        self._fatal: KafkaError | None = None
        config = producer_config(bootstrap, delivery_timeout_ms)
        self._producer = Producer({**config, "error_cb": self._on_error})
        self._stopping = threading.Event()
        self._poller = threading.Thread(target=self._poll, name="kafka-poll", daemon=True)

    def _on_error(self, err: KafkaError) -> None:
        # Transient errors (broker down, reconnecting) surface as failed
        # deliveries; a fatal one (the idempotent producer's sequence is
        # broken) disables the producer for good, so readiness must say so.
        if err.fatal():
            self._fatal = err
            log.error("fatal Kafka producer error: %s", err.str())
        else:
            log.warning("Kafka producer: %s", err.str())

    def start(self) -> None:
        self._poller.start()

    def _poll(self) -> None:
        while not self._stopping.is_set():
            self._producer.poll(0.1)

    def close(self, flush_timeout_s: float = 5.0) -> None:
        self._stopping.set()
        if self._poller.is_alive():
            self._poller.join()
        self._producer.flush(flush_timeout_s)

    def enqueue(self, topic: str, key: str, value: bytes) -> asyncio.Future[Delivery]:
        """Hand one record to librdkafka; the future resolves on its delivery report.

        Split from `send` so a batch can enqueue every line before awaiting any.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Delivery] = loop.create_future()
        started = time.perf_counter()

        def settle(err: KafkaError | None, msg: Message) -> None:
            # Runs on the poll thread: only hand over to the loop from here.
            if err is not None:
                outcome: Delivery | Exception = KafkaUnavailable(f"not acknowledged: {err.str()}")
            else:
                outcome = Delivery(
                    topic=msg.topic() or topic,
                    partition=msg.partition() or 0,
                    offset=msg.offset() or 0,
                    latency_s=time.perf_counter() - started,
                )
            loop.call_soon_threadsafe(_resolve, future, outcome)

        try:
            self._producer.produce(topic, value=value, key=key.encode(), on_delivery=settle)
        except BufferError as exc:
            future.set_exception(KafkaUnavailable(f"local queue full: {exc}"))
        except KafkaException as exc:
            future.set_exception(KafkaUnavailable(f"produce refused: {exc}"))
        return future

    async def send(self, topic: str, key: str, value: bytes) -> Delivery:
        future = self.enqueue(topic, key, value)
        # librdkafka enforces message.timeout.ms itself; the outer bound only
        # guards against a report that never comes (e.g. a stopped poll thread).
        try:
            return await asyncio.wait_for(future, self._delivery_timeout_s + 2.0)
        except TimeoutError as exc:
            raise KafkaUnavailable("no delivery report in time") from exc

    def reachable(self, timeout_s: float) -> bool:
        """Blocking metadata round trip; run it in a thread."""
        if self._fatal is not None:
            return False
        try:
            self._producer.list_topics(timeout=timeout_s)
        except KafkaException:
            return False
        return True


def _resolve(future: asyncio.Future[Delivery], outcome: Delivery | Exception) -> None:
    if future.done():  # the awaiting request gave up (timeout or disconnect)
        return
    if isinstance(outcome, Exception):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
