"""RecentIds: the bounded id memories of an account, laid out as a ring of parts."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.exchange.recent_ids import RecentIds


def remembered_before(seen: dict[str, Any], key: str, limit: int, value: Any) -> None:
    """The bounded memory as accounts.py kept it before rings: the oracle."""
    seen[key] = value
    if len(seen) > limit:
        del seen[next(iter(seen))]


def written_slots(memory: RecentIds[Any], slots: set[int]) -> dict[int, Any]:
    """What a changelog holds for `slots` once a batch ends: each slot's last entry."""
    return {slot: memory.at(slot) for slot in slots}


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 6),
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 3)), max_size=80),
    st.integers(0, 2**32),
)
def test_a_ring_remembers_and_forgets_as_the_dict_did_through_any_restore(
    capacity: int, steps: list[tuple[int, int]], seed: int
) -> None:
    rng = random.Random(seed)
    oracle: dict[str, int] = {}
    memory: RecentIds[int] = RecentIds(capacity)
    log: dict[int, Any] = {}
    batch: set[int] = set()
    for key, value in steps:
        remembered_before(oracle, f"id-{key}", capacity, value)
        batch.add(memory.remember(f"id-{key}", value))
        assert list(memory.items()) == list(oracle.items())
        if rng.random() < 0.3:
            log.update(written_slots(memory, batch))
            batch.clear()
            if rng.random() < 0.5:
                entries = [(slot, entry) for slot, entry in log.items() if entry is not None]
                rng.shuffle(entries)
                restored = RecentIds.restored(capacity, dict(entries))
                assert list(restored.items()) == list(memory.items())
                assert restored.count == memory.count
                memory = restored


def test_the_new_id_takes_the_slot_of_the_id_it_forgets() -> None:
    memory: RecentIds[None] = RecentIds(3)
    assert [memory.remember(key, None) for key in "abcd"] == [0, 1, 2, 0]
    assert list(memory) == ["b", "c", "d"]
    assert memory.at(0) == ("d", 3, None) and memory.at(1) == ("b", 1, None)
    assert memory.slot_of("c") == 2 and memory.slot_of("a") is None
    assert RecentIds(3).at(1) is None  # never written


def test_remembering_a_known_id_again_keeps_its_age_and_slot_and_updates_its_value() -> None:
    memory: RecentIds[str] = RecentIds(2)
    memory.remember("o1", "filled")
    memory.remember("o2", "filled")
    assert memory.remember("o1", "cancelled") == 0
    assert list(memory.items()) == [("o1", "cancelled"), ("o2", "filled")]
    memory.remember("o3", "expired")  # o1 is still the oldest
    assert list(memory) == ["o2", "o3"]


def test_restored_entries_come_back_in_age_order_whatever_order_they_are_read_in() -> None:
    memory: RecentIds[None] = RecentIds(4)
    for key in "abcdefg":
        memory.remember(key, None)
    entries = {slot: memory.at(slot) for slot in (3, 1, 0, 2)}
    restored = RecentIds.restored(4, {s: e for s, e in entries.items() if e is not None})
    assert list(restored) == ["d", "e", "f", "g"] and restored.count == 7
    restored.remember("h", None)
    assert list(restored) == ["e", "f", "g", "h"]


def test_a_memory_rebuilt_from_its_ids_in_age_order_continues_the_count() -> None:
    memory = RecentIds.from_ids(3, [("x", None), ("y", None), ("z", None)], count=8)
    assert memory.count == 8 and [memory.slot_of(key) for key in "xyz"] == [2, 0, 1]
    assert memory.remember("w", None) == 2 and list(memory) == ["y", "z", "w"]
    legacy = RecentIds.from_ids(3, [("x", None), ("y", None)])  # saved without a count
    assert legacy.count == 2 and legacy.remember("z", None) == 2


def test_an_entry_in_the_wrong_slot_is_refused() -> None:
    # A ring restored with another capacity than it was written with would
    # mix up ages: refuse it loudly rather than decide differently.
    memory: RecentIds[None] = RecentIds(4)
    for key in "abcde":
        memory.remember(key, None)
    entries = {slot: memory.at(slot) for slot in range(4)}
    with pytest.raises(ValueError, match="capacity 3"):
        RecentIds.restored(3, {s: e for s, e in entries.items() if e is not None})


def test_a_ring_missing_a_slot_is_refused() -> None:
    memory: RecentIds[None] = RecentIds(3)
    for key in "abcd":
        memory.remember(key, None)
    entries = {slot: memory.at(slot) for slot in (0, 2)}
    with pytest.raises(ValueError, match="slot"):
        RecentIds.restored(3, {s: e for s, e in entries.items() if e is not None})


def test_a_memory_needs_room_for_one_id() -> None:
    with pytest.raises(ValueError, match="capacity"):
        RecentIds(0)


def test_a_memory_is_a_read_only_mapping_in_age_order() -> None:
    memory: RecentIds[tuple[str, str]] = RecentIds(5)
    memory.remember("o1", ("filled", "c1"))
    assert memory == {"o1": ("filled", "c1")} and "o1" in memory and "o2" not in memory
    assert memory.get("o1") == ("filled", "c1") and memory.get("o2") is None
    assert len(memory) == 1 and RecentIds(5) == {}
