"""What a learner or an author sends to /v1/judge: HTTP request bodies and parameters.

These are not the wire records (schemas/judge/records.py): no envelope, and what the
gateway assigns (submission_id, problem_revision) is absent. A language must
be one the judge knows (streams/judge/languages.py), so an unknown one is a
422 naming `language` here rather than an internal error in the judge.

Sizes: a source or a run's stdin over MAX_SOURCE_BYTES (UTF-8) is a 413
naming the field (`check_sizes`), checked before the model so that a huge
source is refused as too large whatever else is wrong with the body.

A problem and its checker take one shape per kind, each a schema of its own in
/openapi.json: a function problem has a function and a stdio one none; a float
checker has float_digits, a custom one a language and a source, the others
neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

from gateway.fields import (
    PRINTABLE,
    WHOLE,
    CallerId,
    OneOfVariants,
    PathParameters,
    QueryParameters,
    RequestModel,
    Ulid,
    encodable,
    forbidden,
    one_of_known,
)
from gateway.judge.own_tests import MAX_OWN_TESTS_BYTES, OwnTests
from gateway.problems import Problem
from schemas.judge import CheckerKind, Difficulty, ProblemKind, ProgressStatus

MAX_SOURCE_BYTES = 64 * 1024
MAX_STDIN_BYTES = 64 * 1024
# The whole body of a run or submission: the source and stdin at their
# limits, JSON-escaped (a control character takes six bytes), and the rest.
MAX_RUN_BODY_BYTES = 6 * (MAX_SOURCE_BYTES + MAX_STDIN_BYTES + MAX_OWN_TESTS_BYTES) + 4096
# A problem is one Kafka record: stay under the broker's 1 MB message limit.
MAX_PROBLEM_BODY_BYTES = 900 * 1024


@cache
def language_ids() -> tuple[str, ...]:
    """The languages the judge runs, sorted (the table is read once)."""
    from streams.judge.languages import languages

    return tuple(sorted(languages()))


_known_language, _language_enum = one_of_known("language", language_ids)


def _one_starter_per_language(schema: dict[str, Any]) -> None:
    schema["allOf"] = [
        {"contains": {"required": ["language"], "properties": {"language": {"const": language}}},
         "minContains": 0, "maxContains": 1}
        for language in language_ids()
    ]  # fmt: skip


UserId = CallerId
ProblemId = Annotated[
    str,
    StringConstraints(strict=True, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$"),
    Field(description="a slug, e.g. 'two-sum'"),
]
SubmissionId = Annotated[Ulid, Field(description="ULID the gateway assigned")]
LanguageId = Annotated[
    str,
    StringConstraints(strict=True, pattern=r"^[a-z][a-z0-9_]{0,31}$"),
    AfterValidator(_known_language),
    Field(description="a language id of the judge", json_schema_extra=_language_enum),
]
Source = Annotated[
    str,
    StringConstraints(strict=True, min_length=1),
    AfterValidator(encodable),
    Field(description=f"at most {MAX_SOURCE_BYTES} bytes of UTF-8 (more is a 413)"),
]
Stdin = Annotated[
    str,
    StringConstraints(strict=True),
    AfterValidator(encodable),
    Field(description=f"at most {MAX_STDIN_BYTES} bytes of UTF-8 (more is a 413)"),
]
Title = Annotated[
    str,
    StringConstraints(strict=True, min_length=1, max_length=200, pattern=PRINTABLE),
    AfterValidator(encodable),
]
Category = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Positive = Annotated[StrictInt, Field(gt=0, le=2**31 - 1), WHOLE]
Text = Annotated[str, StringConstraints(strict=True), AfterValidator(encodable)]
Hint = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=2000), AfterValidator(encodable)
]
# The checker compares numbers within 10**-float_digits.
FloatDigits = Annotated[StrictInt, Field(ge=0, le=30), WHOLE]


def check_sizes(body: Mapping[str, Any]) -> None:
    """413 naming the first field over its limit (source, stdin)."""
    for name, limit in (("source", MAX_SOURCE_BYTES), ("stdin", MAX_STDIN_BYTES)):
        value = body.get(name)
        if isinstance(value, str) and len(value.encode("utf-8", "surrogatepass")) > limit:
            raise Problem(
                413,
                "source-too-large",
                f"{name} exceeds {limit} bytes",
                errors=[{"pointer": f"#/{name}", "field": name,
                         "detail": f"at most {limit} bytes of UTF-8"}],
            )  # fmt: skip


class SubmitRequest(RequestModel):
    user_id: UserId
    problem_id: ProblemId
    language: LanguageId
    source: Source


class RunRequest(SubmitRequest):
    stdin: Stdin = ""
    tests: OwnTests = Field(default_factory=list)


class MarkProgressRequest(RequestModel):
    status: ProgressStatus


class ProgressPath(PathParameters):
    user_id: UserId
    problem_id: ProblemId


# The parts of a problem as its author sends them: the records'
# (schemas/judge/records.py), strict, with known languages.
class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TestCaseRequest(_Part):
    __test__ = False  # not a pytest class
    name: Text
    input: Text
    expected: Text


class StarterCodeRequest(_Part):
    language: LanguageId
    source: Text


class FunctionSignatureRequest(_Part):
    name: Text
    params: list[Text]


NoFloatDigits = Annotated[None, BeforeValidator(forbidden("only a float checker has float_digits"))]
NoProgram = Annotated[None, BeforeValidator(forbidden("only a custom checker runs a program"))]


class _Checker(_Part):
    kind: CheckerKind
    float_digits: FloatDigits | None = None
    language: LanguageId | None = None
    source: Source | None = None


class ComparingChecker(_Checker):
    kind: Literal["exact", "whitespace"]
    float_digits: NoFloatDigits = None
    language: NoProgram = None
    source: NoProgram = None


class FloatChecker(_Checker):
    kind: Literal["float"]
    float_digits: FloatDigits
    language: NoProgram = None
    source: NoProgram = None


class CustomChecker(_Checker):
    kind: Literal["custom"]
    float_digits: NoFloatDigits = None
    language: LanguageId
    source: Source


class CheckerRequest(_Checker, OneOfVariants):
    variants = (ComparingChecker, FloatChecker, CustomChecker)
    tags = ("kind",)


NoFunction = Annotated[None, BeforeValidator(forbidden("a stdio problem has no function"))]


class _Problem(RequestModel):
    problem_id: ProblemId
    revision: Positive | None = Field(default=None, description="default: latest + 1")
    title: Title
    statement: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=65536)]
    difficulty: Difficulty
    category: Category
    kind: ProblemKind
    time_limit_ms: Annotated[StrictInt, Field(gt=0, le=60_000), WHOLE]
    memory_limit_kb: Annotated[StrictInt, Field(gt=0, le=4 * 1024 * 1024), WHOLE]
    checker: CheckerRequest
    samples: list[TestCaseRequest]
    hidden: Annotated[list[TestCaseRequest], Field(min_length=1)]
    starter: Annotated[list[StarterCodeRequest], Field(json_schema_extra=_one_starter_per_language)]
    function: FunctionSignatureRequest | None = None
    hints: Annotated[
        list[Hint], Field(max_length=10, description="progressive hints, the gentlest first")
    ] = Field(default_factory=list)

    @field_validator("starter", mode="after")
    @classmethod
    def _one_per_language(cls, starter: list[StarterCodeRequest]) -> list[StarterCodeRequest]:
        seen: set[str] = set()
        for code in starter:
            if code.language in seen:
                raise PydanticCustomError(
                    "duplicate_language", "starter code given twice for '{language}'",
                    {"language": code.language},
                )  # fmt: skip
            seen.add(code.language)
        return starter


class StdioProblem(_Problem):
    kind: Literal["stdio"]
    function: NoFunction = None


class FunctionProblem(_Problem):
    kind: Literal["function"]
    function: FunctionSignatureRequest


class PublishProblemRequest(_Problem, OneOfVariants):
    """A problem as its author publishes it; `revision` defaults to the
    latest known one + 1 (the gateway reads the problems read model)."""

    variants = (StdioProblem, FunctionProblem)
    tags = ("kind",)


class ProblemsQuery(QueryParameters):
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: ProblemId | None = Field(default=None, description="next_cursor of the last page")
    difficulty: Difficulty | None = None
    category: Category | None = None


class ProblemQuery(QueryParameters):
    problem_id: ProblemId


class HintQuery(QueryParameters):
    problem_id: ProblemId
    n: Annotated[int, Field(ge=1, le=1000, description="which hint, 1-based (gentlest first)")]


class SubmissionQuery(QueryParameters):
    submission_id: SubmissionId


class ProgressQuery(QueryParameters):
    user_id: UserId
    problem_id: ProblemId | None = Field(default=None, description="only this problem")
