"""What a learner or an author sends to /v1/judge: HTTP request bodies and parameters.

These are not the wire records (schemas/judge.py): no envelope, and what the
gateway assigns (submission_id, problem_revision) is absent. A language must
be one the judge knows (streams/judge/languages.py), so an unknown one is a
422 naming `language` here rather than an internal error in the judge.

Sizes: a source or a run's stdin over MAX_SOURCE_BYTES (UTF-8) is a 413
naming the field (`check_sizes`), checked before the model so that a huge
source is refused as too large whatever else is wrong with the body.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from gateway.fields import (
    CallerId,
    PathParameters,
    QueryParameters,
    RequestModel,
    Ulid,
    encodable,
    printable,
)
from gateway.problems import Problem
from schemas.judge import (
    Checker,
    Difficulty,
    FunctionSignature,
    ProblemKind,
    ProgressStatus,
    StarterCode,
    TestCase,
)

MAX_SOURCE_BYTES = 64 * 1024
MAX_STDIN_BYTES = 64 * 1024
# The whole body of a run or submission: the source and stdin at their
# limits, JSON-escaped (a control character takes six bytes), and the rest.
MAX_RUN_BODY_BYTES = 6 * (MAX_SOURCE_BYTES + MAX_STDIN_BYTES) + 4096
# A problem is one Kafka record: stay under the broker's 1 MB message limit.
MAX_PROBLEM_BODY_BYTES = 900 * 1024


@cache
def language_ids() -> tuple[str, ...]:
    """The languages the judge runs, sorted (the table is read once)."""
    from streams.judge.languages import languages

    return tuple(sorted(languages()))


def _known_language(language: str) -> str:
    known = language_ids()
    if language not in known:
        raise PydanticCustomError(
            "unknown_language",
            "unknown language '{language}'; known: {known}",
            {"language": language, "known": ", ".join(known)},
        )
    return language


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
    Field(description="a language id of the judge: python, cpp, java, ..."),
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
    str, StringConstraints(strict=True, min_length=1, max_length=200), AfterValidator(printable)
]
Category = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Positive = Annotated[StrictInt, Field(gt=0, le=2**31 - 1)]


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


class MarkProgressRequest(RequestModel):
    status: ProgressStatus


class ProgressPath(PathParameters):
    user_id: UserId
    problem_id: ProblemId


class PublishProblemRequest(RequestModel):
    """A problem as its author publishes it; `revision` defaults to the
    latest known one + 1 (the gateway reads the problems read model)."""

    problem_id: ProblemId
    revision: Positive | None = Field(default=None, description="default: latest + 1")
    title: Title
    statement: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=65536)]
    difficulty: Difficulty
    category: Category
    kind: ProblemKind
    time_limit_ms: Annotated[StrictInt, Field(gt=0, le=60_000)]
    memory_limit_kb: Annotated[StrictInt, Field(gt=0, le=4 * 1024 * 1024)]
    checker: Checker
    samples: list[TestCase]
    hidden: Annotated[list[TestCase], Field(min_length=1)]
    starter: list[StarterCode]
    function: FunctionSignature | None = Field(
        default=None, validate_default=True, description="function kind only"
    )

    @field_validator("checker", mode="after")
    @classmethod
    def _checker_is_complete(cls, checker: Checker) -> Checker:
        if checker.kind == "float" and checker.float_digits is None:
            raise PydanticCustomError("float_digits_required", "a float checker needs float_digits")
        if checker.kind == "custom":
            if not checker.source or checker.language is None:
                raise PydanticCustomError(
                    "checker_program_required", "a custom checker needs a language and a source"
                )
            _known_language(checker.language)
        return checker

    @field_validator("starter", mode="after")
    @classmethod
    def _starter_languages(cls, starter: list[StarterCode]) -> list[StarterCode]:
        seen: set[str] = set()
        for code in starter:
            _known_language(code.language)
            if code.language in seen:
                raise PydanticCustomError(
                    "duplicate_language", "starter code given twice for '{language}'",
                    {"language": code.language},
                )  # fmt: skip
            seen.add(code.language)
        return starter

    @field_validator("function", mode="after")
    @classmethod
    def _function_matches_kind(
        cls, function: FunctionSignature | None, info: ValidationInfo
    ) -> FunctionSignature | None:
        kind = info.data.get("kind")
        if kind == "function" and function is None:
            raise PydanticCustomError("function_required", "a function problem needs a function")
        if kind == "stdio" and function is not None:
            raise PydanticCustomError("function_forbidden", "a stdio problem has no function")
        return function


class ProblemsQuery(QueryParameters):
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: ProblemId | None = Field(default=None, description="next_cursor of the last page")
    difficulty: Difficulty | None = None
    category: Category | None = None


class ProblemQuery(QueryParameters):
    problem_id: ProblemId


class SubmissionQuery(QueryParameters):
    submission_id: SubmissionId


class ProgressQuery(QueryParameters):
    user_id: UserId
    problem_id: ProblemId | None = Field(default=None, description="only this problem")
