"""The gateway's Kafka producer: send records, await Kafka's acknowledgements.

confluent-kafka delivers reports from `poll()`, a blocking call. One daemon
thread polls; the delivery callbacks that one `poll()` serves only collect
their outcomes, and the thread hands each poll's collection to the event loop
in one `call_soon_threadsafe`: under load a poll serves hundreds of reports,
and a wake-up of the loop per record (a write to its self-pipe, a callback)
cost more than the record itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from infra.partitioning import LIBRDKAFKA_PARTITIONER

log = logging.getLogger(__name__)

# How often sends past their report_wait_s are looked for.
_SWEEP_S = 0.5


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where Kafka stored an acknowledged record."""

    topic: str
    partition: int
    offset: int
    latency_s: float


class KafkaUnavailable(Exception):
    """Kafka did not acknowledge the record: the caller must not claim success."""


Outcome = Delivery | KafkaUnavailable
# Called on the event loop with the record's outcome.
Settle = Callable[[Outcome], None]


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
        # Measured with 16 keep-alive clients sending single orders
        # (bench/http_ingest.py, one broker on the same 2 cores): 0 or 0.2 ms
        # halved the rate (one produce request per record, and an idempotent
        # producer keeps at most 5 in flight per broker); 1 ms was best, 3 ms
        # a little slower (each request waits out the linger). NDJSON batches
        # would take 5-20 ms (gateway CPU per line 86 -> 73 µs at 20 ms, lines/s
        # unchanged: the event loop is their limit), not worth a second producer.
        "linger.ms": 1,
        # librdkafka's default, stated: a 5,000-line batch (~300 bytes a line)
        # goes out in a few produce requests per partition.
        "batch.size": 1_000_000,
        "reconnect.backoff.max.ms": 1000,
    }


