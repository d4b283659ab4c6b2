"""Dead letters: a record the projector cannot decode or apply goes, with its
original key and bytes, to `<topic>.dlq`; headers say why and where from.
Nothing is dropped silently, and the projector moves on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from projections.batch import DeadLetter


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"


def dead_letter_headers(letter: DeadLetter) -> list[tuple[str, str | bytes | None]]:
    message = letter.message
    return [
        ("dlq.reason", letter.reason.encode()[:8000]),
        ("dlq.stage", letter.stage.encode()),
        ("dlq.topic", message.topic.encode()),
        ("dlq.partition", str(message.partition).encode()),
        ("dlq.offset", str(message.offset).encode()),
        ("dlq.timestamp", str(message.timestamp_ms).encode()),
    ]


class DeadLetterQueue:
    """Sends dead letters; `flush` before committing past them."""

    def __init__(self, bootstrap: str, client_id: str) -> None:
        self._producer = Producer(
            {
                "bootstrap.servers": bootstrap,
                "client.id": client_id,
                "acks": "all",
                "enable.idempotence": True,
                "linger.ms": 20,
            }
        )
        self._errors: list[str] = []
        self.sent = 0

    def send(self, letters: Sequence[DeadLetter]) -> None:
        for letter in letters:
            self._producer.produce(
                dlq_topic(letter.message.topic),
                key=letter.message.key,
                value=letter.message.value,
                headers=dead_letter_headers(letter),
                on_delivery=self._delivered,
            )
            self._producer.poll(0)

    def _delivered(self, error: KafkaError | None, _message: object) -> None:
        if error is not None:
            self._errors.append(str(error))
        else:
            self.sent += 1

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until every dead letter is acknowledged; raise if one was not."""
        remaining = self._producer.flush(timeout)
        if remaining or self._errors:
            errors, self._errors = self._errors, []
            raise KafkaException(f"dead letters not delivered ({remaining} pending): {errors}")

    def close(self) -> None:
        self._producer.flush(10)


def ensure_dlq_topics(bootstrap: str, topics: Iterable[str]) -> None:
    """Create `<topic>.dlq` next to each topic (same partition count) if missing."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    metadata = admin.list_topics(timeout=10)
    brokers = max(1, len(metadata.brokers))
    wanted = []
    for topic in topics:
        source = metadata.topics.get(topic)
        if source is None or source.error is not None or dlq_topic(topic) in metadata.topics:
            continue
        partitions = max(1, len(source.partitions))
        # Dead letters are evidence: keep them as long as the log itself.
        config = {"retention.ms": "-1"}
        wanted.append(NewTopic(dlq_topic(topic), partitions, min(3, brokers), config=config))
    if not wanted:
        return
    for future in admin.create_topics(wanted).values():
        try:
            future.result()
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise
