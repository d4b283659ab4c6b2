"""The judge's projection against the real log: the story's records on this
test's own topics (several partitions, so a rebuild splits them across
workers), projected live, then replayed into a fresh namespace: verify finds
the two equal, learners' progress included."""

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
from projections.judge import keys
from projections.judge.read import JudgeReadModel
from projections.redis_sink import canonical_dump
from projections.replay import replay, verify
from projections.runner import ProjectorOptions, run_projector
from schemas.registry import registry
from tests.unit.projections.judge.records import COMMANDS, EVENTS, PROBLEMS, sid, story

pytestmark = pytest.mark.integration


@pytest.fixture
def log_topics(projection_settings: Settings, namespace: str) -> Iterator[dict[str, str]]:
    names = {logical: f"{namespace}.{logical}" for logical in (PROBLEMS, COMMANDS, EVENTS)}
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
    session = story()
    # More learners, so their records spread over the partitions.
    for n, user in enumerate(("cy", "dee", "eve", "fay")):
        session.submit(sid(30 + n), user, "two-sum")
        session.judged(sid(30 + n), user, "two-sum", "accepted" if n % 2 else "wrong_answer")
        session.marked(user, "fizz-buzz", "completed")
    producer = Producer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "acks": "all",
            "partitioner": LIBRDKAFKA_PARTITIONER,
        }
    )
    for logical, key, record in session.steps:
        producer.produce(topics[logical], key=key.encode(), value=registry().encode(record))
    assert producer.flush(30) == 0
    return len(session.steps)


def test_the_judge_read_models_replay_equal(
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

    async def ada() -> list[dict[str, object]]:
        client = aioredis.Redis.from_url(settings.redis_url)
        try:
            return await JudgeReadModel(client, namespace).progress("ada")
        finally:
            await client.aclose()

    progress = {p["problem_id"]: p for p in asyncio.run(ada())}
    assert (progress["two-sum"]["status"], progress["two-sum"]["attempts"]) == ("completed", 3)
    assert progress["fizz-buzz"]["status"] == "in_progress"

    rebuilt = namespace + "_re"
    result = replay(rebuilt, None, settings=settings, topics=tuple(log_topics.values()), workers=3)
    assert (result.records, result.dead_letters) == (produced, 0)
    assert verify(namespace, rebuilt, settings=settings) == []
    live, again = canonical_dump(redis_client, namespace), canonical_dump(redis_client, rebuilt)
    for user in ("ada", "cy", "dee", "eve", "fay"):
        key = keys.progress(user, "fizz-buzz" if user != "ada" else "two-sum")
        assert key in live and again[key] == live[key]

    # A difference in a learner's progress is one verify reports.
    redis_client.hset(f"{rebuilt}:{keys.progress('ada', 'two-sum')}", "marked", "not_started")
    differences = verify(namespace, rebuilt, settings=settings)
    (difference,) = differences
    assert difference.startswith(f"redis {keys.progress('ada', 'two-sum')}: ")

    ch = open_clickhouse(settings, rebuilt)
    try:
        (row,) = ch.query("SELECT count() AS n FROM {db}.submissions_current")
    finally:
        ch.close()
    assert row == {"n": 9}
