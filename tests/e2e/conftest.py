"""The whole platform for end-to-end tests: infrastructure, a Faust worker,
the projector and the gateway, as real processes with their own logs."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from gateway.auth import create_api_key
from infra import processes
from infra.settings import REPO_ROOT, Settings
from onelog import platform
from onelog.platform import settings_env


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


def eventually(check: Callable[[], Any], timeout: float = 60.0, what: str = "") -> Any:
    """`check()`'s first truthy value, polled until `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.25)
    raise AssertionError(f"not seen within {timeout:.0f}s: {what} (last: {last!r})")


def onelog(running: Platform, *args: str) -> subprocess.CompletedProcess[str]:
    """`onelog --json <args>` against the platform's settings, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "onelog.cli", "--json", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **settings_env(running.settings)},
        capture_output=True,
        text=True,
        timeout=300,
    )


# The feed's rules for the whole platform under test: its processes, and the
# `onelog verify` and `audit` the tests run (a rebuild must trim timelines at the
# projector's cap). K is small enough that a celebrity costs a few thousand
# follows, yet an author with 2,000 followers is still pushed (the kill -9 of
# the fan-out); the cap is small enough for a reader to scroll past it.
FEED_RULES = {"ONELOG_FEED_PUSH_LIMIT": "2000", "ONELOG_FEED_TIMELINE_CAP": "20"}


@pytest.fixture(scope="session")
def running_platform(infrastructure: Settings) -> Iterator[Platform]:
    settings = dataclasses.replace(infrastructure, process_env=FEED_RULES)
    # The exchange's tests trade between several accounts: an operator's key.
    key = create_api_key(
        settings.api_keys_file,
        f"e2e-{uuid.uuid4().hex[:8]}",
        ["exchange:read", "exchange:write", "exchange:admin", "exchange:operator"],
        rate_per_minute=6_000_000,
        burst=100_000,
    )
    started = []
    services: tuple[tuple[str, Callable[[], object]], ...] = (
        (platform.worker_name(1), lambda: platform.start_worker(settings, 1)),
        (platform.PROJECTOR, lambda: platform.start_projector(settings)),
        (platform.GATEWAY, lambda: platform.start_gateway(settings)),
    )
    for name, start in services:
        if processes.running_pid(settings.state_dir, name) is None:
            started.append(name)
        start()
    running_before = running_domain_services(settings)
    yield Platform(settings, key)
    stop_domain_services_but(settings, running_before)
    for name in reversed(started):
        processes.stop(settings.state_dir, name)


def running_domain_services(settings: Settings) -> set[str]:
    return {
        s.name
        for s in platform.domain_services(settings)
        if processes.running_pid(settings.state_dir, s.name)
    }


def stop_domain_services_but(settings: Settings, keep: set[str]) -> None:
    for service in reversed(platform.domain_services(settings)):
        if service.name not in keep:
            processes.stop(settings.state_dir, service.name)
            if service.after_stop is not None:
                service.after_stop()


@pytest.fixture
def domain_services_stopped_after(running_platform: Platform) -> Iterator[None]:
    """For a test that runs `onelog up`, which starts the domains' own
    processes (the deploy origin, agents, clock): they stop when the test
    ends, so later tests on the suite's ports (a region agent's own origin,
    an orchestrator fed by test-written reports) do not meet them."""
    before = running_domain_services(running_platform.settings)
    yield
    stop_domain_services_but(running_platform.settings, before)
