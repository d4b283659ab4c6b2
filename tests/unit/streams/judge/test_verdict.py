"""Verdicts: one run's precedence rules, and the first failing test deciding a submission."""

from __future__ import annotations

import signal
from dataclasses import dataclass, replace

import pytest

from schemas.judge import Verdict
from streams.judge.checkers import CheckResult
from streams.judge.verdict import (
    CompileOutcome,
    Judgement,
    TestOutcome,
    final_verdict,
    judge_run,
    signal_name,
)


@dataclass(frozen=True)
class Run:
    """The flags `judge_run` reads, as the sandbox's RunResult carries them."""

    exit_code: int | None = 0
    signal: int | None = None
    output_truncated: bool = False
    cpu_limit_hit: bool = False
    wall_limit_hit: bool = False
    memory_limit_hit: bool = False
    file_size_limit_hit: bool = False


CLEAN = Run()
KILLED = Run(exit_code=None, signal=signal.SIGKILL)
ACCEPT = CheckResult("accepted")
REJECT = CheckResult("wrong_answer", "token 2 differs")


def test_a_clean_run_is_what_the_checker_says() -> None:
    assert judge_run(CLEAN, ACCEPT) == Judgement("accepted", "Accepted")
    assert judge_run(CLEAN, REJECT) == Judgement("wrong_answer", "Wrong Answer: token 2 differs")
    broken = CheckResult("internal_error", "checker killed by SIGSEGV")
    assert judge_run(CLEAN, broken).verdict == "internal_error"


def test_run_mode_without_a_checker_accepts_a_clean_run() -> None:
    assert judge_run(CLEAN, None).verdict == "accepted"
    assert judge_run(Run(exit_code=3), None).verdict == "runtime_error"


def test_runtime_errors_name_the_signal_or_the_exit_code() -> None:
    segv = Run(exit_code=None, signal=signal.SIGSEGV)
    assert judge_run(segv, ACCEPT) == Judgement("runtime_error", "Runtime Error: killed by SIGSEGV")
    assert judge_run(Run(exit_code=1), ACCEPT) == Judgement(
        "runtime_error", "Runtime Error: exit code 1"
    )
    # A crash decides before the checker would have accepted whatever was printed.
    assert judge_run(Run(exit_code=134), REJECT).verdict == "runtime_error"


def test_signal_names() -> None:
    assert signal_name(signal.SIGABRT) == "SIGABRT"
    assert signal_name(11) == "SIGSEGV"
    assert signal_name(200) == "signal 200"


def test_memory_beats_signal_exit_code_and_clock() -> None:
    oom = replace(KILLED, memory_limit_hit=True)
    assert judge_run(oom, None).verdict == "memory_limit_exceeded"
    assert judge_run(Run(exit_code=1, memory_limit_hit=True), ACCEPT).verdict == (
        "memory_limit_exceeded"
    )
    assert judge_run(replace(oom, wall_limit_hit=True), ACCEPT).verdict == "memory_limit_exceeded"


def test_output_flood_beats_clock_and_signal() -> None:
    flood = Run(exit_code=None, signal=signal.SIGPIPE, output_truncated=True)
    assert judge_run(flood, ACCEPT).verdict == "output_limit_exceeded"
    assert judge_run(replace(flood, wall_limit_hit=True), ACCEPT).verdict == (
        "output_limit_exceeded"
    )
    big_file = Run(exit_code=None, signal=signal.SIGXFSZ, file_size_limit_hit=True)
    assert judge_run(big_file, ACCEPT).verdict == "output_limit_exceeded"


def test_a_clock_limit_is_a_time_limit_not_a_crash() -> None:
    cpu = Run(exit_code=None, signal=signal.SIGXCPU, cpu_limit_hit=True)
    assert judge_run(cpu, ACCEPT) == Judgement(
        "time_limit_exceeded", "Time Limit Exceeded: CPU time"
    )
    wall = replace(KILLED, wall_limit_hit=True)
    assert judge_run(wall, ACCEPT) == Judgement(
        "time_limit_exceeded", "Time Limit Exceeded: wall clock time"
    )
    # Even a program that exits 0 after the limit was reached is too slow.
    assert judge_run(Run(cpu_limit_hit=True), ACCEPT).verdict == "time_limit_exceeded"


def test_a_run_without_exit_status_is_the_judges_fault() -> None:
    assert judge_run(Run(exit_code=None), ACCEPT).verdict == "internal_error"


def outcome(index: int, verdict: Verdict, message: str = "", **fields: object) -> TestOutcome:
    values: dict[str, object] = {
        "index": index,
        "name": f"t{index}",
        "hidden": False,
        "verdict": verdict,
        "time_ms": 10 * (index + 1),
        "memory_kb": 1000 + index,
        "exit_code": 0,
        "signal": None,
        "output_excerpt": "",
        "message": message,
    }
    values.update(fields)
    return TestOutcome(**values)  # type: ignore[arg-type]


COMPILED = CompileOutcome(ok=True)


def test_all_accepted_is_accepted_with_the_worst_time_and_memory() -> None:
    tests = [outcome(0, "accepted"), outcome(1, "accepted"), outcome(2, "accepted")]
    verdict = final_verdict(COMPILED, tests, total=3)
    assert (verdict.verdict, verdict.passed, verdict.total) == ("accepted", 3, 3)
    assert (verdict.time_ms, verdict.memory_kb) == (30, 1002)
    assert verdict.message == "Accepted"
    assert (verdict.exit_code, verdict.signal) == (None, None)


def test_the_first_failing_test_decides() -> None:
    tests = [
        outcome(0, "accepted"),
        outcome(1, "runtime_error", "Runtime Error: killed by SIGSEGV", exit_code=None, signal=11),
        outcome(2, "time_limit_exceeded", "Time Limit Exceeded: CPU time"),
    ]
    verdict = final_verdict(COMPILED, tests, total=5)
    assert verdict.verdict == "runtime_error"
    assert (verdict.passed, verdict.total) == (1, 5)
    assert (verdict.exit_code, verdict.signal) == (None, 11)
    assert verdict.message == "Runtime Error on test 2 (t1): killed by SIGSEGV"


def test_a_failed_compile_decides_everything() -> None:
    failed = CompileOutcome(ok=False, message="main.cpp:1: error: expected ';'")
    verdict = final_verdict(failed, [], total=4)
    assert verdict.verdict == "compilation_error"
    assert verdict.message == "Compilation Error: main.cpp:1: error: expected ';'"
    assert (verdict.passed, verdict.total) == (0, 4)
    broken = CompileOutcome(ok=False, message="sandbox failed", internal=True)
    assert final_verdict(broken, [], total=4).verdict == "internal_error"


@pytest.mark.parametrize("total", [0, 3])
def test_no_failure_but_tests_missing_is_an_internal_error(total: int) -> None:
    tests = [outcome(0, "accepted")] if total else []
    assert final_verdict(COMPILED, tests, total=total).verdict == "internal_error"
