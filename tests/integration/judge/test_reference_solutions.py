"""Every reference solution of every problem is Accepted, in every language that has one.

Real parts only: the catalog's problems, the real Toolchain compiling in the
real Sandbox (bubblewrap, cgroups), harnesses for function-style problems,
custom checkers run in the sandbox. Needs root, bubblewrap and the toolchains
(`python -m onelog.toolchains`); needs no Kafka or Redis. Every test runs
(no stop at the first failure) so a failure names all the tests it fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schemas.envelope import Envelope
from schemas.judge import ProblemPublished, SubmitSolution
from streams.judge.catalog import load_catalog, reference_solutions, to_record_fields
from streams.judge.evaluation import evaluate
from streams.judge.sandbox import Sandbox
from streams.judge.toolchain import Toolchain

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
    reason="the sandbox needs root and bubblewrap",
)

UIDS = (62_100, 2)  # this module's own uid range
ENVELOPE = Envelope(
    event_id="01JDQ3Z8M4X7K2N5P9R1T3V6W8",
    type="onelog.judge.ProblemPublished",
    schema_version=1,
    occurred_at=1_700_000_000_000_000,
    recorded_at=1_700_000_000_000_100,
    producer="test",
    key="k",
    correlation_id="c",
)
PROBLEMS = {
    draft.problem_id: ProblemPublished(envelope=ENVELOPE, **to_record_fields(draft))
    for draft in load_catalog()
}
CASES = [
    (problem_id, language)
    for problem_id in PROBLEMS
    for language in reference_solutions(problem_id)
]


def test_every_problem_has_a_reference_solution() -> None:
    assert PROBLEMS
    assert all(reference_solutions(problem_id) for problem_id in PROBLEMS)


@pytest.mark.parametrize(
    ("problem_id", "language"), CASES, ids=[f"{p}-{lang}" for p, lang in CASES]
)
def test_reference_solution_is_accepted(
    problem_id: str, language: str, sandbox: Sandbox, toolchain: Toolchain
) -> None:
    problem = PROBLEMS[problem_id]
    command = SubmitSolution(
        envelope=ENVELOPE,
        submission_id=f"ref-{problem_id}-{language}",
        user_id="team",
        problem_id=problem_id,
        problem_revision=problem.revision,
        language=language,
        source=reference_solutions(problem_id)[language],
    )
    found = evaluate(
        problem, command, sandbox=sandbox, toolchain=toolchain, stop_at_first_failure=False
    )
    failures = [
        f"{t.name}: {t.message} (cpu {t.time_ms} ms)"
        for t in found.tests
        if t.verdict != "accepted"
    ]
    assert found.compiled.ok, found.compiled.message
    assert found.verdict.verdict == "accepted", f"{found.verdict.message}\n" + "\n".join(failures)
    assert found.verdict.passed == found.verdict.total == len(problem.samples) + len(problem.hidden)
