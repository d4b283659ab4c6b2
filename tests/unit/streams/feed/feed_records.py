"""Feed records sealed for a pure core's tests: keyed by their topic's key
(an "author/bucket" joined as TopicSpec.key_of joins it), with ids in order."""

from __future__ import annotations

import itertools
from typing import Any

from infra.topics import topic_of
from schemas.envelope import Record
from streams.sealing import build_record

_ids = itertools.count(1)


def sealed(model: type[Record], **payload: Any) -> Record:
    """`model` with `payload`, as the engine hands it to a stage."""
    event_id = f"01{next(_ids):024d}"
    return build_record(
        model,
        payload,
        event_id=event_id,
        key=topic_of(model.schema_name).key_of(payload),
        producer="test",
        correlation_id=None,
        occurred_at=None,
        recorded_at=1_000_000_000,
    )
