"""A gateway app per test, against the real Kafka and Redis, driven in-process.

httpx's ASGITransport does not run the lifespan, so `running_gateway` runs it
and hands each request the lifespan state, as uvicorn does. Every test gets
its own Redis namespace and key file, so tests do not share rate limits,
idempotency keys or API keys.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from confluent_kafka import Consumer, TopicPartition
from starlette.types import Receive, Scope, Send

from gateway.app import create_app
from gateway.auth import create_api_key
from gateway.config import GatewayConfig
from gateway.exchange.principal import ACCOUNT
from gateway.judge.principal import LEARNER
from infra.settings import REPO_ROOT, Settings
from onelog.platform import settings_env
from schemas.envelope import Record
from schemas.registry import registry
from tests.support.ports import free_port

# Most tests act for many made-up accounts, hence the operator scope; tests of
# one principal ask for its key with `accounts=` or `learner=`.
ALL_SCOPES = ("exchange:read", "exchange:write", "exchange:admin", "exchange:operator")


@dataclass
class Gateway:
    client: httpx.AsyncClient
    settings: Settings
    keys_file: Path

    def key(
        self,
        scopes: tuple[str, ...] = ALL_SCOPES,
        *,
        accounts: tuple[str, ...] = (),
        learner: str | None = None,
        **limits: int,
    ) -> dict[str, str]:
        """A new API key with these scopes, acting for these accounts or this
        learner, as request headers."""
        key_id = "t-" + uuid.uuid4().hex[:12]
        principals = {ACCOUNT.kind: accounts, LEARNER.kind: learner}
        secret = create_api_key(self.keys_file, key_id, scopes, principals=principals, **limits)
        return {"Authorization": f"Bearer {secret}"}


@contextlib.asynccontextmanager
async def running_gateway(
    settings: Settings, config: GatewayConfig | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, config)
    async with app.router.lifespan_context(app) as state:

        async def with_state(scope: Scope, receive: Receive, send: Send) -> None:
            scope["state"] = dict(state or {})
            await app(scope, receive, send)

        transport = httpx.ASGITransport(app=with_state)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client


@pytest.fixture
def gateway_settings(infrastructure: Settings, tmp_path: Path) -> Settings:
    return replace(
        infrastructure,
        namespace="test-" + uuid.uuid4().hex[:12],
        api_keys_file=tmp_path / "api-keys.json",
    )


@pytest.fixture
async def gateway(gateway_settings: Settings) -> AsyncIterator[Gateway]:
    async with running_gateway(gateway_settings) as client:
        yield Gateway(client, gateway_settings, gateway_settings.api_keys_file)


def unique(prefix: str = "acct") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def unique_symbol() -> str:
    return "T" + uuid.uuid4().hex[:10].upper()


def read_record(
    settings: Settings, topic: str, partition: int, offset: int
) -> tuple[bytes, Record]:
    """The record at exactly this position, decoded."""
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "group.id": "gateway-test-" + uuid.uuid4().hex,
            "enable.auto.commit": False,
        }
    )
    try:
        consumer.assign([TopicPartition(topic, partition, offset)])
        message = consumer.poll(10)
        assert message is not None and message.error() is None, "no record at that offset"
        assert message.offset() == offset
        key, value = message.key(), message.value()
        assert key is not None and value is not None
        return key, registry().decode(value)
    finally:
        consumer.close()


def records_after(
    settings: Settings, topic: str, partition: int, offset: int, match: Callable[[Record], bool]
) -> list[Record]:
    """Every record on the partition after `offset`, up to its current end, that matches."""
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "group.id": "gateway-test-" + uuid.uuid4().hex,
            "enable.auto.commit": False,
        }
    )
    found: list[Record] = []
    try:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
        if high <= offset + 1:
            return found
        consumer.assign([TopicPartition(topic, partition, offset + 1)])
        position = offset + 1
        while position < high:
            message = consumer.poll(10)
            assert message is not None, "partition ended early"
            if message.error() is not None:
                continue
            position = (message.offset() or 0) + 1
            record = registry().decode(message.value() or b"")
            if match(record):
                found.append(record)
        return found
    finally:
        consumer.close()


def problem(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body = response.json()
    assert body["status"] == response.status_code
    return dict(body)


async def sse_events(lines: AsyncIterator[str]) -> AsyncIterator[dict[str, str]]:
    """The events of a server-sent event stream, from its lines, comments skipped."""
    event: dict[str, str] = {}
    async for line in lines:
        if line == "":
            if event:
                yield event
            event = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(": ")
            event[name] = value


@pytest.fixture
def dead_kafka(gateway_settings: Settings) -> Settings:
    return replace(gateway_settings, kafka_bootstrap=f"127.0.0.1:{free_port()}")


@pytest.fixture
def uvicorn_gateway(gateway_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`uvicorn gateway.app:create_app --factory` as its own process."""
    port = free_port()
    secret = create_api_key(gateway_settings.api_keys_file, "uv-" + unique(), ALL_SCOPES)
    env = {**os.environ, **settings_env(gateway_settings)}
    log = (tmp_path / "uvicorn.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "gateway.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port)],
        env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url, secret
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()
