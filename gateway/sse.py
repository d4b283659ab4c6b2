"""Server-Sent Events: the text/event-stream wire format, and a stream that
forwards what the projectors publish on a Redis pub/sub channel."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from redis.asyncio.client import PubSub
from starlette.responses import StreamingResponse

T = TypeVar("T")

KEEPALIVE = ": keepalive\n\n"


def sse_event(event: str, data: Any, event_id: int | str | None = None) -> str:
    """One event. `id` carries the sequence number, so a client that reconnects
    sends it back as Last-Event-ID and can see a gap.

    JSON from json.dumps has no raw newlines, so data always fits one line;
    the event name is cleaned because a newline in it would forge a field.
    """
    name = "".join(ch for ch in event if ch not in "\r\n:") or "message"
    lines = [f"event: {name}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"data: {json.dumps(data, separators=(',', ':'), ensure_ascii=False)}")
    return "\n".join(lines) + "\n\n"


async def subscribed_snapshot(
    pubsub: PubSub, channel: str, read: Callable[[], Awaitable[T | None]]
) -> T | None:
    """Subscribe to `channel`, then `read` the snapshot; None if there is none.

    Subscribing first closes the race between the two: an update published in
    between arrives on the channel, and the caller drops what the snapshot
    already holds. On an error, or with no snapshot, `pubsub` is closed here.
    """
    try:
        await pubsub.subscribe(channel)
        snapshot = await read()
    except BaseException:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        raise
    if snapshot is None:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
    return snapshot


def event_stream(events: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def decode_message(data: Any) -> dict[str, Any] | None:
    """A pub/sub message's JSON object; None for anything else, which is not
    ours to forward."""
    try:
        value = json.loads(data)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None
