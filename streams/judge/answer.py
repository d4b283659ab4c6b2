"""The judge's answers as facts: an evaluation's, in order (compiled, each test,
the verdict), and a learner's own progress mark's."""

from __future__ import annotations

from schemas.judge import (
    MarkProgress,
    ProgressMarked,
    RunCode,
    SubmissionCompiled,
    SubmissionJudged,
    SubmitSolution,
    TestJudged,
)
from streams.facts import Fact
from streams.judge.evaluation import Evaluation


def evaluation_facts(command: RunCode | SubmitSolution, evaluation: Evaluation) -> list[Fact]:
    ids = {"submission_id": command.submission_id, "user_id": command.user_id}
    compiled = evaluation.compiled
    facts: list[Fact] = [
        (
            SubmissionCompiled,
            {
                **ids,
                "ok": compiled.ok,
                "cached": compiled.cached,
                "compile_time_ms": compiled.time_ms,
                "message": compiled.message,
            },
        )
    ]
    for test in evaluation.tests:
        facts.append(
            (
                TestJudged,
                {
                    **ids,
                    "problem_id": command.problem_id,
                    "index": test.index,
                    "test_name": test.name,
                    "hidden": test.hidden,
                    "outcome": test.verdict,
                    "time_ms": test.time_ms,
                    "memory_kb": test.memory_kb,
                    "exit_code": test.exit_code,
                    "signal": test.signal,
                    "output_excerpt": test.output_excerpt,
                },
            )
        )
    verdict = evaluation.verdict
    facts.append(
        (
            SubmissionJudged,
            {
                **ids,
                "problem_id": command.problem_id,
                "problem_revision": command.problem_revision,
                "language": command.language,
                "mode": evaluation.mode,
                "verdict": verdict.verdict,
                "passed": verdict.passed,
                "total": verdict.total,
                "time_ms": verdict.time_ms,
                "memory_kb": verdict.memory_kb,
                "exit_code": verdict.exit_code,
                "signal": verdict.signal,
                "message": verdict.message,
                "stdout": verdict.stdout,
                "stderr": verdict.stderr,
            },
        )
    )
    return facts


def progress_facts(command: MarkProgress) -> list[Fact]:
    """A learner marked a problem: recorded as they said it."""
    return [
        (
            ProgressMarked,
            {
                "user_id": command.user_id,
                "problem_id": command.problem_id,
                "status": command.status,
            },
        )
    ]
