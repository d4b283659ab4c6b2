"""Server-Sent Events framing (the text/event-stream wire format)."""

from __future__ import annotations

import json
from typing import Any

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
