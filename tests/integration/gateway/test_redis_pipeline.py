"""The shared, pipelined Redis connection of the gateway's scripts, against a
real redis-server: replies reach their own callers, an unknown script is
loaded, and a Redis that stops answering fails every waiting call within the
bound, after which a new connection serves again."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import time
import uuid

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from gateway.redis_pipeline import RedisPipeline, Script
from infra.settings import Settings
from tests.integration.gateway.test_bounded_waits import OwnRedis, own_redis

pytestmark = pytest.mark.integration

__all__ = ["own_redis"]  # a fixture, imported for this module's tests

ECHO = Script("return {KEYS[1], ARGV[1]}")


async def test_concurrent_calls_each_get_their_own_reply(infrastructure: Settings) -> None:
    redis = RedisPipeline(infrastructure.redis_url, timeout_s=2.0, connect_timeout_s=2.0)
    try:
        replies = await asyncio.gather(*(redis.run(ECHO, [f"key-{n}"], [n]) for n in range(500)))
    finally:
        await redis.aclose()
    assert replies == [[f"key-{n}".encode(), str(n).encode()] for n in range(500)]


async def test_a_script_redis_does_not_know_yet_is_loaded(infrastructure: Settings) -> None:
    # A source never seen before: EVALSHA answers NOSCRIPT, EVAL runs it.
    fresh = Script(f"-- {uuid.uuid4()}\nreturn ARGV[1] + 1")
    redis = RedisPipeline(infrastructure.redis_url, timeout_s=2.0, connect_timeout_s=2.0)
    try:
        assert await redis.run(fresh, [], [41]) == 42
        with pytest.raises(ResponseError):
            await redis.run(Script("return redis.call('NO-SUCH-COMMAND')"), [], [])
        assert await redis.run(fresh, [], [1]) == 2  # the connection still serves
    finally:
        await redis.aclose()


async def test_a_redis_that_stops_answering_fails_the_waiting_calls_in_time(
    own_redis: OwnRedis,
) -> None:
    redis = RedisPipeline(own_redis.settings.redis_url, timeout_s=0.5, connect_timeout_s=1.0)
    try:
        assert await redis.run(ECHO, ["k"], [1]) == [b"k", b"1"]
        own_redis.stall()
        started = time.monotonic()
        outcomes = await asyncio.wait_for(
            asyncio.gather(
                *(redis.run(ECHO, ["k"], [n]) for n in range(5)), return_exceptions=True
            ),
            5,
        )
        elapsed = time.monotonic() - started
        assert all(isinstance(o, RedisTimeoutError) for o in outcomes), outcomes
        assert elapsed < 1.5, elapsed
        os.kill(own_redis.pid, signal.SIGCONT)
        assert await redis.run(ECHO, ["k"], [2]) == [b"k", b"2"]
    finally:
        await redis.aclose()


async def test_calls_that_find_redis_unreachable_share_one_bounded_attempt() -> None:
    """A Redis whose port takes no more connections (its accept queue is full):
    every call waiting for a connection fails when the one attempt does,
    not one connect timeout after another."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = server.getsockname()[1]
        fillers = []
        for _ in range(4):  # fill the accept queue; later handshakes go unanswered
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        await asyncio.sleep(0.2)
        redis = RedisPipeline(f"redis://127.0.0.1:{port}/0", timeout_s=0.5, connect_timeout_s=0.5)
        try:
            started = time.monotonic()
            calls = (redis.run(ECHO, ["k"], [n]) for n in range(20))
            outcomes = await asyncio.gather(*calls, return_exceptions=True)
            elapsed = time.monotonic() - started
        finally:
            await redis.aclose()
            for filler in fillers:
                filler.close()
    assert all(isinstance(o, RedisConnectionError) for o in outcomes), outcomes
    assert elapsed < 2, elapsed
