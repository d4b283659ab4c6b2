"""The deploy read model in a real Redis: one state whatever order the
projector reads the topics in, read back through DeployReadModel, and each
fact announced with the counter the same script moved. Real Redis, one
namespace per reading.

The projector reads each partition in order, but the partitions of
deploy.commands, .builds, .host-steps, .instructions and .facts in no
promised order relative to each other.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import redis
import redis.asyncio as aioredis

from projections.deploy.read import DeployReadModel, live_channel
from projections.deploy.redis import redis_writes
from projections.redis_sink import RedisSink, canonical_dump, delete_namespace
from schemas.envelope import Record
from tests.unit.projections.deploy.records import (
    BUILDS,
    COMMANDS,
    FACTS,
    INSTRUCTIONS,
    SERVICE,
    STEPS,
    Story,
    did,
    rid,
    story,
)

pytestmark = pytest.mark.integration

TOPICS = [FACTS, STEPS, BUILDS, COMMANDS, INSTRUCTIONS]
Log = dict[str, list[Record]]
Reading = Callable[[list[str]], str]


def story_log(s: Story) -> Log:
    log: Log = {}
    for topic, _, record in s.steps:
        log.setdefault(topic, []).append(record)
    return log


def project(client: redis.Redis, namespace: str, log: Log, reading: Reading) -> None:
    sink = RedisSink(client, namespace)
    applied = dict.fromkeys(log, 0)
    while left := [t for t in sorted(log) if applied[t] < len(log[t])]:
        topic = reading(left)
        offset = applied[topic]
        sink.apply(topic, 0, [(offset, redis_writes(log[topic][offset]))])
        applied[topic] += 1


def dump_of(client: redis.Redis, log: Log, reading: Reading) -> dict[str, str]:
    namespace = "t_" + uuid.uuid4().hex[:12]
    try:
        project(client, namespace, log, reading)
        return canonical_dump(client, namespace)
    finally:
        delete_namespace(client, namespace)


def at_random(seed: int) -> Reading:
    rng = random.Random(seed)
    return lambda left: rng.choice(left)


def topics_in_order(topics: list[str]) -> Reading:
    return lambda left: min(left, key=topics.index)


def with_a_duplicate_fact(s: Story) -> Log:
    """The story with d2's HostFailed written a second time, later in the log."""
    log = story_log(s)
    failed = [r for r in log[FACTS] if type(r).__name__ == "HostFailed"]
    log[FACTS].insert(len(log[FACTS]) - 2, failed[0])
    return log


def test_every_reading_of_the_topics_projects_to_one_state(redis_client: redis.Redis) -> None:
    log = story_log(story())
    first = dump_of(redis_client, log, topics_in_order(TOPICS))
    readings = [topics_in_order(TOPICS[::-1]), *(at_random(seed) for seed in range(6))]
    for reading in readings:
        assert dump_of(redis_client, log, reading) == first
    # and a fact the processor wrote twice changes nothing
    assert dump_of(redis_client, with_a_duplicate_fact(story()), at_random(7)) == first


def _url(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs.get('db', 0)}"


async def _read(url: str, namespace: str) -> dict[str, Any]:
    client = aioredis.Redis.from_url(url)
    try:
        model = DeployReadModel(client, namespace)
        return {
            "d2": await model.deployment(did(2)),
            "d2_service": await model.deployment_service(did(2)),
            "missing": await model.deployment("nope"),
            "events_after_3": await model.events(did(2), after_seq=3),
            "history": await model.deployments(SERVICE),
            "service": await model.service(SERVICE),
            "releases": await model.releases(SERVICE),
            "r3": await model.release(rid(3)),
        }
    finally:
        await client.aclose()


def test_the_read_model_answers_what_the_gateway_asks(
    redis_client: redis.Redis, namespace: str
) -> None:
    project(redis_client, namespace, story_log(story()), at_random(3))
    seen = asyncio.run(_read(_url(redis_client), namespace))
    d2 = seen["d2"]
    assert (d2["status"], d2["previous_version"], d2["seq"]) == ("rolled_back", "v1", 7)
    assert d2["hosts"][0]["last_step"]["step"] == "rolled_back"
    assert seen["d2_service"] == SERVICE and seen["missing"] is None
    assert [e["seq"] for e in seen["events_after_3"]] == list(range(4, 8))
    assert [e["type"] for e in seen["events_after_3"]][-1] == "DeploymentRolledBack"
    assert [(d["deployment_id"], d["status"]) for d in seen["history"]] == [
        (did(3), "dequeued"),
        (did(2), "rolled_back"),
        (did(1), "succeeded"),
    ]
    service = seen["service"]
    assert (service["current_version"], service["active_deployment_id"]) == ("v1", "")
    assert [h["host_id"] for h in service["hosts"]] == ["h1", "h2", "h3"]
    assert [r["release_id"] for r in seen["releases"]] == [rid(3), rid(2), rid(1)]
    assert (seen["r3"]["status"], seen["r3"]["commit"]) == ("build_failed", "c3")


def test_each_fact_is_announced_with_its_deployments_and_services_seq(
    redis_client: redis.Redis, namespace: str
) -> None:
    pubsub = redis_client.pubsub()  # type: ignore[no-untyped-call]
    pubsub.subscribe(live_channel(namespace, deployment_id=did(2)))
    pubsub.subscribe(live_channel(namespace, service=SERVICE))
    deadline = time.monotonic() + 5
    while pubsub.get_message(timeout=0.1) is not None and time.monotonic() < deadline:
        pass  # the subscribe confirmations
    project(redis_client, namespace, story_log(story()), topics_in_order(TOPICS))
    messages: dict[str, list[dict[str, Any]]] = {}
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.2)
        if message is None:
            break
        if message["type"] == "message":
            channel = message["channel"].decode()
            messages.setdefault(channel, []).append(json.loads(message["data"]))
    pubsub.close()
    deployment = messages[live_channel(namespace, deployment_id=did(2))]
    assert [m["seq"] for m in deployment] == list(range(1, 8))
    assert deployment[0]["type"] == "DeploymentStarted"
    service = messages[live_channel(namespace, service=SERVICE)]
    assert [m["seq"] for m in service] == list(range(1, len(service) + 1))
    assert {m["deployment_id"] for m in service} == {"", did(1), did(2), did(3)}
