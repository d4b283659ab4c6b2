"""A run's own tests as a learner sends them (POST /v1/judge/runs `tests`):
inputs with the output they expect, judged by the problem's checker.

Each input and expected output is at most MAX_OWN_TEST_BYTES of UTF-8, and
there are at most MAX_OWN_TESTS: a 422 names the field (`tests.3.expected`,
0-based as every pointer of the API). All of them together stay under
MAX_OWN_TESTS_BYTES, because the RunCode that carries them is one Kafka
record and the broker takes at most 1 MB. The gateway names them
custom-1..n: a learner's name would show in the judge's messages unchecked.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from gateway.fields import encodable

MAX_OWN_TESTS = 10
MAX_OWN_TEST_BYTES = 64 * 1024
MAX_OWN_TESTS_BYTES = 512 * 1024
OWN_TEST_PREFIX = "custom-"


def _utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _within_test_limit(text: str) -> str:
    if _utf8_bytes(text) > MAX_OWN_TEST_BYTES:
        raise PydanticCustomError(
            "too_large", "at most {limit} bytes of UTF-8", {"limit": MAX_OWN_TEST_BYTES}
        )
    return text


OwnTestText = Annotated[
    str,
    StringConstraints(strict=True),
    AfterValidator(_within_test_limit),
    AfterValidator(encodable),
    # The schema can only bound characters: a text within the byte limit
    # has at most that many, so the document never refuses what we accept.
    Field(
        description=f"at most {MAX_OWN_TEST_BYTES} bytes of UTF-8",
        json_schema_extra={"maxLength": MAX_OWN_TEST_BYTES},
    ),
]


class OwnTestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    input: OwnTestText
    expected: OwnTestText


def _within_total_limit(tests: list[OwnTestRequest]) -> list[OwnTestRequest]:
    total = sum(_utf8_bytes(test.input) + _utf8_bytes(test.expected) for test in tests)
    if total > MAX_OWN_TESTS_BYTES:
        raise PydanticCustomError(
            "too_large",
            "inputs and expected outputs together at most {limit} bytes of UTF-8",
            {"limit": MAX_OWN_TESTS_BYTES},
        )
    return tests


OwnTests = Annotated[
    list[OwnTestRequest],
    Field(
        max_length=MAX_OWN_TESTS,
        description=(
            f"at most {MAX_OWN_TESTS} tests of your own, each judged by the problem's checker "
            "(stdin is then unused); named custom-1..n"
        ),
    ),
    AfterValidator(_within_total_limit),
]


def own_test_cases(tests: list[OwnTestRequest]) -> list[dict[str, Any]]:
    """The tests as RunCode carries them (schemas TestCase), named custom-1..n."""
    return [
        {"name": f"{OWN_TEST_PREFIX}{number}", "input": test.input, "expected": test.expected}
        for number, test in enumerate(tests, start=1)
    ]
