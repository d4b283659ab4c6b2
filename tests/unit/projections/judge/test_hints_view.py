"""Hints in the judge's read model: the problem view counts them, one is read at a time."""

from __future__ import annotations

import json

from projections.judge import keys
from projections.judge.read import hint_view, problem_view
from projections.judge.redis import redis_writes
from schemas import judge as jd
from tests.unit.projections.judge.records import story

HINTS = ["Think about pairs.", "Remember what you have seen.", "A hash map."]


def _problem_fields(hints: list[str] | None) -> dict[str, str]:
    """The problem hash as the projector writes it for a revision with these hints."""
    published = next(r for _, _, r in story().steps if isinstance(r, jd.ProblemPublished))
    record = published if hints is None else published.model_copy(update={"hints": hints})
    key = keys.problem("two-sum")
    (hset,) = [w for w in redis_writes(record) if w[0] == "hset" and w[1] == key]
    values = hset[2:]
    # The revision is written by the guard (guard_seq), not by the hset.
    return dict(zip(values[::2], values[1::2], strict=True)) | {"revision": str(record.revision)}


def test_the_problem_view_counts_the_hints_and_never_shows_them() -> None:
    fields = _problem_fields(HINTS)
    view = problem_view(fields)
    assert view is not None and view["hint_count"] == 3
    assert "hash map" not in json.dumps(view)


def test_one_hint_at_a_time_with_how_many_remain() -> None:
    fields = _problem_fields(HINTS)
    first = hint_view(fields, 1)
    assert first is not None
    assert (first["n"], first["hint"], first["remaining"]) == (1, HINTS[0], 2)
    last = hint_view(fields, 3)
    assert last is not None and (last["hint"], last["remaining"]) == ("A hash map.", 0)


def test_no_hint_beyond_the_count_or_of_an_unknown_problem() -> None:
    fields = _problem_fields(HINTS)
    assert hint_view(fields, 4) is None
    assert hint_view(fields, 0) is None
    assert hint_view({}, 1) is None


def test_a_problem_without_hints_has_none() -> None:
    fields = _problem_fields([])
    view = problem_view(fields)
    assert view is not None and view["hint_count"] == 0
    # A revision projected before hints existed has no such field at all.
    del fields["hints"]
    assert problem_view(fields)["hint_count"] == 0  # type: ignore[index]
