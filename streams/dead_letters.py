"""What a processor writes to `<topic>.dlq` about a record it cannot take."""

from __future__ import annotations

from collections.abc import Mapping

Headers = list[tuple[str, bytes]]

DeadLetter = tuple[str, bytes | None, bytes | None, Headers]
"""(dead-letter topic, key, value, headers) of a record sent to its topic's DLQ."""


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


def dead_letter(
    dead_letter_topics: Mapping[str, str],
    reason: str,
    processor: str,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
) -> DeadLetter:
    """The record at `topic[partition]@offset` as it came, to its topic's DLQ
    (`dead_letter_topics`: input topic -> DLQ), with why and where from: what
    both shells, the stage engine's and the judge's, send for an input they
    cannot take."""
    headers = dead_letter_headers(reason, processor, topic, partition, offset)
    return dead_letter_topics[topic], key, value, headers
