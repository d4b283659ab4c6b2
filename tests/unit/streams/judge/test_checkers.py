"""Checkers: exact, whitespace, float (decimal tolerance), JSON for function problems, custom."""

from __future__ import annotations

import pytest

from schemas.judge import Checker
from streams.judge.checkers import (
    CheckResult,
    check,
    check_exact,
    check_float,
    check_json,
    check_whitespace,
)


def test_exact_accepts_identical_output_and_forgives_one_final_line_end() -> None:
    assert check_exact(b"1 2\n3\n", b"1 2\n3\n").accepted
    assert check_exact(b"1 2\n3", b"1 2\n3\n").accepted
    assert check_exact(b"1 2\n3\n", b"1 2\n3\r\n").accepted


def test_exact_rejects_any_other_difference_and_says_where() -> None:
    result = check_exact(b"1 2\n3\n", b"1  2\n3\n")
    assert result == CheckResult("wrong_answer", "line 1 differs")
    assert check_exact(b"a\nb\n", b"a\nb\n\n").status == "wrong_answer"
    assert check_exact(b"a\nb\n", b"a\n").message == "expected 2 lines, found 1"
    assert check_exact(b"x\n", b"X\n").status == "wrong_answer"


def test_whitespace_compares_tokens() -> None:
    assert check_whitespace(b"1 2\n3\n", b"  1\t2 3  \r\n\n").accepted
    assert check_whitespace(b"1 2 3", b"1 2 4").message == "token 3 differs"
    assert check_whitespace(b"1 2 3", b"1 2").message == "expected 3 tokens, found 2"
    assert check_whitespace(b"", b"\n \n").accepted


@pytest.mark.parametrize(
    ("expected", "actual", "digits", "accepted"),
    [
        (b"1.0", b"1.1", 1, True),  # exactly at the tolerance: decimal, not binary
        (b"1.0", b"1.11", 1, False),
        (b"0.333333", b"0.3333334", 6, True),
        (b"0.333333", b"0.334", 6, False),
        (b"1000000", b"1000001", 6, True),  # relative: 1e-6 of 1e6 is 1
        (b"1000000", b"1000002", 6, False),
        (b"1e-9", b"0", 6, True),  # absolute near zero
        (b"2.5", b"2.50000", 9, True),
        (b"-3", b"+3", 3, False),
        (b"abc", b"abc", 3, True),  # non-numeric tokens compare as text
        (b"abc", b"abd", 3, False),
        (b"1.5", b"1.5x", 3, False),
        (b"1", b"nan", 3, False),
        (b"1", b"1_0", 3, False),  # Python's float() would take underscores
        (b"1e5", b"100000.0000001", 6, True),
    ],
)
def test_float_tolerance(expected: bytes, actual: bytes, digits: int, accepted: bool) -> None:
    assert check_float(expected, actual, digits).accepted is accepted


def test_float_counts_tokens() -> None:
    assert check_float(b"1.0 2.0", b"1.0", 3).message == "expected 2 tokens, found 1"


def test_json_compares_values_not_text() -> None:
    assert check_json(b"[1,2]", b"[1, 2]\n").accepted
    assert check_json(b'{"a":[true,null],"b":2}', b'{ "b":2.0, "a" : [true,null] }').accepted
    assert check_json(b"[1,2]", b"[2,1]").status == "wrong_answer"
    assert check_json(b"[1]", b"[true]").status == "wrong_answer"  # true is not 1
    assert check_json(b'"x"', b"x").message == "output is not a JSON value"
    assert check_json(b"[1]", b"").status == "wrong_answer"
    assert check_json(b"not json", b"1").status == "internal_error"


def test_json_float_tolerance_applies_to_every_number() -> None:
    expected = b'[0.5,{"x":2.25}]'
    assert check_json(expected, b'[0.50001,{"x":2.24999}]', float_digits=4).accepted
    assert not check_json(expected, b'[0.51,{"x":2.25}]', float_digits=4).accepted
    assert not check_json(expected, b'[0.50001,{"x":2.25}]').accepted  # exact without digits


def test_deeply_nested_output_is_a_wrong_answer_not_a_crash() -> None:
    assert check_json(b"[1]", b"[" * 100_000 + b"]" * 100_000).status == "wrong_answer"


def test_dispatch_by_kind_and_problem_kind() -> None:
    exact = Checker(kind="exact")
    assert check(exact, kind="stdio", input=b"", expected=b"1 2", actual=b"1 2\n").accepted
    assert not check(exact, kind="stdio", input=b"", expected=b"[1,2]", actual=b"[1, 2]").accepted
    assert check(exact, kind="function", input=b"", expected=b"[1,2]", actual=b"[1, 2]").accepted
    whitespace = Checker(kind="whitespace")
    assert check(whitespace, kind="stdio", input=b"", expected=b"1\n2", actual=b"1 2").accepted
    floats = Checker(kind="float", float_digits=2)
    assert check(floats, kind="stdio", input=b"", expected=b"0.5", actual=b"0.505").accepted
    assert check(floats, kind="function", input=b"", expected=b"[0.5]", actual=b"[0.505]").accepted
    # Function output whose expected text is not JSON falls back to the text checker.
    assert check(exact, kind="function", input=b"", expected=b"ab c", actual=b"ab c").accepted


def test_float_checker_without_digits_is_the_judges_fault() -> None:
    broken = Checker(kind="float")
    result = check(broken, kind="stdio", input=b"", expected=b"1", actual=b"1")
    assert result.status == "internal_error"


class FakeCustomChecker:
    """Accepts when the actual output, read as an integer, is the input's double."""

    def __init__(self) -> None:
        self.calls: list[tuple[bytes, bytes, bytes]] = []

    def check(
        self, checker: Checker, *, input: bytes, expected: bytes, actual: bytes
    ) -> CheckResult:
        self.calls.append((input, expected, actual))
        if int(actual) == 2 * int(input):
            return CheckResult("accepted")
        return CheckResult("wrong_answer", "not double")


def test_custom_goes_through_the_port_with_all_three_files() -> None:
    custom = Checker(kind="custom", language="python", source="import sys")
    port = FakeCustomChecker()
    result = check(custom, kind="stdio", input=b"4", expected=b"8", actual=b"8\n", custom=port)
    assert result.accepted
    assert port.calls == [(b"4", b"8", b"8\n")]
    assert check(custom, kind="stdio", input=b"4", expected=b"8", actual=b"9", custom=port) == (
        CheckResult("wrong_answer", "not double")
    )


def test_custom_without_a_port_or_source_is_an_internal_error() -> None:
    custom = Checker(kind="custom", language="python", source="import sys")
    assert check(custom, kind="stdio", input=b"", expected=b"", actual=b"").status == (
        "internal_error"
    )
    no_source = Checker(kind="custom")
    port = FakeCustomChecker()
    result = check(no_source, kind="stdio", input=b"", expected=b"", actual=b"", custom=port)
    assert result.status == "internal_error"
    assert port.calls == []
