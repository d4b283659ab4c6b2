"""What a processor writes to `<topic>.dlq` about a record it cannot take."""

from __future__ import annotations

Headers = list[tuple[str, bytes]]


def dead_letter_headers(
    reason: str, processor: str, topic: str, partition: int, offset: int
) -> Headers:
    """Why and where from; the projector's dead letters carry the same headers
    (projections/dead_letters.py)."""
    return [
        ("dlq.reason", reason.encode()[:8000]),
        ("dlq.stage", processor.encode()),
        ("dlq.topic", topic.encode()),
        ("dlq.partition", str(partition).encode()),
        ("dlq.offset", str(offset).encode()),
    ]
