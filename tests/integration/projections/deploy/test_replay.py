"""The deploy projection against the real log: the story's records, sealed as
a producer seals them, on this test's own topics (several partitions),
projected live by the projector into Redis and chDB, read back through
DeployReadModel and the DORA query, then replayed into a fresh namespace:
verify finds the two equal."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import redis
import redis.asyncio as aioredis
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import Settings
from projections.clickhouse import open_clickhouse
from projections.deploy.dora import dora_sql
from projections.deploy.read import DeployReadModel
from projections.replay import replay, verify
from projections.runner import ProjectorOptions, run_projector
from schemas.registry import registry
from streams.sealing import build_record, new_event_id, now_micros
from tests.unit.projections.deploy.records import (
    BUILDS,
    COMMANDS,
    FACTS,
    INSTRUCTIONS,
    SERVICE,
    STEPS,
    did,
    story,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def log_topics(projection_settings: Settings, namespace: str) -> Iterator[dict[str, str]]:
    logical_names = (COMMANDS, BUILDS, STEPS, INSTRUCTIONS, FACTS)
    names = {logical: f"{namespace}.{logical}" for logical in logical_names}
    admin = AdminClient({"bootstrap.servers": projection_settings.kafka_bootstrap})
    for future in admin.create_topics([NewTopic(n, 3, 1) for n in names.values()]).values():
        future.result()
    yield names
    doomed = [*names.values(), *(f"{n}.dlq" for n in names.values())]
    existing = set(admin.list_topics(timeout=10).topics)
    if doomed := [t for t in doomed if t in existing]:
        for future in admin.delete_topics(doomed).values():
            future.result()


def _produce(settings: Settings, topics: dict[str, str]) -> int:
    producer = Producer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "acks": "all",
            "partitioner": LIBRDKAFKA_PARTITIONER,
        }
    )
    steps = story().steps
    start = now_micros()
    for n, (logical, key, record) in enumerate(steps):
        recorded_at = start + n  # rising, as one producer's clock would
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


def test_a_deployment_projects_live_and_replays_equal(
    projection_settings: Settings,
    redis_client: redis.Redis,
    namespace: str,
    log_topics: dict[str, str],
) -> None:
    settings = projection_settings
    produced = _produce(settings, log_topics)
    options = ProjectorOptions(namespace=namespace, topics=tuple(log_topics.values()),
                               exit_at_end=True)  # fmt: skip
    stats = run_projector(settings, options)
    assert (stats.records, stats.dead_letters) == (produced, 0)

    async def read() -> tuple[dict[str, object] | None, dict[str, object] | None]:
        client = aioredis.Redis.from_url(settings.redis_url)
        try:
            model = DeployReadModel(client, namespace)
            return await model.deployment(did(1)), await model.service(SERVICE)
        finally:
            await client.aclose()

    d1, service = asyncio.run(read())
    assert d1 is not None and service is not None
    assert (d1["status"], d1["version"]) == ("succeeded", "v1")
    assert service["current_version"] == "v1"

    ch = open_clickhouse(settings, namespace)
    try:
        (week,) = ch.query_read_only(dora_sql(SERVICE))
    finally:
        ch.close()
    assert (week["deployments"], week["change_failure_rate"]) == (1, 0.5)

    rebuilt = namespace + "_re"
    result = replay(rebuilt, None, settings=settings, topics=tuple(log_topics.values()), workers=2)
    assert (result.records, result.dead_letters) == (produced, 0)
    assert verify(namespace, rebuilt, settings=settings) == []
