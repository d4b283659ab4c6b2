"""The coding-interview platform's records: problems, what learners send, what the judge found.

Times are integer milliseconds, memory integer kilobytes, float tolerances an
integer number of decimal digits (no floats in records). Topics and keys:
topics.py beside this module.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.envelope import Record

Difficulty = Literal["easy", "medium", "hard"]
ProblemKind = Literal["stdio", "function"]
CheckerKind = Literal["exact", "whitespace", "float", "custom"]
Mode = Literal["run", "submit"]
ProgressStatus = Literal["not_started", "in_progress", "completed"]
# One word per outcome; the HTTP layer shows them as "Accepted", "Wrong Answer", ...
Verdict = Literal[
    "accepted",
    "wrong_answer",
    "time_limit_exceeded",
    "memory_limit_exceeded",
    "runtime_error",
    "compilation_error",
    "output_limit_exceeded",
    "internal_error",
]

_NS = "onelog.judge."
# A value a function-style problem passes or returns (FunctionSignature).
_VALUE_TYPE = re.compile(r"(int|long|double|bool|string)(\[\])*")


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TestCase(_Part):
    """One input and the output it must produce (function style: both are JSON text)."""

    __test__ = False  # not a pytest class
    name: str
    input: str
    expected: str


class Checker(_Part):
    """How an output is compared with the expected one.

    exact: byte for byte; whitespace: equal as sequences of whitespace-separated
    tokens; float: tokens equal, numbers within 10**-float_digits (absolute or
    relative); custom: a program in `language` reads input, expected and actual
    output files and exits 0 to accept.
    """

    kind: CheckerKind
    float_digits: int | None = None
    language: str | None = None
    source: str | None = None


class StarterCode(_Part):
    language: str
    source: str


class FunctionSignature(_Part):
    """A function-style problem: the learner writes `name(params...)`.

    A test's input is a JSON array of the arguments; its output, the JSON result.
    `types` (one per parameter) and `returns` are in the judge's own small type
    language, `int | long | double | bool | string` followed by any number of
    `[]`: the languages whose harness is generated per signature (C, C++, Go,
    Rust, C#, Kotlin) need them; the others find the function by name.
    """

    name: str
    params: list[str]
    types: list[str] = Field(default=[])
    returns: str = ""

    @model_validator(mode="after")
    def _one_type_per_parameter(self) -> FunctionSignature:
        if self.types and len(self.types) != len(self.params):
            raise ValueError(f"types: {len(self.types)} given for {len(self.params)} parameters")
        if bool(self.types) != bool(self.returns):
            raise ValueError("types and returns: give both or neither")
        for where, value in [*(("types", t) for t in self.types), ("returns", self.returns)]:
            if value and not _VALUE_TYPE.fullmatch(value):
                raise ValueError(
                    f"{where}: {value!r} is not a value type (int, long, double, bool, "
                    "string, each with any number of [])"
                )
        return self


# --- authors: judge.problems, key problem_id ---------------------------------


class ProblemPublished(Record):
    """A problem as of one revision; a revision replaces the previous one whole."""

    schema_name = _NS + "ProblemPublished"
    schema_version = 2
    problem_id: str = Field(description="a slug, e.g. 'two-sum'")
    revision: int = Field(ge=1)
    title: str
    statement: str = Field(description="markdown")
    difficulty: Difficulty
    category: str
    kind: ProblemKind
    time_limit_ms: int = Field(gt=0)
    memory_limit_kb: int = Field(gt=0)
    checker: Checker
    samples: list[TestCase] = Field(description="shown to the learner")
    hidden: list[TestCase] = Field(description="never shown")
    starter: list[StarterCode]
    function: FunctionSignature | None = Field(default=None, description="function kind only")
    hints: list[str] = Field(
        default=[],
        description="progressive hints, the gentlest first: shown one at a time on request",
    )


# --- learners: judge.commands, key user_id ------------------------------------


class RunCode(Record):
    """Run a source on custom input: output back, no verdict, no progress."""

    schema_name = _NS + "RunCode"
    schema_version = 2
    submission_id: str = Field(description="ULID assigned by the gateway")
    user_id: str
    problem_id: str
    problem_revision: int
    language: str
    source: str
    stdin: str
    tests: list[TestCase] = Field(
        default=[],
        description="the learner's own tests with expected output: each is judged by the "
        "problem's checker, as a submission's are (stdin is then unused)",
    )


class SubmitSolution(Record):
    """Judge a source against every test of the problem."""

    schema_name = _NS + "SubmitSolution"
    submission_id: str = Field(description="ULID assigned by the gateway")
    user_id: str
    problem_id: str
    problem_revision: int
    language: str
    source: str


class MarkProgress(Record):
    """A learner marks a problem by hand."""

    schema_name = _NS + "MarkProgress"
    user_id: str
    problem_id: str
    status: ProgressStatus


# --- the judge's facts: judge.events, key user_id -----------------------------


class SubmissionCompiled(Record):
    """The source was compiled (or found in the compile cache), or failed to."""

    schema_name = _NS + "SubmissionCompiled"
    submission_id: str
    user_id: str
    ok: bool
    cached: bool
    compile_time_ms: int
    message: str = Field(description="the compiler's output, cut to a few KB")


class TestJudged(Record):
    """One test of a submission and how it went."""

    __test__ = False
    schema_name = _NS + "TestJudged"
    submission_id: str
    user_id: str
    problem_id: str
    index: int = Field(description="0-based, samples first")
    test_name: str
    hidden: bool
    outcome: Verdict
    time_ms: int
    memory_kb: int
    exit_code: int | None = None
    signal: int | None = None
    output_excerpt: str = Field(description="the program's output, cut; empty for hidden tests")


class SubmissionJudged(Record):
    """The one verdict of a submission (mode submit) or the outcome of a run (mode run)."""

    schema_name = _NS + "SubmissionJudged"
    submission_id: str
    user_id: str
    problem_id: str
    problem_revision: int
    language: str
    mode: Mode
    verdict: Verdict
    passed: int
    total: int
    time_ms: int = Field(description="the slowest test's CPU time")
    memory_kb: int = Field(description="the largest test's peak memory")
    exit_code: int | None = None
    signal: int | None = None
    message: str = Field(description="why, for a person: compiler output, signal name, ...")
    stdout: str = Field(default="", description="run mode: the program's output, cut")
    stderr: str = Field(default="", description="run mode: the program's errors, cut")


class ProgressMarked(Record):
    schema_name = _NS + "ProgressMarked"
    user_id: str
    problem_id: str
    status: ProgressStatus


AUTHOR_RECORDS: tuple[type[Record], ...] = (ProblemPublished,)
LEARNER_COMMANDS: tuple[type[Record], ...] = (RunCode, SubmitSolution, MarkProgress)
JUDGE_FACTS: tuple[type[Record], ...] = (
    SubmissionCompiled,
    TestJudged,
    SubmissionJudged,
    ProgressMarked,
)
ALL: tuple[type[Record], ...] = AUTHOR_RECORDS + LEARNER_COMMANDS + JUDGE_FACTS
