"""Creates the catalog's topics (and their dead-letter topics) and publishes
every schema to `_schemas`. Both are safe to run again."""

from __future__ import annotations

import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from infra.topics import (
    CATALOG,
    CHANGELOG_CONFIG,
    FOREVER,
    SCHEMAS,
    STAGE_CHANGELOGS,
    TopicSpec,
)
from schemas.codec import schema_json
from schemas.registry import registry


def _new_topics(spec: TopicSpec, partitions: int, replicas: int) -> list[NewTopic]:
    config = {"retention.ms": str(spec.retention_ms)}
    if spec.compacted:
        config = {"cleanup.policy": "compact"}
    if spec in STAGE_CHANGELOGS:
        config = dict(CHANGELOG_CONFIG)
    count = spec.partitions or partitions
    topics = [NewTopic(spec.name, count, replicas, config=config)]
    if spec.has_dlq:
        topics.append(NewTopic(spec.dlq, count, replicas, config={"retention.ms": str(FOREVER)}))
    return topics


def create_topics(bootstrap: str, partitions: int, replicas: int) -> list[str]:
    """Create what is missing; returns the names created now."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    existing = set(admin.list_topics(timeout=30).topics)
    specs = (*CATALOG, *STAGE_CHANGELOGS)
    wanted = [t for spec in specs for t in _new_topics(spec, partitions, replicas)]
    missing = [t for t in wanted if t.topic not in existing]
    if not missing:
        return []
    created = []
    for name, future in admin.create_topics(missing, operation_timeout=30).items():
        try:
            future.result()
            created.append(name)
        except KafkaException as exc:
            if exc.args[0].name() != "TOPIC_ALREADY_EXISTS":
                raise
    return created


def wait_for_group_coordinator(bootstrap: str, timeout: float = 60.0) -> None:
    """Block until consumer groups work: a fresh broker answers metadata before
    its group coordinator has loaded, and consumers that start in that window
    fail with NOT_COORDINATOR."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "onelog-readiness-probe"})
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                consumer.committed([TopicPartition(SCHEMAS.name, 0)], timeout=5)
                return
            except KafkaException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        consumer.close()


def publish_schemas(bootstrap: str) -> int:
    """Every known schema, keyed by fingerprint, on the compacted `_schemas` topic."""
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True})
    schemas = registry().schemas()
    for fp, schema in schemas:
        producer.produce("_schemas", key=fp.hex().encode(), value=schema_json(schema).encode())
    remaining = producer.flush(30)
    if remaining:
        raise RuntimeError(f"{remaining} schemas not acknowledged by Kafka")
    return len(schemas)
