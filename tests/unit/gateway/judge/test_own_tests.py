"""A run's own tests at the gateway: limits named by field, names given by the gateway."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gateway.judge.own_tests import (
    MAX_OWN_TEST_BYTES,
    MAX_OWN_TESTS,
    own_test_cases,
)
from gateway.judge.requests import RunRequest
from gateway.problems import field_errors

RUN: dict[str, Any] = {
    "user_id": "u1",
    "problem_id": "a-plus-b",
    "language": "python",
    "source": "print(1)",
}


def fields_refused(body: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        RunRequest.model_validate(body)
    return [entry["field"] for entry in field_errors(caught.value)]


def test_a_run_without_tests_has_none() -> None:
    assert RunRequest.model_validate(RUN).tests == []


def test_tests_are_named_by_the_gateway_in_order() -> None:
    body = RUN | {"tests": [{"input": "1 2\n", "expected": "3\n"}, {"input": "", "expected": ""}]}
    request = RunRequest.model_validate(body)
    assert own_test_cases(request.tests) == [
        {"name": "custom-1", "input": "1 2\n", "expected": "3\n"},
        {"name": "custom-2", "input": "", "expected": ""},
    ]


def test_an_expected_output_over_the_limit_is_named() -> None:
    tests = [{"input": "1", "expected": "1"} for _ in range(4)]
    tests[3] = {"input": "1", "expected": "x" * (MAX_OWN_TEST_BYTES + 1)}
    assert fields_refused(RUN | {"tests": tests}) == ["tests.3.expected"]


def test_the_limit_counts_utf8_bytes_not_characters() -> None:
    # Each "é" is two bytes: half the limit in characters is at the limit.
    at_limit = "é" * (MAX_OWN_TEST_BYTES // 2)
    RunRequest.model_validate(RUN | {"tests": [{"input": at_limit, "expected": ""}]})
    over = at_limit + "é"
    assert fields_refused(RUN | {"tests": [{"input": over, "expected": ""}]}) == ["tests.0.input"]


@pytest.mark.parametrize(
    ("tests", "field"),
    [
        ([{"input": "1", "expected": "1"}] * (MAX_OWN_TESTS + 1), "tests"),
        ([{"input": "1"}], "tests.0.expected"),
        ([{"input": 1, "expected": "1"}], "tests.0.input"),
        ([{"input": "1", "expected": "1", "name": "mine"}], "tests.0.name"),
        ("1 2", "tests"),
        ([{"input": "\ud800", "expected": "1"}], "tests.0.input"),
    ],
)
def test_bad_tests_are_refused_naming_the_field(tests: Any, field: str) -> None:
    assert fields_refused(RUN | {"tests": tests}) == [field]


def test_all_tests_together_stay_under_one_kafka_record() -> None:
    big = "x" * MAX_OWN_TEST_BYTES
    tests = [{"input": big, "expected": big}] * 5
    assert fields_refused(RUN | {"tests": tests}) == ["tests"]
