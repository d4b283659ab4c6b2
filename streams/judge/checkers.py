"""Checkers: is a program's output an acceptable answer to one test?

Four kinds (`schemas.judge.Checker`):

- exact: byte for byte, except one final line end (`\\n` or `\\r\\n`) that
  either side may have and the other lack; authors and `print` disagree on
  it too often for it to be a wrong answer.
- whitespace: equal as sequences of whitespace-separated tokens.
- float: tokens pairwise equal, where two numeric tokens are equal when they
  differ by at most 10**-float_digits, absolutely or relative to the
  expected value. Arithmetic is decimal, so 1.1 against 1.0 with one digit
  is accepted (binary floats would make that difference 0.10000000000000009).
- custom: a program, run in the sandbox through the `CustomChecker` port.

Function-style problems print JSON. When the expected output is JSON, the
exact, whitespace and float kinds compare JSON values rather than text, so a
harness that prints `[1, 2]` and one that prints `[1,2]` (or `2.0` for `2`)
agree; float compares every number with the tolerance.

Everything here is pure except the port. Messages say where the output went
wrong, never what was expected: they may be shown for hidden tests.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Literal, Protocol

from schemas.judge import Checker, ProblemKind

CheckStatus = Literal["accepted", "wrong_answer", "internal_error"]


@dataclass(frozen=True)
class CheckResult:
    """A checker's answer. internal_error: the checker itself failed, not the program."""

    status: CheckStatus
    message: str = ""

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"


ACCEPTED = CheckResult("accepted")


class CustomChecker(Protocol):
    """Port: runs a problem's own checker program on one test.

    Contract: the program (`checker.language`, `checker.source`) gets the
    test's input, the expected output and the program's actual output as
    three files; exit code 0 accepts, exit code 1 rejects (wrong answer, the
    checker's reason as the message). When the checker cannot be compiled or
    run, exits with another code, or is killed by a limit or a signal, the
    result is internal_error: the judge, not the learner, is at fault.
    """

    def check(
        self, checker: Checker, *, input: bytes, expected: bytes, actual: bytes
    ) -> CheckResult: ...


def check(
    checker: Checker,
    *,
    kind: ProblemKind,
    input: bytes,
    expected: bytes,
    actual: bytes,
    custom: CustomChecker | None = None,
) -> CheckResult:
    """Compare `actual` with `expected` the way the problem's checker says."""
    if checker.kind == "custom":
        if custom is None or not checker.source or not checker.language:
            return CheckResult("internal_error", "custom checker not available")
        return custom.check(checker, input=input, expected=expected, actual=actual)
    digits = checker.float_digits if checker.kind == "float" else None
    if checker.kind == "float" and digits is None:
        return CheckResult("internal_error", "float checker without float_digits")
    if kind == "function" and _json_value(expected) is not _NOT_JSON:
        return check_json(expected, actual, float_digits=digits)
    if checker.kind == "exact":
        return check_exact(expected, actual)
    if checker.kind == "whitespace":
        return check_whitespace(expected, actual)
    assert digits is not None
    return check_float(expected, actual, digits)


def check_exact(expected: bytes, actual: bytes) -> CheckResult:
    want, got = _without_final_newline(expected), _without_final_newline(actual)
    if want == got:
        return ACCEPTED
    want_lines, got_lines = want.split(b"\n"), got.split(b"\n")
    for number, (a, b) in enumerate(zip(want_lines, got_lines, strict=False), start=1):
        if a != b:
            return CheckResult("wrong_answer", f"line {number} differs")
    return CheckResult("wrong_answer", f"expected {len(want_lines)} lines, found {len(got_lines)}")


def check_whitespace(expected: bytes, actual: bytes) -> CheckResult:
    return _compare_tokens(expected.split(), actual.split(), _equal_bytes)


def check_float(expected: bytes, actual: bytes, float_digits: int) -> CheckResult:
    tolerance = Decimal(10) ** -float_digits

    def equal(a: bytes, b: bytes) -> bool:
        return a == b or _close(a, b, tolerance)

    return _compare_tokens(expected.split(), actual.split(), equal)


def check_json(expected: bytes, actual: bytes, *, float_digits: int | None = None) -> CheckResult:
    """Equal as JSON values; with `float_digits`, numbers within the float tolerance."""
    want = _json_value(expected)
    if want is _NOT_JSON:
        return CheckResult("internal_error", "expected output is not a JSON value")
    value = _json_value(actual)
    if value is _NOT_JSON:
        return CheckResult("wrong_answer", "output is not a JSON value")
    tolerance = None if float_digits is None else Decimal(10) ** -float_digits
    if _json_equal(want, value, tolerance):
        return ACCEPTED
    return CheckResult("wrong_answer", "returned value differs")


# --- helpers -------------------------------------------------------------------

_NUMBER = re.compile(rb"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,6})?")
_NOT_JSON = object()


def _without_final_newline(data: bytes) -> bytes:
    if data.endswith(b"\r\n"):
        return data[:-2]
    if data.endswith(b"\n"):
        return data[:-1]
    return data


def _equal_bytes(a: bytes, b: bytes) -> bool:
    return a == b


def _compare_tokens(want: list[bytes], got: list[bytes], equal: _TokenEqual) -> CheckResult:
    for number, (a, b) in enumerate(zip(want, got, strict=False), start=1):
        if not equal(a, b):
            return CheckResult("wrong_answer", f"token {number} differs")
    if len(want) != len(got):
        return CheckResult("wrong_answer", f"expected {len(want)} tokens, found {len(got)}")
    return ACCEPTED


class _TokenEqual(Protocol):
    def __call__(self, a: bytes, b: bytes, /) -> bool: ...


def _close(expected: bytes, actual: bytes, tolerance: Decimal) -> bool:
    if not (_NUMBER.fullmatch(expected) and _NUMBER.fullmatch(actual)):
        return False
    return _decimal_close(Decimal(expected.decode()), Decimal(actual.decode()), tolerance)


def _decimal_close(expected: Decimal, actual: Decimal, tolerance: Decimal) -> bool:
    # Enough precision that the difference of two printed doubles is exact;
    # absolute or relative to the expected value, as testlib's doubleCompare.
    with localcontext() as context:
        context.prec = 60
        try:
            difference = abs(expected - actual)
            return difference <= tolerance or difference <= tolerance * abs(expected)
        except (InvalidOperation, ArithmeticError):
            return False


def _json_value(data: bytes) -> object:
    try:
        # parse_float/parse_int keep numbers exact for the tolerance compare.
        return json.loads(data, parse_float=Decimal, parse_int=Decimal)
    except (ValueError, RecursionError):
        return _NOT_JSON


def _json_equal(expected: object, actual: object, tolerance: Decimal | None) -> bool:
    if isinstance(expected, Decimal) and isinstance(actual, Decimal):
        if expected == actual:
            return True
        return tolerance is not None and _decimal_close(expected, actual, tolerance)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            _json_equal(a, b, tolerance) for a, b in zip(expected, actual, strict=True)
        )
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            _json_equal(expected[key], actual[key], tolerance) for key in expected
        )
    # Strings, booleans and null: equal only to the same type and value
    # (Decimal numbers never compare equal to True/False here).
    return type(expected) is type(actual) and expected == actual
