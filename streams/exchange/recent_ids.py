"""The last few ids an account remembers (command ids, client order ids, closed
orders), oldest forgotten first, laid out as a ring so each fits a changelog
part.

The n-th new id (counting from 0) takes slot n % capacity: remembering an id
overwrites the slot of the one it makes the memory forget, so one part is
written per new id and none is ever deleted. Each slot's part holds its id,
its n and its value; restoring sorts them by n, which is their age order.

Remembering an id the memory already holds keeps its age and slot and only
updates its value (as the insertion-ordered dict this replaces did).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar

V = TypeVar("V")

Entry = tuple[str, int, V]
"""One slot's content: (id, n, value), n being how many new ids came before it."""


class RecentIds(Mapping[str, V]):
    """A read-only mapping id -> value in age order (oldest first), changed only by
    `remember`. `count` is how many new ids it has ever been given."""

    __slots__ = ("_entries", "_ring", "capacity", "count")

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"a memory of ids needs a capacity of at least 1, got {capacity}")
        self.capacity = capacity
        self.count = 0
        self._entries: dict[str, tuple[int, V]] = {}  # id -> (n, value), in age order
        self._ring: list[str] = []  # slot -> id; grows to `capacity`, then wraps

    def __getitem__(self, key: str) -> V:
        return self._entries[key][1]

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def remember(self, key: str, value: V) -> int:
        """Remember `key` (forgetting the oldest id if full); the slot it is in."""
        entries = self._entries
        known = entries.get(key)
        if known is not None:
            entries[key] = (known[0], value)
            return known[0] % self.capacity
        n = self.count
        self.count = n + 1
        slot = n % self.capacity
        ring = self._ring
        if n < self.capacity:
            ring.append(key)
        else:
            del entries[ring[slot]]
            ring[slot] = key
        entries[key] = (n, value)
        return slot

    def slot_of(self, key: str) -> int | None:
        known = self._entries.get(key)
        return None if known is None else known[0] % self.capacity

    def at(self, slot: int) -> Entry[V] | None:
        """What `slot` holds; None if no id has reached it yet."""
        if slot >= len(self._ring):
            return None
        key = self._ring[slot]
        n, value = self._entries[key]
        return key, n, value

    @classmethod
    def from_ids(
        cls, capacity: int, items: Iterable[tuple[str, V]], count: int | None = None
    ) -> RecentIds[V]:
        """A memory holding `items` (id, value), given oldest first, the newest
        being the (count - 1)-th id it was given (by default, as many as items)."""
        kept = list(items)
        total = len(kept) if count is None else count
        kept = kept[-capacity:]
        first = total - len(kept)
        return cls.restored(
            capacity,
            {
                (first + i) % capacity: (key, first + i, value)
                for i, (key, value) in enumerate(kept)
            },
        )

    @classmethod
    def restored(cls, capacity: int, slots: Mapping[int, Entry[V]]) -> RecentIds[V]:
        """The memory whose slots held `slots` (slot -> its entry), in any order.

        Refuses slots that no memory of this capacity can have written (an entry
        in another slot than its n gives, or a slot missing): a ring read with
        another capacity than it was written with would forget in another order.
        """
        memory = cls(capacity)
        if not slots:
            return memory
        entries = sorted(slots.items(), key=_age)
        count = entries[-1][1][1] + 1
        if len(entries) != min(count, capacity):
            raise ValueError(
                f"a memory of capacity {capacity} that was given {count} ids holds "
                f"{min(count, capacity)} slots, not {len(entries)}"
            )
        ring: list[str] = [""] * len(entries)
        for slot, (key, n, value) in entries:
            if n % capacity != slot:
                raise ValueError(
                    f"slot {slot} holds the id given {n}th: not a memory of capacity {capacity}"
                )
            ring[slot] = key
            memory._entries[key] = (n, value)
        memory._ring = ring
        memory.count = count
        return memory


def _age(item: tuple[int, Entry[V]]) -> int:
    return item[1][1]
