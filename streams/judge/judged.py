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
    """Answered command ids with their input offsets.

    Only a command at or past its partition's committed offset can come back,
    so ids below it are forgotten: the set stays as small as what is in flight.
    """

    user_id: str
    offsets: dict[str, int] = field(default_factory=dict)

    def answered(self, command_id: str) -> bool:
        return command_id in self.offsets

    def add(self, command_id: str, offset: int, committed: int | None) -> None:
        if committed is not None:
            self.offsets = {c: o for c, o in self.offsets.items() if o >= committed}
        self.offsets[command_id] = offset

    def to_dict(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "offsets": dict(sorted(self.offsets.items()))}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnsweredCommands:
        return cls(str(data["user_id"]), {str(c): int(o) for c, o in data["offsets"].items()})
