"""Server-Sent Events: the text/event-stream wire format, and a stream that
forwards what the projectors publish on a Redis pub/sub channel.

Every stream is bounded: after `max_s` it ends cleanly with a comment saying
so, and a client's EventSource reconnects for a fresh snapshot. A client that
stops reading holds a send that never returns; it is cut off one keepalive
after the bound.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import anyio
from redis.asyncio.client import PubSub
from starlette.responses import StreamingResponse
from starlette.types import Send

T = TypeVar("T")

KEEPALIVE = ": keepalive\n\n"
TIME_UP = ": this stream's time is up; reconnect for a fresh snapshot\n\n"


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


async def until(events: AsyncGenerator[str, None], max_s: float) -> AsyncIterator[str]:
    """`events` until they end, or until `max_s` has passed and TIME_UP ends them.

    Only the wait for the next event is timed, never a yield: a timeout
    across a yield would cancel the consumer's send instead.
    """
    deadline = asyncio.get_running_loop().time() + max_s
    try:
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    event = await anext(events)
            except StopAsyncIteration:
                return
            except TimeoutError:
                yield TIME_UP
                return
            yield event
    finally:
        await events.aclose()


class _EventStream(StreamingResponse):
    def __init__(self, events: AsyncIterator[str], cutoff_s: float) -> None:
        super().__init__(
            events,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
        self.cutoff_s = cutoff_s

    async def stream_response(self, send: Send) -> None:
        # The response is left unfinished here; the server then closes the connection.
        with anyio.move_on_after(self.cutoff_s):
            await super().stream_response(send)


def event_stream(
    events: AsyncGenerator[str, None], max_s: float, keepalive_s: float
) -> StreamingResponse:
    """`events` as text/event-stream, ended at `max_s` (see the module's docstring)."""
    return _EventStream(until(events, max_s), cutoff_s=max_s + keepalive_s)


def decode_message(data: Any) -> dict[str, Any] | None:
    """A pub/sub message's JSON object; None for anything else, which is not
    ours to forward."""
    try:
        value = json.loads(data)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None
