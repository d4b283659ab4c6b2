"""Evaluation: compile once, run each test in the sandbox, judge each run, decide one verdict.

`evaluate` is the orchestration between the ports (sandbox, toolchain, custom
checker) and the pure parts (checkers, verdict). It blocks; the agent calls it
in a worker thread and turns the `Evaluation` into records. It never raises
for anything a submission or the judge's machinery does: a sandbox or
toolchain failure becomes an internal_error verdict, so every command gets
exactly one answer.

Decisions:

- Submit stops at the first test that is not accepted (LeetCode, Codeforces):
  a TLE solution on 50 tests must not hold a core for 50 time limits. The
  tests that ran each get their outcome; `passed`/`total` say how far it got
  ("Wrong Answer on test 3", 2 of 10 passed). `stop_at_first_failure=False`
  runs them all (for authors checking a problem).
- Samples first, then hidden tests, in the catalog's order; `index` is 0-based
  over both.
- Progress: `on_progress(k, n)` just before test k (1-based) of n starts. It
  is not a fact, and a failing callback does not fail the evaluation.
- Limits: the language table's run limits, then the problem's (a trusted
  layer, `limits.effective_limits`): CPU time = problem.time_limit_ms times
  the language's time factor, wall clock = 2 x CPU + 2 s (a run waiting on
  nothing is stopped long before the default 10 s), memory =
  problem.memory_limit_kb for every language, counted as the cgroup sees it,
  runtime included, as Codeforces does; the output cap is the language's
  (64 KB by default) or twice the test's expected output, whichever is
  more. JVM languages get twice the time (`TIME_FACTORS`): their start-up and
  JIT threads cost CPU time that the problem's author, timing a Python or
  C++ reference, never paid.
- Hidden tests never show their output: their excerpt is empty and a runtime
  error's message carries no stderr (a program could print the hidden input
  there and crash on purpose).
- Run mode (RunCode): compile, run once on the learner's stdin, no checker:
  a clean exit is "accepted", a crash or limit its verdict; stdout and
  stderr come back cut to RUN_EXCERPT_BYTES; no tests (passed = total = 0).
  A run with tests of its own (RunCode.tests) judges each with the
  problem's checker as a submission's samples are, every one (none hidden,
  no stop at the first failure), and its verdict is theirs.
- Function-style problems: the language's harness files go next to the
  learner's source; the language's compile argv gets the harness's files
  added, its run argv the harness as its program (`harness/`). The harness
  prints the result as JSON and the problem's checker compares it
  (JSON-aware, see checkers.py).
"""

from __future__ import annotations

import codecs
import functools
import logging
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from schemas.judge import Checker, Mode, ProblemPublished, RunCode, SubmitSolution, TestCase
from streams.judge.checkers import CheckResult, CustomChecker, check
from streams.judge.harness import Harness, HarnessError, harnesses
from streams.judge.languages import Language, languages
from streams.judge.limits import LimitOverrides, Limits, effective_limits
from streams.judge.sandbox import RunResult, Sandbox
from streams.judge.toolchain import Compiled, Toolchain
from streams.judge.verdict import (
    CompileOutcome,
    TestOutcome,
    VerdictOutcome,
    final_verdict,
    judge_run,
)
from streams.judge.warm_sandbox import submission_runs

log = logging.getLogger(__name__)

TEST_EXCERPT_BYTES = 256  # a test's output in TestJudged
STDERR_EXCERPT_BYTES = 1024  # the end of stderr in a runtime error's message (samples only)
RUN_EXCERPT_BYTES = 4096  # run mode's stdout and stderr
COMPILE_MESSAGE_CHARS = 4096  # the compiler's message in a record
# CPU time multiplier per language id; the rest get 1. Belongs in the language
# table (`time_factor`) once it has such a key.
TIME_FACTORS: Mapping[str, int] = {"java": 2, "kotlin": 2}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Evaluation:
    """Everything the judge found about one command, in the order the facts are emitted."""

    mode: Mode
    compiled: CompileOutcome
    tests: tuple[TestOutcome, ...]  # the tests that ran, in order; empty in a run without tests
    verdict: VerdictOutcome


