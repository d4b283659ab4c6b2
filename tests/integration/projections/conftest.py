"""Real Redis, real Kafka, chDB in a temp dir: one namespace (and one set of
topics) per test, so tests never see each other's data.

The services are the suite's (tests/conftest.py starts them when needed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import redis

from infra.settings import Settings
from projections.redis_sink import delete_namespace


@pytest.fixture
def namespace() -> str:
    return "t_" + uuid.uuid4().hex[:12]


@pytest.fixture
def redis_client(infrastructure: Settings, namespace: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(infrastructure.redis_url)
    yield client
    for ns in (namespace, namespace + "_re"):
        delete_namespace(client, ns)
    client.close()


@pytest.fixture
def projection_settings(infrastructure: Settings, namespace: str, tmp_path: Path) -> Settings:
    """Live namespace = the test's; chDB under tmp; analytics on a port nobody serves."""
    return replace(
        infrastructure,
        namespace=namespace,
        chdb_path=tmp_path / "chdb",
        clickhouse_url=None,
        analytics_url="http://127.0.0.1:9",
    )
