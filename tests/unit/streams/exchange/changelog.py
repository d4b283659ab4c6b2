"""A changelog in memory, used as the batched engine uses a StateLog.

Parts touched by the inputs of a batch are written once the batch ends, each
with its value at that moment (the last one), a part that no longer exists as
a tombstone; the log keeps the last value of each (state key, sub-key) and
drops tombstoned ones, as compaction does.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from schemas.envelope import Envelope, Record
from streams.facts import Fact, Message
from streams.state_log import StateLog


def record(message: Message, event_id: str, key: str) -> Record:
    """The decoded record an engine hands a stage: `message` with an envelope."""
    if isinstance(message, Record):
        return message
    kind, payload = message
    envelope = Envelope(
        event_id=event_id,
        type=kind.schema_name,
        schema_version=1,
        occurred_at=0,
        recorded_at=0,
        producer="test",
        key=key,
        correlation_id=event_id,
    )
    return kind.model_construct(envelope=envelope, **payload)


class Changelog:
    def __init__(self, log: StateLog) -> None:
        self.log = log
        self.parts: dict[str, dict[str, bytes]] = {}
        self.batch: dict[str, dict[str, None]] = {}  # state key -> sub-keys touched
        self.written = 0  # parts written, tombstones included

    def decided(self, key: str, state: Any, cause: Record, facts: Sequence[Fact]) -> None:
        self.batch.setdefault(key, {}).update(dict.fromkeys(self.log.touched(state, cause, facts)))

    def commit(self, states: dict[str, Any]) -> None:
        for key, sub_keys in self.batch.items():
            parts = self.parts.setdefault(key, {})
            for sub_key in sub_keys:
                value = self.log.entry(states[key], sub_key)
                self.written += 1
                if value is None:
                    parts.pop(sub_key, None)
                else:
                    parts[sub_key] = value
        self.batch.clear()

    def restore(
        self, rng: random.Random, new_state: Callable[[str], Any], live: dict[str, Any]
    ) -> dict[str, Any]:
        """Every state from its parts (read in a random order), after checking
        each equals the live one; a key without parts comes back fresh."""
        assert not self.batch, "restore at a batch boundary"
        restored = {}
        for key, state in live.items():
            parts = list(self.parts.get(key, {}).items())
            rng.shuffle(parts)
            again = self.log.restore(key, dict(parts)) if parts else new_state(key)
            assert again.state_hash() == state.state_hash(), f"{key} restored differently"
            restored[key] = again
        return restored
