"""The judge as its end-to-end tests drive it: a client over the public HTTP
API whose key both publishes problems and acts as one learner."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from gateway.auth import create_api_key
from gateway.judge.principal import LEARNER
from tests.e2e.conftest import Platform


@contextmanager
def judge_client(platform: Platform, learner: str, key_name: str) -> Iterator[httpx.Client]:
    """A client with judge:read, write and admin, acting as `learner`; its key
    is new (`key_name` and a random suffix) and never rate-limits the test."""
    key = create_api_key(
        platform.settings.api_keys_file,
        f"{key_name}-{uuid.uuid4().hex[:8]}",
        ["judge:read", "judge:write", "judge:admin"],
        principals={LEARNER.kind: learner},
        rate_per_minute=6_000_000,
        burst=100_000,
    )
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=platform.url, headers=headers, timeout=10) as client:
        yield client