class DeliveryReports:
    """The batch of delivery outcomes one poll() served, for the event loop.

    Used on the poll thread only: `collect` is what each record's delivery
    callback calls, `flush` hands what was collected to the loop in one call.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._collected: list[tuple[Settle, Outcome]] = []

    def callback(self, settle: Settle) -> Callable[[KafkaError | None, Message], None]:
        def on_delivery(err: KafkaError | None, msg: Message) -> None:
            if err is not None:
                outcome: Outcome = KafkaUnavailable(f"not acknowledged: {err.str()}")
            else:
                outcome = Delivery(
                    topic=msg.topic() or "",
                    partition=msg.partition() or 0,
                    offset=msg.offset() or 0,
                    latency_s=msg.latency() or 0.0,
                )
            self._collected.append((settle, outcome))

        return on_delivery

    def flush(self) -> None:
        if not self._collected:
            return
        collected, self._collected = self._collected, []
        # A closed loop (RuntimeError) has nobody awaiting these any more.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(_settle_all, collected)


def _settle_all(collected: Sequence[tuple[Settle, Outcome]]) -> None:
    for settle, outcome in collected:
        settle(outcome)


def settle_future(future: asyncio.Future[Delivery]) -> Settle:
    def settle(outcome: Outcome) -> None:
        if future.done():  # the awaiting request gave up (timeout or disconnect)
            return
        if isinstance(outcome, Delivery):
            future.set_result(outcome)
        else:
            future.set_exception(outcome)

    return settle


class DeliveryBatch:
    """The outcomes of many records, awaited together: one future for the lot.

    Contract: take a `settler(index)` per record produced, then await
    `settled` once; it returns each index's outcome, those still unreported
    after `timeout_s` left out.
    """

    def __init__(self) -> None:
        self._outcomes: dict[int, Outcome] = {}
        self._expected = 0
        self._all_in: asyncio.Future[None] | None = None

    def settler(self, index: int) -> Settle:
        self._expected += 1

        def settle(outcome: Outcome) -> None:
            self._outcomes[index] = outcome
            if (
                self._all_in is not None
                and not self._all_in.done()
                and len(self._outcomes) == self._expected
            ):
                self._all_in.set_result(None)

        return settle

    async def settled(self, timeout_s: float) -> dict[int, Outcome]:
        if len(self._outcomes) < self._expected:
            self._all_in = asyncio.get_running_loop().create_future()
            try:
                async with asyncio.timeout(timeout_s):
                    await self._all_in
            except TimeoutError:
                pass
        return dict(self._outcomes)


class CommandProducer:
    """Owns one confluent-kafka Producer and the thread that polls it.

    Contract: a record handed to `produce` is settled exactly once, on the
    event loop, with its Delivery after the broker acknowledged it (acks=all)
    or with KafkaUnavailable; `send` awaits that for one record. Call `start`
    once, from the event loop that will await the records, and `close` once.
    """

    def __init__(self, bootstrap: str, delivery_timeout_ms: int) -> None:
        self._bootstrap = bootstrap
        self._delivery_timeout_s = delivery_timeout_ms / 1000
        self._fatal: KafkaError | None = None
        config = producer_config(bootstrap, delivery_timeout_ms)
        self._producer = Producer({**config, "error_cb": self._on_error})
        self._stopping = threading.Event()
        self._poller = threading.Thread(target=self._poll, name="kafka-poll", daemon=True)
        self._reports: DeliveryReports | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # start() sets it
        self._deadlines: deque[tuple[float, Settle]] = deque()
        self._sweeper: asyncio.TimerHandle | None = None

    @property
    def report_wait_s(self) -> float:
        """How long a caller may wait for a record's report: librdkafka reports
        every record within message.timeout.ms; the margin covers handing the
        report over, and the bound guards against one that never comes (e.g.
        a stopped poll thread)."""
        return self._delivery_timeout_s + 2.0

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
        self._loop = asyncio.get_running_loop()
        self._reports = DeliveryReports(self._loop)
        self._poller.start()

    def _poll(self) -> None:
        assert self._reports is not None
        while not self._stopping.is_set():
            self._producer.poll(0.1)
            self._reports.flush()

    def close(self, flush_timeout_s: float = 5.0) -> None:
        """Stop polling and flush what is queued. Blocking: run it in a thread."""
        self._stopping.set()
        if self._poller.is_alive():
            self._poller.join()
        self._producer.flush(flush_timeout_s)
        if self._reports is not None:
            self._reports.flush()

    def produce(self, topic: str, key: str, value: bytes, settle: Settle) -> None:
        """Hand one record to librdkafka; `settle` gets its outcome on the loop.

        Raises KafkaUnavailable at once, having produced nothing, if librdkafka
        refuses the record (its local queue is full, or the producer is dead).
        """
        assert self._reports is not None, "start() first"
        try:
            self._producer.produce(
                topic, value=value, key=key.encode(), on_delivery=self._reports.callback(settle)
            )
        except BufferError as exc:
            raise KafkaUnavailable(f"local queue full: {exc}") from exc
        except KafkaException as exc:
            raise KafkaUnavailable(f"produce refused: {exc}") from exc

    async def send(self, topic: str, key: str, value: bytes) -> Delivery:
        """Produce one record and await its outcome: the Delivery, or
        KafkaUnavailable (also when no report came within report_wait_s)."""
        loop = self._loop
        assert loop is not None, "start() first"
        future: asyncio.Future[Delivery] = loop.create_future()
        settle = settle_future(future)
        self.produce(topic, key, value, settle)
        # Every send waits the same time, so deadlines come in the order of
        # the sends: one timer expires the oldest, no timer per record.
        self._deadlines.append((loop.time() + self.report_wait_s, settle))
        if self._sweeper is None:
            self._sweeper = loop.call_later(_SWEEP_S, self._sweep)
        return await future

    def _sweep(self) -> None:
        loop = self._loop
        assert loop is not None
        now = loop.time()
        while self._deadlines and self._deadlines[0][0] <= now:
            _, settle = self._deadlines.popleft()
            settle(KafkaUnavailable("no delivery report in time"))  # nothing if already settled
        self._sweeper = loop.call_later(_SWEEP_S, self._sweep) if self._deadlines else None

    def reachable(self, timeout_s: float) -> bool:
        """Blocking metadata round trip; run it in a thread."""
        if self._fatal is not None:
            return False
        try:
            self._producer.list_topics(timeout=timeout_s)
        except KafkaException:
            return False
        return True
