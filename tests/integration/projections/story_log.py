"""A domain's story on the real log, for the projection tests that project
it live and replay it: topics of the test's own (several partitions), the
story's records sealed as a producer seals them, the live projector run to
the end, and replay + verify into a fresh namespace."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import Settings
from projections.replay import replay, verify
from projections.runner import ProjectorOptions, run_projector
from schemas.envelope import Record
from schemas.registry import registry
from streams.sealing import build_record, new_event_id, now_micros

Step = tuple[str, str, Record]
"""(logical topic, key, record) of a story."""


@contextmanager
def story_topics(
    settings: Settings, namespace: str, logical_names: Sequence[str], partitions: int = 3
) -> Iterator[dict[str, str]]:
    """Topics `<namespace>.<logical>` by logical name, deleted (with their dead letters) after."""
    names = {logical: f"{namespace}.{logical}" for logical in logical_names}
    admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap})
    for future in admin.create_topics(
        [NewTopic(n, partitions, 1) for n in names.values()]
    ).values():
        future.result()
    yield names
    doomed = [*names.values(), *(f"{n}.dlq" for n in names.values())]
    existing = set(admin.list_topics(timeout=10).topics)
    if doomed := [t for t in doomed if t in existing]:
        for future in admin.delete_topics(doomed).values():
            future.result()


def produce_story(settings: Settings, topics: dict[str, str], steps: Sequence[Step]) -> int:
    """The steps sealed with rising recorded_at (one producer's clock) and written; how many."""
    producer = Producer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "acks": "all",
            "partitioner": LIBRDKAFKA_PARTITIONER,
        }
    )
    start = now_micros()
    for n, (logical, key, record) in enumerate(steps):
        recorded_at = start + n
        sealed = build_record(
            type(record),
            record.model_dump(exclude={"envelope"}),
            event_id=new_event_id(recorded_at),
            key=key,
            producer="test",
            correlation_id=None,
            occurred_at=None,
            recorded_at=recorded_at,
        )
        producer.produce(topics[logical], key=key.encode(), value=registry().encode(sealed))
    assert producer.flush(30) == 0
    return len(steps)


def project_to_end(
    settings: Settings, namespace: str, topics: dict[str, str], produced: int
) -> None:
    """The live projector over the topics until their end: every record applied, none dead."""
    options = ProjectorOptions(namespace=namespace, topics=tuple(topics.values()), exit_at_end=True)
    stats = run_projector(settings, options)
    assert (stats.records, stats.dead_letters) == (produced, 0)


def replay_and_verify(
    settings: Settings, namespace: str, topics: dict[str, str], produced: int
) -> str:
    """Replay into `<namespace>_re`, verify it equal to `namespace`; the rebuilt namespace."""
    rebuilt = namespace + "_re"
    result = replay(rebuilt, None, settings=settings, topics=tuple(topics.values()), workers=2)
    assert (result.records, result.dead_letters) == (produced, 0)
    assert verify(namespace, rebuilt, settings=settings) == []
    return rebuilt
