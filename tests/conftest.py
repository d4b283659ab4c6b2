"""Services for the integration and end-to-end suites, started as real processes.

The first test that needs Kafka and Redis starts them (unless they already
run on the configured ports, as after `onelog up`), and the session stops
what it started. Unit tests never touch this.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra import kafka_broker, redis_server
from infra.settings import Settings, load_settings
from onelog import platform


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def infrastructure(settings: Settings) -> Iterator[Settings]:
    """Kafka (KRaft), Redis, every topic and the `_schemas` topic."""
    # Stop afterwards only what this session started: a service already
    # running from this state folder (`onelog up`) stays up; one answering
    # the port from elsewhere has no pid file here, so stop() passes it by.
    kafka_was_running = kafka_broker.is_running(settings)
    redis_was_running = redis_server.is_running(settings)
    platform.start_infrastructure(settings)
    yield settings
    if not redis_was_running:
        redis_server.stop(settings)
    if not kafka_was_running:
        kafka_broker.stop(settings)
