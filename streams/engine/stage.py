"""What the engine needs to know about a deciding stage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.topics import TopicSpec
from schemas.envelope import Record
from streams.facts import Fact
from streams.state_log import StateLog


@dataclass(frozen=True)
class Stage:
    """A deciding processor: its inputs, its state and its pure `decide`.

    Every input is keyed by the state's key (each input names it by its own
    TopicSpec.key, a field or fields joined by `/`) and all have one
    partition count, so partition p of each holds the same keys, and the
    state of those keys lives in partition p of `changelog`.
    """

    name: str  # names its consumer group, its producers and the facts' producer
    inputs: tuple[TopicSpec, ...]
    changelog: TopicSpec
    takes: tuple[type[Record], ...]
    new_state: Callable[[str], Any]
    # Applies the record to the state and returns its facts; deterministic.
    decide: Callable[[Any, Record], list[Fact]]
    state_log: StateLog

    @property
    def group_id(self) -> str:
        return f"onelog.{self.name}"
