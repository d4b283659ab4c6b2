"""The whole platform for end-to-end tests: infrastructure, a Faust worker,
the projector and the gateway, as real processes with their own logs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from gateway.auth import create_api_key
from infra import platform, processes
from infra.settings import Settings


@dataclass(frozen=True)
class Platform:
    settings: Settings
    api_key: str

    @property
    def url(self) -> str:
        return self.settings.gateway_url

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


@pytest.fixture(scope="session")
def running_platform(infrastructure: Settings) -> Iterator[Platform]:
    settings = infrastructure
    key = create_api_key(
        settings.api_keys_file,
        f"e2e-{uuid.uuid4().hex[:8]}",
        ["exchange:read", "exchange:write", "exchange:admin"],
        rate_per_minute=6_000_000,
        burst=100_000,
    )
    started = []
    for name, start in (
        (platform.worker_name(1), lambda: platform.start_worker(settings, 1)),
        (platform.PROJECTOR, lambda: platform.start_projector(settings)),
        (platform.GATEWAY, lambda: platform.start_gateway(settings)),
    ):
        if processes.running_pid(settings.state_dir, name) is None:
            started.append(name)
        start()
    yield Platform(settings, key)
    for name in reversed(started):
        processes.stop(settings.state_dir, name)
