"""Records for projection tests, each with an envelope numbered in the order
it is added: event ids and times rise with it, so read models built from the
same steps are equal byte for byte."""

from __future__ import annotations

from typing import Any

from schemas.envelope import Envelope, Record

T0 = 1_700_000_000_000_000  # µs

Step = tuple[str, str, Record]  # (topic, key, record)


class NumberedRecords:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self._n = 0

    def _envelope(self, model: type[Record], key: str) -> Envelope:
        self._n += 1
        at = T0 + self._n * 100_000
        return Envelope(
            event_id=f"01EVENT{self._n:019d}",
            type=model.schema_name,
            schema_version=model.schema_version,
            occurred_at=at,
            recorded_at=at,
            producer="test",
            key=key,
            correlation_id="c",
        )

    def add(self, topic: str, key: str, model: type[Record], **fields: Any) -> Record:
        record = model(envelope=self._envelope(model, key), **fields)
        self.steps.append((topic, key, record))
        return record
