"""The Redis sink's script calls are bounded by records and by writes, so a
burst of large records (a feed fan-out writes 2,000 keys a record) never
makes one call that holds Redis for long."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from projections.redis_sink import Entry, _chunks


def _entries(sizes: list[int]) -> list[Entry]:
    return [(offset, [["hset", f"k{offset}", "f", str(n)] for n in range(size)])
            for offset, size in enumerate(sizes)]  # fmt: skip


def test_large_records_split_by_writes() -> None:
    chunks = list(_chunks(_entries([2_000] * 25), size=2_000, max_writes=20_000))
    assert [len(c) for c in chunks] == [10, 10, 5]


def test_a_record_above_the_bound_goes_alone() -> None:
    chunks = list(_chunks(_entries([1, 50, 1]), size=10, max_writes=20))
    assert [[offset for offset, _ in c] for c in chunks] == [[0], [1], [2]]


@given(st.lists(st.integers(0, 40), max_size=60), st.integers(1, 8), st.integers(1, 60))
def test_every_entry_once_in_order_within_bounds(sizes: list[int], size: int, most: int) -> None:
    entries = _entries(sizes)
    chunks = list(_chunks(entries, size, most))
    assert [e for c in chunks for e in c] == entries
    for chunk in chunks:
        assert 1 <= len(chunk) <= size
        assert len(chunk) == 1 or sum(len(w) for _, w in chunk) <= most