def _no_progress(k: int, n: int) -> None:
    """The default progress callback: nobody is watching."""


def evaluate(
    problem: ProblemPublished,
    command: RunCode | SubmitSolution,
    *,
    sandbox: Sandbox,
    toolchain: Toolchain,
    on_progress: Progress = _no_progress,
    custom_checker: CustomChecker | None = None,
    stop_at_first_failure: bool = True,
    language_table: Mapping[str, Language] | None = None,
    harness_table: Mapping[str, Harness] | None = None,
) -> Evaluation:
    """Judge `command` against `problem` (submit) or run it on its stdin (run). Never raises."""
    mode: Mode = "run" if isinstance(command, RunCode) else "submit"
    tests = (
        tuple(command.tests)
        if isinstance(command, RunCode)
        else (*problem.samples, *problem.hidden)
    )
    total = len(tests)
    table = languages() if language_table is None else language_table
    language = table.get(command.language)
    if language is None:
        return unjudged(mode, total, f"unknown language {command.language!r}")
    program = _program(problem, language, _harnesses() if harness_table is None else harness_table)
    if isinstance(program, str):
        return unjudged(mode, total, program)

    try:
        built = toolchain.compile(
            language, command.source, files=program.files, compile_argv=program.compile
        )
    except Exception:
        log.exception("judge: compiling %s failed", command.submission_id)
        return unjudged(mode, total, "the judge could not compile the source")
    compiled = CompileOutcome(
        ok=built.ok,
        cached=built.cached,
        time_ms=built.time_ms,
        message=_clean(built.message)[:COMPILE_MESSAGE_CHARS],
    )
    if not built.ok:
        return Evaluation(mode, compiled, (), final_verdict(compiled, (), total=total))

    limits = run_limits(problem, language)
    read_only = tuple(Path(path) for path in language.read_only)

    def run(stdin: bytes, expected_bytes: int) -> RunResult:
        return sandbox.run(
            program.run,
            workdir=built.workdir,
            stdin=stdin,
            limits=with_room_for(limits, expected_bytes),
            read_only=read_only,
            writable_workdir=False,
        )

    if isinstance(command, RunCode) and not command.tests:
        return _run_once(compiled, run, command.stdin.encode())
    checker = custom_checker
    if checker is None and problem.checker.kind == "custom":
        checker = SandboxChecker(sandbox, toolchain, table)
    outcomes: list[TestOutcome] = []
    # One warm sandbox for all the tests where the language has one (warm_sandbox.py).
    with submission_runs(
        sandbox, program.run, workdir=built.workdir, read_only=read_only, limits=limits
    ) as warm:

        def run_warm(stdin: bytes, expected_bytes: int) -> RunResult:
            return warm(stdin, with_room_for(limits, expected_bytes))

        for index, test in enumerate(tests):
            _report(on_progress, index + 1, total)
            # A run's tests are the learner's own: shown, and every one judged.
            hidden = mode == "submit" and index >= len(problem.samples)
            outcome = _judge_test(problem, index, test, hidden, run_warm, checker)
            outcomes.append(outcome)
            if stop_at_first_failure and mode == "submit" and outcome.verdict != "accepted":
                break
    return Evaluation(
        mode, compiled, tuple(outcomes), final_verdict(compiled, outcomes, total=total)
    )


def run_limits(problem: ProblemPublished, language: Language) -> Limits:
    """One test's limits: the language's, then the problem's time (scaled) and memory."""
    cpu = problem.time_limit_ms * TIME_FACTORS.get(language.id, 1)
    return effective_limits(
        language=language.limits,
        problem=LimitOverrides(
            cpu_time_ms=cpu, wall_time_ms=2 * cpu + 2_000, memory_kb=problem.memory_limit_kb
        ),
    )


