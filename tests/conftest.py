"""Services for the integration and end-to-end suites, started as real processes.

The first test that needs Kafka and Redis starts them (unless they already
run on the configured ports, as after `onelog up`), and the session stops
what it started. Unit tests never touch this.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra import kafka_broker, platform, processes, redis_server
from infra.settings import Settings, load_settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def infrastructure(settings: Settings) -> Iterator[Settings]:
    """Kafka (KRaft), Redis, every topic and the `_schemas` topic."""
    started = []
    host, port = settings.kafka_bootstrap.split(",")[0].rsplit(":", 1)
    if not processes.port_open(host, int(port)):
        started.append("kafka")
    redis_port = int(settings.redis_url.rsplit(":", 1)[1].split("/")[0])
    if not processes.port_open("127.0.0.1", redis_port):
        started.append("redis")
    platform.start_infrastructure(settings)
    yield settings
    if "redis" in started:
        redis_server.stop(settings)
    if "kafka" in started:
        kafka_broker.stop(settings)
