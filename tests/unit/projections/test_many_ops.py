"""The sink's `_many` ops in the fold: zadd_capped_many is zadd_capped on each
key it names, xadd_capped_many is live only, and a script call is bounded by
the keys a `_many` write names, not by its one write."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from projections.redis_fold import RedisFold
from projections.redis_sink import Entry, Write, _chunks, keys_written

# (score, member) adds over a few keys: ties, re-adds, and more than the cap.
_adds = st.lists(
    st.tuples(st.integers(0, 6), st.sampled_from("abcdef"), st.sets(st.sampled_from("xyz"))),
    max_size=25,
)


def _capped(fold: RedisFold) -> dict[str, list[tuple[float, str]]]:
    return {key: capped.ascending for key, capped in fold.capped.items() if capped.ascending}


@given(_adds, st.integers(0, 4))
def test_zadd_capped_many_is_zadd_capped_on_each_key(
    adds: list[tuple[int, str, set[str]]], cap: int
) -> None:
    many, single = RedisFold(), RedisFold()
    for score, member, keys in adds:
        many.apply([["zadd_capped_many", str(score), member, str(cap), *sorted(keys)]])
        single.apply([["zadd_capped", key, str(score), member, str(cap)] for key in sorted(keys)])
    assert _capped(many) == _capped(single)


def test_a_rebuild_writes_no_live_stream_for_many_keys() -> None:
    fold = RedisFold()
    fold.apply([["xadd_capped_many", "10", "1", "post_id", "p", "live:a", "live:b"]])
    assert not fold.hashes and not fold.capped and not fold.lists


def test_keys_written_counts_the_keys_a_many_write_names() -> None:
    writes: list[Write] = [
        ["zadd_capped_many", "5", "p", "100", "t:a", "t:b", "t:c"],
        ["xadd_capped_many", "100", "2", "post_id", "p", "author", "ann", "l:a", "l:b"],
        ["xadd_capped_many", "100", "1", "post_id", "--"],
        ["hset", "h", "f", "v", "g", "w"],
    ]
    assert [keys_written(w) for w in writes] == [3, 2, 0, 1]


def test_a_call_is_bounded_by_the_keys_its_many_writes_name() -> None:
    # Fan-out records of 1,000 readers: two `_many` writes, 2,000 key writes.
    readers = [f"t:{n}" for n in range(1_000)]
    record: list[Write] = [
        ["zadd_capped_many", "5", "p", "100", *readers],
        ["xadd_capped_many", "100", "1", "post_id", "p", *readers],
    ]
    entries: list[Entry] = [(offset, record) for offset in range(25)]
    chunks = list(_chunks(entries, size=2_000, max_writes=20_000))
    assert [len(c) for c in chunks] == [10, 10, 5]
