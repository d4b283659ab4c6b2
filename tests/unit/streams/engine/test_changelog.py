"""Folding a changelog partition back into states, as compaction would leave it."""

from __future__ import annotations

import pytest

from streams.engine.changelog import ChangelogFold, part_key
from tests.support.tally_stage import Tally, TallyLog


def test_the_last_value_of_each_part_wins_and_tombstones_remove_it() -> None:
    fold = ChangelogFold()
    fold.add(part_key("a", "count"), b"1")
    fold.add(part_key("a", "total"), b"5")
    fold.add(part_key("b", "count"), b"1")
    fold.add(part_key("b", "total"), b"9")
    fold.add(part_key("a", "count"), b"2")
    fold.add(part_key("a", "total"), None)
    fold.add(part_key("b", "count"), None)
    fold.add(part_key("b", "total"), None)
    assert fold.states(TallyLog()) == {"a": Tally("a", 0, 2)}
    assert (fold.records, fold.parts) == (8, 1)


def test_keys_are_exact_whatever_they_contain() -> None:
    odd = 'a,"b"\x00 ü'
    fold = ChangelogFold()
    fold.add(part_key(odd, "count"), b"3")
    fold.add(part_key("a", "count"), b"4")
    assert fold.states(TallyLog()) == {odd: Tally(odd, 0, 3), "a": Tally("a", 0, 4)}


def test_a_record_without_a_key_is_refused() -> None:
    with pytest.raises(ValueError, match="no key"):
        ChangelogFold().add(None, b"1")
