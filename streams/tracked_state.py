"""A stage's state for one key, with the input positions already applied to it.

Every input of a key comes from the same partition number of each input topic
(co-partitioning), and offsets only grow there, so one offset per topic says
exactly which records this state has seen. The state, its positions and the
facts they caused commit in one transaction; a record redelivered after a
crash or a rebalance is recognised here and skipped, whatever Faust's offset
commits did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TrackedState:
    state: Any
    positions: dict[str, int] = field(default_factory=dict)

    def seen(self, topic: str, offset: int) -> bool:
        return offset <= self.positions.get(topic, -1)

    def advance(self, topic: str, offset: int) -> None:
        self.positions[topic] = offset

    def to_dict(self) -> dict[str, Any]:
        return {"positions": dict(self.positions), "state": self.state.to_dict()}


def tracked_from_dict(
    state_from_dict: Callable[[Mapping[str, Any]], Any],
) -> Callable[[Mapping[str, Any]], TrackedState]:
    def load(data: Mapping[str, Any]) -> TrackedState:
        return TrackedState(state_from_dict(data["state"]), dict(data["positions"]))

    return load
