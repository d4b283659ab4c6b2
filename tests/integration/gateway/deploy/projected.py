"""Deploy records applied to a test's Redis namespace through the projector's
own sink and writes (projections/deploy/redis.py), as the projector applies
what it reads from the five deploy topics."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest
import redis

from infra.settings import Settings
from projections.deploy.redis import redis_writes
from projections.redis_sink import RedisSink
from schemas.envelope import Record
from tests.unit.projections.numbered_records import Step


class DeployProjected:
    def __init__(self, settings: Settings) -> None:
        self.client = redis.Redis.from_url(settings.redis_url)
        self.namespace = settings.namespace
        self.sink = RedisSink(self.client, settings.namespace)
        self.offsets: dict[str, int] = {}

    def apply(self, topic: str, *records: Record) -> None:
        for record in records:
            offset = self.offsets.get(topic, 0)
            self.sink.apply(topic, 0, [(offset, redis_writes(record))])
            self.offsets[topic] = offset + 1

    def apply_steps(self, steps: Iterable[Step]) -> None:
        for topic, _, record in steps:
            self.apply(topic, record)


@pytest.fixture
def deploy_projected(gateway_settings: Settings) -> Iterator[DeployProjected]:
    projected = DeployProjected(gateway_settings)
    yield projected
    projected.client.close()
