"""Progressive hints in the problem data: every problem has two or three, the
gentlest first, and they reach ProblemPublished."""

from __future__ import annotations

import pytest

from streams.judge.catalog import ProblemDraft
from tests.unit.streams.judge.test_catalog import CATALOG, published


@pytest.mark.parametrize("draft", CATALOG, ids=[draft.problem_id for draft in CATALOG])
def test_every_problem_has_two_or_three_hints(draft: ProblemDraft) -> None:
    assert 2 <= len(draft.hints) <= 3
    assert all(hint.strip() == hint and len(hint) >= 20 for hint in draft.hints)
    assert len(set(draft.hints)) == len(draft.hints)


def test_the_hints_reach_the_published_record_in_order() -> None:
    draft = next(draft for draft in CATALOG if draft.problem_id == "two-sum")
    record = published(draft)
    assert record.hints == list(draft.hints)
    assert record.hints[0].startswith("Checking every pair")
