"""Run mode with the learner's own tests (RunCode.tests): each judged by the
problem's checker, none hidden, every one run; without tests a run is as before."""

from __future__ import annotations

from pathlib import Path

from streams.judge.evaluation import evaluate
from tests.unit.streams.judge.test_evaluation import (
    FakeSandbox,
    FakeToolchain,
    adder,
    own_tests,
    problem,
    run_code,
)


def test_each_own_test_is_judged_by_the_checker_and_shown(tmp_path: Path) -> None:
    sandbox = FakeSandbox(adder)
    own = own_tests([("2 2\n", "4\n"), ("2 2\n", "5\n"), ("7 1\n", "8\n")])
    progress: list[tuple[int, int]] = []
    found = evaluate(
        problem(), run_code(tests=own), sandbox=sandbox, toolchain=FakeToolchain(tmp_path),
        on_progress=lambda k, n: progress.append((k, n)),
    )  # fmt: skip
    assert found.mode == "run"
    # A failing test does not stop the run: the learner sees every one.
    assert [(t.name, t.hidden, t.verdict) for t in found.tests] == [
        ("custom-1", False, "accepted"),
        ("custom-2", False, "wrong_answer"),
        ("custom-3", False, "accepted"),
    ]
    assert [t.output_excerpt for t in found.tests] == ["4\n", "4\n", "8\n"]
    assert [call.stdin for call in sandbox.calls] == [b"2 2\n", b"2 2\n", b"7 1\n"]
    assert progress == [(1, 3), (2, 3), (3, 3)]
    verdict = found.verdict
    assert (verdict.verdict, verdict.passed, verdict.total) == ("wrong_answer", 2, 3)
    assert "custom-2" in verdict.message


def test_a_run_whose_own_tests_all_pass_is_accepted(tmp_path: Path) -> None:
    own = own_tests([("1 1\n", "2\n")])
    found = evaluate(
        problem(),
        run_code(tests=own),
        sandbox=FakeSandbox(adder),
        toolchain=FakeToolchain(tmp_path),
    )
    assert (found.verdict.verdict, found.verdict.passed, found.verdict.total) == ("accepted", 1, 1)


def test_a_run_without_tests_runs_once_on_its_stdin(tmp_path: Path) -> None:
    sandbox = FakeSandbox(adder)
    found = evaluate(
        problem(), run_code("3 4\n"), sandbox=sandbox, toolchain=FakeToolchain(tmp_path)
    )
    assert found.tests == ()
    assert [call.stdin for call in sandbox.calls] == [b"3 4\n"]
    verdict = found.verdict
    assert (verdict.verdict, verdict.total, verdict.stdout) == ("accepted", 0, "7\n")
