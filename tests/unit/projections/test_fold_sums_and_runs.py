"""The fold's sums (zincrby, zrem_below) and list runs (linsert_run, lrem),
pure: what the Lua script does with them (tests/integration/projections/
test_sums_and_runs.py holds the two equal on the real Redis)."""

from __future__ import annotations

from projections.redis_fold import RedisFold
from projections.redis_sink import Write


def _folded(*records: list[Write]) -> RedisFold:
    fold = RedisFold()
    fold.apply_all(records)
    return fold


def test_a_sum_at_zero_is_absent_and_sums_commute_while_a_take_back_follows_its_add() -> None:
    add_a, add_b, back_a = (["zincrby", "z", "a", "1"], ["zincrby", "z", "b", "2"],
                            ["zincrby", "z", "a", "-1"])  # fmt: skip
    for order in ([add_a, add_b, back_a], [add_b, add_a, back_a], [add_a, back_a, add_b]):
        assert _folded(order).sums["z"] == {"b": 2.0}


def test_zrem_below_removes_scores_under_the_bound_in_sums_and_capped_sets() -> None:
    fold = _folded(
        [["zincrby", "z", "a", "3"], ["zincrby", "z", "b", "5"]],
        [["zadd_capped", "c", "10", "x", "9"], ["zadd_capped", "c", "20", "y", "9"]],
        [["zrem_below", "z", "5"], ["zrem_below", "c", "20"]],
    )
    assert fold.sums["z"] == {"b": 5.0}
    assert fold.capped["c"].ascending == [(20.0, "y")]
    assert fold.capped["c"].scores == {"y": 20.0}


def test_a_run_goes_right_after_its_anchor_or_first() -> None:
    fold = _folded(
        [["linsert_run", "l", "", "a", "b"]],
        [["linsert_run", "l", "a", "x", "y"]],
        [["linsert_run", "l", "missing", "h"]],
    )
    assert list(fold.lists["l"]) == ["h", "a", "x", "y", "b"]


def test_a_move_is_a_removal_then_a_run() -> None:
    fold = _folded(
        [["linsert_run", "l", "", "a", "b", "c", "d"]],
        [["lrem", "l", "d", "a"], ["linsert_run", "l", "b", "d", "a"]],
    )
    assert list(fold.lists["l"]) == ["b", "d", "a", "c"]
