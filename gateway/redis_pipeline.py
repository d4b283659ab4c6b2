"""The gateway's Lua scripts on one shared, pipelined Redis connection.

Every request runs one script before it produces (rate limit and
Idempotency-Key, gateway/admission.py). Through redis-py each call takes a
pooled connection and a stack of wrappers: about 55 µs of the gateway's CPU
per call, a fifth of a request. Here all requests share one connection:
the commands of one loop iteration go out in one write and Redis answers
in order, so a reply settles the oldest command waiting; a call costs about
9 µs.

Bounded: a reply must come within `timeout_s` of its command. Replies come in
order, so the oldest command waiting is the one that shows a stuck Redis: one
timer checks it, and a late reply fails every waiting command with
TimeoutError and drops the connection (a later call opens a new one). A lost
connection fails them with ConnectionError. Both are RedisError, which the
app answers as 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, cast

import hiredis
from redis.asyncio.connection import parse_url
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError


@dataclass(frozen=True)
class Script:
    source: str
    sha: bytes = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha", hashlib.sha1(self.source.encode()).hexdigest().encode())


def command(*args: bytes | str | int) -> bytes:
    """One command in RESP, the protocol Redis reads."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        raw = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(raw), raw))
    return b"".join(parts)


def _reply(value: Any) -> Any:
    if isinstance(value, hiredis.ReplyError):
        message = str(value)
        if message.startswith("NOSCRIPT"):
            return NoScriptError(message)
        return ResponseError(message)
    return value


class _Connection(asyncio.Protocol):
    """One connection's commands in flight, settled by its replies in order."""

    def __init__(self, lost: asyncio.Future[None]) -> None:
        self._loop = asyncio.get_running_loop()
        self._reader = hiredis.Reader()
        self._lost = lost
        self.transport: asyncio.Transport | None = None
        self.waiting: deque[tuple[float, asyncio.Future[Any]]] = deque()
        self._unsent: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        while (value := self._reader.gets()) is not False:
            _, waiter = self.waiting.popleft()
            if waiter.done():  # its request gave up (cancelled)
                continue
            reply = _reply(value)
            if isinstance(reply, Exception):
                waiter.set_exception(reply)
            else:
                waiter.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.fail(RedisConnectionError(f"Redis connection lost: {exc or 'closed'}"))
        if not self._lost.done():
            self._lost.set_result(None)

    def send(self, payload: bytes) -> asyncio.Future[Any]:
        waiter: asyncio.Future[Any] = self._loop.create_future()
        self.waiting.append((time.monotonic(), waiter))
        # What one loop iteration sends goes out in one write (one syscall).
        if not self._unsent:
            self._loop.call_soon(self._write)
        self._unsent.append(payload)
        return waiter

    def _write(self) -> None:
        unsent, self._unsent = self._unsent, []
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(b"".join(unsent))

    def fail(self, error: Exception) -> None:
        while self.waiting:
            _, waiter = self.waiting.popleft()
            if not waiter.done():
                waiter.set_exception(error)


class RedisPipeline:
    """Contract: `run(script, keys, args)` returns the script's reply (RESP2:
    bytes, integers, lists), raises ResponseError for a script error, and
    raises ConnectionError or TimeoutError (both RedisError) when Redis is
    unreachable or answers nothing within `timeout_s`. Use it from one event
    loop; `aclose` once."""

    def __init__(self, url: str, timeout_s: float, connect_timeout_s: float) -> None:
        self._options = parse_url(url)
        self._timeout_s = timeout_s
        self._connect_timeout_s = connect_timeout_s
        self._connection: _Connection | None = None
        self._connecting: asyncio.Future[_Connection] | None = None
        self._watchdog: asyncio.TimerHandle | None = None

    async def run(self, script: Script, keys: list[str], args: list[str | int]) -> Any:
        try:
            return await self._send(command(b"EVALSHA", script.sha, len(keys), *keys, *args))
        except NoScriptError:
            # A restarted or flushed Redis: EVAL loads the script as it runs it.
            return await self._send(command(b"EVAL", script.source, len(keys), *keys, *args))

    async def _send(self, payload: bytes) -> Any:
        connection = self._connection
        if connection is None:
            connection = await self._connect()
        waiter = connection.send(payload)
        if self._watchdog is None:
            self._watch()
        return await waiter

    def _watch(self) -> None:
        self._watchdog = asyncio.get_running_loop().call_later(self._timeout_s / 4, self._check)

    def _check(self) -> None:
        self._watchdog = None
        connection = self._connection
        if connection is None or not connection.waiting:
            return
        sent_at, _ = connection.waiting[0]
        if time.monotonic() - sent_at > self._timeout_s:
            connection.fail(RedisTimeoutError(f"no reply from Redis within {self._timeout_s:g} s"))
            self._drop(connection)
            return
        self._watch()

    def _drop(self, connection: _Connection) -> None:
        if self._connection is connection:
            self._connection = None
        if connection.transport is not None:
            connection.transport.abort()

    async def _connect(self) -> _Connection:
        # Calls that find no connection share one attempt, and its failure:
        # with Redis unreachable, a queue of attempts one after another would
        # make the last caller wait many connect timeouts.
        if self._connecting is None:
            self._connecting = asyncio.ensure_future(self._attempt())
            self._connecting.add_done_callback(self._attempt_done)
        return await asyncio.shield(self._connecting)

    def _attempt_done(self, attempt: asyncio.Future[_Connection]) -> None:
        self._connecting = None
        if not attempt.cancelled() and attempt.exception() is None:
            self._connection = attempt.result()

    async def _attempt(self) -> _Connection:
        lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(self._connect_timeout_s):
                connection = await self._open(lost)
        except (OSError, TimeoutError) as exc:
            raise RedisConnectionError(f"cannot reach Redis: {exc}") from exc
        lost.add_done_callback(lambda _: self._forget(connection))
        return connection

    async def _open(self, lost: asyncio.Future[None]) -> _Connection:
        loop = asyncio.get_running_loop()
        options = self._options
        if "path" in options:
            _, connection = await loop.create_unix_connection(
                lambda: _Connection(lost), options["path"]
            )
        else:
            ssl = "SSL" in getattr(options.get("connection_class"), "__name__", "")
            _, connection = await loop.create_connection(
                lambda: _Connection(lost),
                options.get("host", "localhost"),
                options.get("port", 6379),
                ssl=ssl or None,
            )
        try:
            if options.get("password"):
                credentials = [options.get("username") or "default", options["password"]]
                await connection.send(command(b"AUTH", *credentials))
            if options.get("db"):
                await connection.send(command(b"SELECT", options["db"]))
        except BaseException:
            assert connection.transport is not None
            connection.transport.abort()
            raise
        return connection

    def _forget(self, connection: _Connection) -> None:
        if self._connection is connection:
            self._connection = None

    async def aclose(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        connection, self._connection = self._connection, None
        if connection is not None and connection.transport is not None:
            connection.transport.close()