def with_room_for(limits: Limits, expected_bytes: int) -> Limits:
    """`limits` with an output cap of at least twice the expected output.

    A test whose answer is 95 KB must not be Output Limit Exceeded under the
    64 KB default; as in Codeforces, the cap follows the answer's size.
    """
    needed_kb = 2 * (expected_bytes // 1024 + 1)
    if needed_kb <= limits.output_kb:
        return limits
    return limits.set_to(LimitOverrides(output_kb=needed_kb))


def excerpt(data: bytes, limit: int, *, tail: bool = False) -> str:
    """At most `limit` bytes of `data` (its start, or its end) as text safe for any record.

    Decoded as UTF-8 with replacement characters, without a character split by
    the cut, and without NULs (binary garbage on stdout must not break records).
    """
    if len(data) <= limit:
        cut = data
    elif tail:
        cut = data[-limit:]
        # Skip the continuation bytes of a character the cut split.
        skip = 0
        while skip < min(3, len(cut)) and cut[skip] & 0xC0 == 0x80:
            skip += 1
        cut = cut[skip:]
    else:
        cut = data[:limit]
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    # final=False holds back an incomplete last character rather than mangling it.
    text = decoder.decode(cut, final=len(data) <= limit)
    text = _clean(text)
    if len(data) > limit:
        text = "…" + text if tail else text + "…"
    return text


# --- the program to run --------------------------------------------------------


@dataclass(frozen=True)
class _Program:
    files: dict[str, str] | None  # next to the source (a harness)
    compile: tuple[str, ...] | None  # the compile argv; the language's when None
    run: tuple[str, ...]


def _program(
    problem: ProblemPublished, language: Language, table: Mapping[str, Harness]
) -> _Program | str:
    """What to compile and run for this problem in this language, or why it cannot be."""
    if problem.kind == "stdio":
        return _Program(None, None, language.run)
    harness = table.get(language.id)
    if problem.function is None:
        return f"function problem {problem.problem_id!r} has no function signature"
    if harness is None:
        return f"{language.name} has no harness for function-style problems"
    try:
        return _Program(
            harness.files_for(problem.function),
            harness.compile_argv(language),
            harness.run_argv(language, problem.function.name),
        )
    except HarnessError as error:
        return str(error)


@functools.cache
def _harnesses() -> Mapping[str, Harness]:
    return harnesses()


# --- one test, one run ---------------------------------------------------------


def _judge_test(
    problem: ProblemPublished,
    index: int,
    test: TestCase,
    hidden: bool,
    run: Callable[[bytes, int], RunResult],
    custom: CustomChecker | None,
) -> TestOutcome:
    stdin = test.input.encode()
    expected = test.expected.encode()
    try:
        result = run(stdin, len(expected))
    except Exception:
        log.exception("judge: test %d of %s failed in the sandbox", index, problem.problem_id)
        return TestOutcome(
            index, test.name, hidden, "internal_error", 0, 0, None, None, "",
            "Internal Error: the sandbox failed",
        )  # fmt: skip
    checked: CheckResult | None = None
    if _ran_clean(result):
        try:
            checked = check(
                problem.checker,
                kind=problem.kind,
                input=stdin,
                expected=expected,
                actual=result.stdout,
                custom=custom,
            )
        except Exception:
            log.exception("judge: checking test %d of %s failed", index, problem.problem_id)
            checked = CheckResult("internal_error", "the checker failed")
    judged = judge_run(result, checked)
    message = judged.message
    if judged.verdict == "runtime_error" and not hidden and result.stderr:
        message += "\n" + excerpt(result.stderr, STDERR_EXCERPT_BYTES, tail=True)
    return TestOutcome(
        index=index,
        name=test.name,
        hidden=hidden,
        verdict=judged.verdict,
        time_ms=result.cpu_time_ms,
        memory_kb=result.memory_kb,
        exit_code=result.exit_code,
        signal=result.signal,
        output_excerpt="" if hidden else excerpt(result.stdout, TEST_EXCERPT_BYTES),
        message=message,
    )


def _ran_clean(result: RunResult) -> bool:
    """Worth checking: the verdict would not be decided by the run alone."""
    return judge_run(result, None).verdict == "accepted"


def _run_once(
    compiled: CompileOutcome, run: Callable[[bytes, int], RunResult], stdin: bytes
) -> Evaluation:
    try:
        result = run(stdin, 0)
    except Exception:
        log.exception("judge: a run failed in the sandbox")
        return unjudged("run", 0, "the sandbox failed", compiled)
    judged = judge_run(result, None)
    verdict = VerdictOutcome(
        verdict=judged.verdict,
        passed=0,
        total=0,
        time_ms=result.cpu_time_ms,
        memory_kb=result.memory_kb,
        exit_code=result.exit_code,
        signal=result.signal,
        message=judged.message,
        stdout=excerpt(result.stdout, RUN_EXCERPT_BYTES),
        stderr=excerpt(result.stderr, RUN_EXCERPT_BYTES, tail=True),
    )
    return Evaluation("run", compiled, (), verdict)


def unjudged(
    mode: Mode, total: int, why: str, compiled: CompileOutcome | None = None
) -> Evaluation:
    """The judge could not do its part: an internal_error, never the learner's fault."""
    compiled = compiled or CompileOutcome(ok=False, message=why, internal=True)
    verdict = VerdictOutcome("internal_error", 0, total, 0, 0, None, None, f"Internal Error: {why}")
    return Evaluation(mode, compiled, (), verdict)


def _report(on_progress: Progress, k: int, n: int) -> None:
    try:
        on_progress(k, n)
    except Exception:
        log.exception("judge: the progress callback failed (ignored)")


def _clean(text: str) -> str:
    return text.replace("\x00", "")


# --- the custom checker, run in the sandbox -------------------------------------

CHECKER_FILES = ("input.txt", "expected.txt", "actual.txt")
CHECKER_REJECTS = 1  # the exit code that means "wrong answer"; 0 accepts, others are failures


class SandboxChecker:
    """The real `CustomChecker`: compiles the problem's checker once, runs it per test.

    The checker's argv is its language's run argv plus the three file names
    (input, expected, actual), in a fresh work dir holding a copy of its
    compiled entry and the three files. Exit 0 accepts, exit 1 rejects (its
    stdout, or else stderr, is the reason); anything else (another code, a
    signal, a limit, a compile error, a sandbox failure) is internal_error.
    """

    def __init__(
        self, sandbox: Sandbox, toolchain: Toolchain, language_table: Mapping[str, Language]
    ) -> None:
        self.sandbox = sandbox
        self.toolchain = toolchain
        self.languages = language_table

    def check(
        self, checker: Checker, *, input: bytes, expected: bytes, actual: bytes
    ) -> CheckResult:
        language = self.languages.get(checker.language or "")
        if language is None or checker.source is None:
            return CheckResult("internal_error", f"checker language {checker.language!r} unknown")
        built = self.toolchain.compile(language, checker.source)
        if not built.ok:
            return CheckResult("internal_error", "checker does not compile: " + built.message)
        result = self._run(language, built, (input, expected, actual))
        reason = excerpt(result.stdout.strip() or result.stderr.strip(), TEST_EXCERPT_BYTES)
        if judge_run(result, None).verdict == "accepted":
            return CheckResult("accepted")
        if result.exit_code == CHECKER_REJECTS and not _limited(result):
            return CheckResult("wrong_answer", reason)
        return CheckResult("internal_error", judge_run(result, None).message)

    def _run(self, language: Language, built: Compiled, contents: Sequence[bytes]) -> RunResult:
        # Beside the compiled entries, a folder the run's uid reaches by
        # construction; the host's temporary folder may not be one (TMPDIR in a home).
        box = Path(tempfile.mkdtemp(prefix=".checker-", dir=self.toolchain.cache_dir))
        try:
            shutil.copytree(built.workdir, box, dirs_exist_ok=True)
            for name, content in zip(CHECKER_FILES, contents, strict=True):
                (box / name).write_bytes(content)
                (box / name).chmod(0o644)  # the run reads them as another uid
            box.chmod(0o755)
            return self.sandbox.run(
                (*language.run, *CHECKER_FILES),
                workdir=box,
                stdin=b"",
                limits=effective_limits(language=language.limits),
                read_only=tuple(Path(path) for path in language.read_only),
                writable_workdir=False,
            )
        finally:
            shutil.rmtree(box, ignore_errors=True)


def _limited(result: RunResult) -> bool:
    return (
        result.memory_limit_hit
        or result.output_truncated
        or result.file_size_limit_hit
        or result.cpu_limit_hit
        or result.wall_limit_hit
    )
