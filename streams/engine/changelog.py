"""A stage's changelog records: keyed by (state key, sub-key), folded back into states.

The key is the JSON array `[state key, sub-key]`: exact for any text, and
readable by anyone inspecting the topic. The value is the StateLog's bytes,
or none (a tombstone) for a part that no longer exists.
"""

from __future__ import annotations

from typing import Any

import orjson

from streams.state_log import StateLog


def part_key(state_key: str, sub_key: str) -> bytes:
    return orjson.dumps([state_key, sub_key])


class ChangelogFold:
    """The live parts of one changelog partition, from its records in offset
    order: what compaction converges to, whatever it has done so far."""

    def __init__(self) -> None:
        self._parts: dict[bytes, bytes] = {}
        self.records = 0  # records read, tombstones included

    @property
    def parts(self) -> int:
        return len(self._parts)

    def add(self, key: bytes | None, value: bytes | None) -> None:
        if key is None:
            raise ValueError("a changelog record with no key: not written by the engine")
        self.records += 1
        if value is None:
            self._parts.pop(key, None)
        else:
            self._parts[key] = value

    def states(self, state_log: StateLog) -> dict[str, Any]:
        """Each state key's state, restored from its live parts."""
        by_key: dict[str, dict[str, bytes]] = {}
        for key, value in self._parts.items():
            state_key, sub_key = orjson.loads(key)
            by_key.setdefault(state_key, {})[sub_key] = value
        return {key: state_log.restore(key, parts) for key, parts in by_key.items()}
