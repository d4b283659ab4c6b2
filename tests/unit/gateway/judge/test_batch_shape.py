"""A batch of submissions: its size, and each item's errors named inside the batch."""

from __future__ import annotations

import pytest

from gateway.judge.batch_shape import MAX_BATCH, batch_status, ids_of, item_problem, submissions_of
from gateway.problems import Problem
from tests.unit.gateway.judge.test_requests import SUBMIT


def refused(problem: pytest.ExceptionInfo[Problem]) -> tuple[int, list[str]]:
    return problem.value.status, [e["field"] for e in problem.value.errors]


def test_one_to_twenty_submissions_pass() -> None:
    assert submissions_of({"submissions": [SUBMIT]}) == [SUBMIT]
    assert len(submissions_of({"submissions": [SUBMIT] * MAX_BATCH})) == MAX_BATCH


@pytest.mark.parametrize(
    "body",
    [{"submissions": []}, {"submissions": [SUBMIT] * (MAX_BATCH + 1)}, {"submissions": SUBMIT},
     {}],
)  # fmt: skip
def test_none_too_many_or_not_a_list_is_a_422_naming_submissions(body: dict[str, object]) -> None:
    with pytest.raises(Problem) as problem:
        submissions_of(body)
    assert refused(problem) == (422, ["submissions"])
    assert problem.value.errors[0]["pointer"] == "#/submissions"


def test_a_field_beside_submissions_is_named() -> None:
    with pytest.raises(Problem) as problem:
        submissions_of({"submissions": [SUBMIT], "callback_url": "http://x"})
    assert refused(problem) == (422, ["callback_url"])


def test_an_items_field_errors_are_named_inside_the_batch() -> None:
    problem = Problem(
        422, "validation", "invalid judge_submit: language",
        errors=[{"field": "language", "pointer": "#/language", "detail": "unknown"},
                {"field": "tests.0.input", "pointer": "#/tests/0/input", "detail": "missing"}],
    )  # fmt: skip
    item = item_problem(problem, "submissions", 3)
    assert item["status"] == 422
    assert [e["field"] for e in item["errors"]] == [
        "submissions.3.language",
        "submissions.3.tests.0.input",
    ]
    assert [e["pointer"] for e in item["errors"]] == [
        "#/submissions/3/language",
        "#/submissions/3/tests/0/input",
    ]
    assert problem.errors[0]["field"] == "language"  # the route's own problem is untouched


def test_a_problem_naming_no_field_names_the_item() -> None:
    item = item_problem(Problem(429, "rate-limited", "retry in 1 s"), "submissions", 0)
    assert item["errors"] == [
        {"field": "submissions.0", "pointer": "#/submissions/0", "detail": "retry in 1 s"}
    ]


def test_ids_are_split_in_order_at_most_twenty() -> None:
    assert ids_of("b, a,b") == ["b", "a", "b"]
    for raw in ("a,,b", ",".join(["x"] * (MAX_BATCH + 1))):
        with pytest.raises(Problem) as problem:
            ids_of(raw)
        assert refused(problem) == (422, ["ids"])
        assert problem.value.errors[0]["parameter"] == "ids"


def test_the_batch_is_202_if_any_item_was_accepted() -> None:
    assert batch_status([{"status": 422}, {"status": 202}]) == 202
    assert batch_status([{"status": 429}, {"status": 429}]) == 429
    assert batch_status([{"status": 403}, {"status": 422}]) == 422
