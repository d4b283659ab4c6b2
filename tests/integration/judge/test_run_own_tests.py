"""Run mode with the learner's own tests, really run: real Toolchain, real
Sandbox, the catalog's a-plus-b (stdio, exact checker) and two-sum (function
style, the harness and its JSON-aware checker). Each own test is judged and
shown; a failing one does not hide the rest. Needs root, bubblewrap and the
Python toolchain; needs no Kafka or Redis."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from streams.judge.catalog import reference_solutions
from streams.judge.evaluation import evaluate
from streams.judge.sandbox import Sandbox
from streams.judge.toolchain import Toolchain
from tests.integration.judge.conftest import live_processes_of
from tests.integration.judge.test_verdicts import PY_ACCEPTED, published
from tests.unit.streams.judge.test_evaluation import own_tests, run_code

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
    reason="the sandbox needs root and bubblewrap",
)

UIDS = (64_600, 2)  # this module's own uid range


def test_own_stdio_tests_each_get_the_checkers_verdict(
    sandbox: Sandbox, toolchain: Toolchain
) -> None:
    own = [("1\n2 3\n", "5\n"), ("1\n2 3\n", "6\n"), ("2\n1 1\n-5 5\n", "2\n0\n")]
    command = run_code(problem_id="a-plus-b", source=PY_ACCEPTED, tests=own_tests(own))
    found = evaluate(published("a-plus-b"), command, sandbox=sandbox, toolchain=toolchain)
    assert found.mode == "run"
    assert [(t.name, t.hidden, t.verdict) for t in found.tests] == [
        ("custom-1", False, "accepted"),
        ("custom-2", False, "wrong_answer"),
        ("custom-3", False, "accepted"),
    ]
    assert [t.output_excerpt for t in found.tests] == ["5\n", "5\n", "2\n0\n"]
    assert (found.verdict.verdict, found.verdict.passed, found.verdict.total) == (
        "wrong_answer", 2, 3,
    )  # fmt: skip
    assert live_processes_of(range(UIDS[0], UIDS[0] + UIDS[1])) == []


def test_own_function_tests_go_through_the_harness(sandbox: Sandbox, toolchain: Toolchain) -> None:
    source = reference_solutions("two-sum")["python"]
    own = [("[[3,2,4],6]\n", "[1,2]\n"), ("[[1,5],6]\n", "[0,1]\n")]
    found = evaluate(
        published("two-sum"),
        run_code(problem_id="two-sum", source=source, tests=own_tests(own)),
        sandbox=sandbox,
        toolchain=toolchain,
    )
    assert [t.verdict for t in found.tests] == ["accepted", "accepted"]
    assert found.tests[0].output_excerpt.strip() == "[1,2]"
    assert (found.verdict.verdict, found.verdict.passed, found.verdict.total) == (
        "accepted", 2, 2,
    )  # fmt: skip
