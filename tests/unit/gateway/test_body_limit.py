"""The 413 middleware, driven as plain ASGI: no server, no services."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from gateway.body_limit import BodySizeLimit


async def echo_length(scope: Scope, receive: Receive, send: Send) -> None:
    size, more = 0, True
    while more:
        message = await receive()
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


async def call(chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> tuple[int, Any]:
    app = BodySizeLimit(echo_length, default_limit=10, limits_by_path={"/big": 100})
    pending = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/small", "headers": headers}
    await app(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body


async def test_within_the_limit_passes() -> None:
    assert await call([b"12345", b"67890"], []) == (200, b"10")


async def test_declared_length_over_the_limit_is_refused_before_reading() -> None:
    status, body = await call([b"x"], [(b"content-length", b"11")])
    assert status == 413
    assert json.loads(body)["status"] == 413


async def test_streamed_body_over_the_limit_is_refused() -> None:
    status, _ = await call([b"123456", b"789012"], [])
    assert status == 413
