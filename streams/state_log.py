"""The contract between a pure deciding stage and the batched engine that hosts it:
a stage's state as small records on its changelog.

A stage keeps one state per key (an account, a symbol). The engine never
saves a whole state. After `decide` it asks the stage's `StateLog` which parts
of the state the input may have changed (sub-keys: "an order of this book",
"the cash of this account", "slot 17 of the remembered command ids"); once per
batch it asks for each touched part's current value and writes it to the
changelog, on the partition number of the input that changed it, keyed by
(state key, sub-key). A part that no longer exists is written as a tombstone.
The changelog topic is compacted, so it holds the live parts of every state.

Recovery reads the changelog partition, keeps the last value of each
(state key, sub-key), drops tombstoned ones, and gives each state key's parts
to `restore`. The restored state must equal the state that wrote them and
decide exactly as it would have (tests hold a stage's log to that with its
`state_hash`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from schemas.envelope import Record
from streams.facts import Fact


class StateLog(Protocol):
    """How one stage's state is written as parts and read back. Pure: no I/O."""

    def touched(self, state: Any, cause: Record, facts: Sequence[Fact]) -> Iterable[str]:
        """The sub-keys of `state` that deciding `cause` (which gave `facts`)
        may have changed. More is safe (an unchanged part is written again);
        fewer loses data."""
        ...

    def entry(self, state: Any, sub_key: str) -> bytes | None:
        """The current value of one part, or None if the part no longer exists."""
        ...

    def restore(self, key: str, parts: Mapping[str, bytes]) -> Any:
        """The state of `key` from its live parts (sub-key -> value), given in
        no particular order."""
        ...
