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

from infra.settings import Settings
from projections.clickhouse import open_clickhouse
from projections.deploy.dora import dora_sql
from projections.deploy.read import DeployReadModel
from tests.integration.projections.story_log import (
    produce_story,
    project_to_end,
    replay_and_verify,
    story_topics,
)
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
    with story_topics(
        projection_settings, namespace, (COMMANDS, BUILDS, STEPS, INSTRUCTIONS, FACTS)
    ) as names:
        yield names


def test_a_deployment_projects_live_and_replays_equal(
    projection_settings: Settings,
    redis_client: redis.Redis,
    namespace: str,
    log_topics: dict[str, str],
) -> None:
    settings = projection_settings
    produced = produce_story(settings, log_topics, story().steps)
    project_to_end(settings, namespace, log_topics, produced)

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

    replay_and_verify(settings, namespace, log_topics, produced)
