"""Verdicts: what one run of a test means, and what a whole submission gets.

Pure: no processes, no clock. The sandbox measures (`RunResult`), a checker
compares (`CheckResult`), and this module decides.

One run (`judge_run`), first rule that holds wins:

1. memory_limit_hit -> memory_limit_exceeded. An OOM kill arrives as SIGKILL
   and an allocation failure under RLIMIT_AS as a crash or an exit code, so
   the memory flag must beat both the signal and the exit code (and the clock,
   since a program swapping against its limit also runs slow).
2. output_truncated or file_size_limit_hit -> output_limit_exceeded. A program
   stopped for flooding its output dies of SIGPIPE/SIGXFSZ or runs out the
   clock writing; the flood is the cause.
3. cpu_limit_hit or wall_limit_hit -> time_limit_exceeded (the kill that
   follows is SIGKILL or SIGXCPU, not a runtime error).
4. a signal -> runtime_error, named (`SIGSEGV`); a nonzero exit code ->
   runtime_error with the code.
5. otherwise the checker: accepted, wrong_answer, or internal_error when the
   checker itself failed. Run mode has no checker: a clean run is accepted.

A submission (`final_verdict`): a failed compile decides (compilation_error,
or internal_error when the toolchain itself failed); otherwise the first
test, in order (samples first), that is not accepted decides the verdict,
its message and its exit code or signal, as LeetCode and Judge0 report
"Wrong Answer on test 3". With no failing test the verdict is accepted, and
a submission with no tests at all is an internal_error (a broken problem
must not accept everything). `time_ms` and `memory_kb` are the maxima over
the tests that ran.
"""

from __future__ import annotations

import signal as signals
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from schemas.judge import Verdict
from streams.judge.checkers import CheckResult


class RunFacts(Protocol):
    """What the verdict needs from a sandbox run (`streams.judge.sandbox.RunResult`)."""

    @property
    def exit_code(self) -> int | None: ...
    @property
    def signal(self) -> int | None: ...
    @property
    def output_truncated(self) -> bool: ...
    @property
    def cpu_limit_hit(self) -> bool: ...
    @property
    def wall_limit_hit(self) -> bool: ...
    @property
    def memory_limit_hit(self) -> bool: ...
    @property
    def file_size_limit_hit(self) -> bool: ...


@dataclass(frozen=True)
class Judgement:
    """The verdict of one run and why, for a person."""

    verdict: Verdict
    message: str = ""


@dataclass(frozen=True)
class CompileOutcome:
    """How the compile step went. internal: the judge failed, not the source."""

    ok: bool
    cached: bool = False
    time_ms: int = 0
    message: str = ""
    internal: bool = False


@dataclass(frozen=True)
class TestOutcome:
    """One test of a submission: what `TestJudged` carries, plus the reason."""

    __test__ = False  # not a pytest class
    index: int
    name: str
    hidden: bool
    verdict: Verdict
    time_ms: int
    memory_kb: int
    exit_code: int | None
    signal: int | None
    output_excerpt: str
    message: str = ""


@dataclass(frozen=True)
class VerdictOutcome:
    """The one verdict of a submission, or the outcome of a run: `SubmissionJudged`'s fields."""

    verdict: Verdict
    passed: int
    total: int
    time_ms: int
    memory_kb: int
    exit_code: int | None
    signal: int | None
    message: str
    stdout: str = ""
    stderr: str = ""


def signal_name(number: int) -> str:
    try:
        return signals.Signals(number).name
    except ValueError:
        return f"signal {number}"


def judge_run(run: RunFacts, check: CheckResult | None) -> Judgement:
    """The verdict of one run; `check` is None in run mode (no expected output)."""
    if run.memory_limit_hit:
        return Judgement("memory_limit_exceeded", "Memory Limit Exceeded")
    if run.output_truncated or run.file_size_limit_hit:
        return Judgement("output_limit_exceeded", "Output Limit Exceeded")
    if run.cpu_limit_hit or run.wall_limit_hit:
        clock = "CPU time" if run.cpu_limit_hit else "wall clock time"
        return Judgement("time_limit_exceeded", f"Time Limit Exceeded: {clock}")
    if run.signal is not None:
        return Judgement("runtime_error", f"Runtime Error: killed by {signal_name(run.signal)}")
    if run.exit_code is None:
        # Neither exit code nor signal: the sandbox lost the process.
        return Judgement("internal_error", "Internal Error: the run has no exit status")
    if run.exit_code != 0:
        return Judgement("runtime_error", f"Runtime Error: exit code {run.exit_code}")
    if check is None or check.status == "accepted":
        return Judgement("accepted", "Accepted")
    if check.status == "wrong_answer":
        return Judgement("wrong_answer", _joined("Wrong Answer", check.message))
    return Judgement("internal_error", _joined("Internal Error: checker failed", check.message))


def final_verdict(
    compiled: CompileOutcome, tests: Sequence[TestOutcome], *, total: int
) -> VerdictOutcome:
    """The submission's verdict from its compile and the tests that ran (of `total`)."""
    if not compiled.ok:
        verdict: Verdict = "internal_error" if compiled.internal else "compilation_error"
        title = "Internal Error" if compiled.internal else "Compilation Error"
        return VerdictOutcome(verdict, 0, total, 0, 0, None, None, _joined(title, compiled.message))
    passed = sum(1 for test in tests if test.verdict == "accepted")
    time_ms = max((test.time_ms for test in tests), default=0)
    memory_kb = max((test.memory_kb for test in tests), default=0)
    failed = next((test for test in tests if test.verdict != "accepted"), None)
    if failed is not None:
        where = f"on test {failed.index + 1} ({failed.name})"
        return VerdictOutcome(
            failed.verdict,
            passed,
            total,
            time_ms,
            memory_kb,
            failed.exit_code,
            failed.signal,
            _on_test(failed.message, where),
        )
    if total == 0 or passed < total:
        # Nothing failed, yet not every test ran: a broken problem or caller.
        return VerdictOutcome(
            "internal_error",
            passed,
            total,
            time_ms,
            memory_kb,
            None,
            None,
            f"Internal Error: {passed} of {total} tests judged",
        )
    return VerdictOutcome("accepted", passed, total, time_ms, memory_kb, None, None, "Accepted")


def _joined(title: str, detail: str) -> str:
    return f"{title}: {detail}" if detail else title


def _on_test(message: str, where: str) -> str:
    # "Runtime Error: killed by SIGSEGV" -> "Runtime Error on test 2 (big): killed by SIGSEGV"
    title, colon, rest = message.partition(":")
    return f"{title} {where}{colon}{rest}"
