"""Which of a learner's commands the judge has already answered.

The judge answers commands concurrently, so they finish out of offset order
and a committed offset does not say which are done: a worker that dies after
committing the facts of a later command but before an earlier one would be
sent the later one again. This set, saved in the same transaction as the
facts, says it was answered; it is what makes "one verdict" hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class AnsweredCommands:
    user_id: str
    command_ids: set[str] = field(default_factory=set)

    def answered(self, command_id: str) -> bool:
        return command_id in self.command_ids

    def add(self, command_id: str) -> None:
        self.command_ids.add(command_id)

    def to_dict(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "command_ids": sorted(self.command_ids)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnsweredCommands:
        return cls(str(data["user_id"]), set(data["command_ids"]))
