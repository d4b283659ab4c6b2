"""Each verdict, from a wrong solution really run: real Toolchain, real Sandbox, real catalog.

The problem is the catalog's a-plus-b (stdio, exact checker) with its limits
lowered so the bad solutions fail fast; a function-style and a custom-checker
problem show that those paths reach the right verdict too. Needs root,
bubblewrap and the toolchains; needs no Kafka or Redis.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from schemas.envelope import Envelope
from schemas.judge import ProblemPublished, RunCode, SubmitSolution
from streams.judge.catalog import PROBLEMS_ROOT, load_problem, to_record_fields
from streams.judge.evaluation import Evaluation, evaluate
from streams.judge.languages import Language, languages
from streams.judge.sandbox import Sandbox
from streams.judge.toolchain import Toolchain

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
    reason="the sandbox needs root and bubblewrap",
)

UIDS = (62_110, 2)  # this module's own uid range
ENVELOPE = Envelope(
    event_id="01JDQ3Z8M4X7K2N5P9R1T3V6W8",
    type="t",
    schema_version=1,
    occurred_at=1_700_000_000_000_000,
    recorded_at=1_700_000_000_000_100,
    producer="test",
    key="learner",
    correlation_id="c",
)


def published(problem_id: str, **changes: object) -> ProblemPublished:
    fields = to_record_fields(load_problem(PROBLEMS_ROOT / problem_id))
    return ProblemPublished(envelope=ENVELOPE, **{**fields, **changes})


# 1 s of CPU (2 s for Java), 64 MB: the bad solutions below fail fast.
A_PLUS_B = published("a-plus-b", time_limit_ms=1000, memory_limit_kb=64 * 1024)

PY_ACCEPTED = (
    "for _ in range(int(input())):\n    a, b = map(int, input().split())\n    print(a + b)\n"
)
CPP_SEGV = "int main() { volatile int *p = nullptr; *p = 1; return 0; }\n"


def submit(
    sandbox: Sandbox,
    toolchain: Toolchain,
    language: str,
    source: str,
    problem: ProblemPublished = A_PLUS_B,
    language_table: Mapping[str, Language] | None = None,
) -> Evaluation:
    command = SubmitSolution(
        envelope=ENVELOPE,
        submission_id="s",
        user_id="learner",
        problem_id=problem.problem_id,
        problem_revision=problem.revision,
        language=language,
        source=source,
    )
    return evaluate(
        problem, command, sandbox=sandbox, toolchain=toolchain, language_table=language_table
    )


def test_accepted(sandbox: Sandbox, toolchain: Toolchain) -> None:
    found = submit(sandbox, toolchain, "python", PY_ACCEPTED)
    assert found.verdict.verdict == "accepted", found.verdict.message
    assert found.verdict.passed == found.verdict.total > 0
    assert 0 < found.verdict.memory_kb < 64 * 1024


def test_wrong_answer_stops_at_the_first_failing_test(
    sandbox: Sandbox, toolchain: Toolchain
) -> None:
    found = submit(sandbox, toolchain, "python", PY_ACCEPTED.replace("a + b", "a - b"))
    assert found.verdict.verdict == "wrong_answer"
    assert found.verdict.message.startswith("Wrong Answer on test ")
    assert len(found.tests) == found.verdict.passed + 1
    assert found.tests[-1].output_excerpt  # a sample: its output is shown


@pytest.mark.parametrize(
    ("language", "source", "clock"),
    [
        ("python", "while True:\n    pass\n", "CPU time"),
        ("python", "import time\ntime.sleep(60)\n", "wall clock time"),
        ("cpp", "int main() { volatile unsigned long x = 0; for (;;) x++; }\n", "CPU time"),
    ],
)
def test_time_limit_exceeded(
    sandbox: Sandbox, toolchain: Toolchain, language: str, source: str, clock: str
) -> None:
    found = submit(sandbox, toolchain, language, source)
    assert found.verdict.verdict == "time_limit_exceeded", found.verdict.message
    assert found.verdict.message.endswith(clock)
    assert len(found.tests) == 1


@pytest.mark.parametrize(
    ("language", "source"),
    [
        ("python", "blocks = []\nwhile True:\n    blocks.append(b'x' * (1 << 20))\n"),
        (
            "cpp",
            "#include <vector>\nint main() { std::vector<char> v(1u << 30, 1);"
            " return v[12345] == 7; }\n",
        ),
        (
            "java",
            "import java.util.*;\npublic class Main { public static void main(String[] a) {"
            " List<long[]> k = new ArrayList<>(); while (true) k.add(new long[1 << 17]); } }\n",
        ),
    ],
)
def test_memory_limit_exceeded_is_its_own_verdict(
    sandbox: Sandbox, toolchain: Toolchain, language: str, source: str
) -> None:
    found = submit(sandbox, toolchain, language, source)
    assert found.verdict.verdict == "memory_limit_exceeded", found.verdict.message


def test_saying_memoryerror_is_a_runtime_error_not_the_memory_limit(
    sandbox: Sandbox, toolchain: Toolchain
) -> None:
    source = "import sys\nsys.stderr.write('MemoryError\\n')\nsys.exit(1)\n"
    found = submit(sandbox, toolchain, "python", source)
    assert found.verdict.verdict == "runtime_error", found.verdict.message
    assert found.verdict.exit_code == 1


def test_a_sandbox_that_cannot_start_is_an_internal_error(
    sandbox: Sandbox, toolchain: Toolchain
) -> None:
    # A toolchain missing from this host: the judge's failure, not the learner's.
    python = languages()["python"]
    broken = {"python": replace(python, run=("/usr/bin/python3-missing", *python.run[1:]))}
    found = submit(sandbox, toolchain, "python", PY_ACCEPTED, language_table=broken)
    assert found.verdict.verdict == "internal_error", found.verdict.message
    assert found.tests[0].message == "Internal Error: the sandbox failed"
    gone = {"python": replace(python, read_only=("/nonexistent/toolchain",))}
    found = submit(sandbox, toolchain, "python", PY_ACCEPTED, language_table=gone)
    assert found.verdict.verdict == "internal_error", found.verdict.message


def test_runtime_error_names_the_signal(sandbox: Sandbox, toolchain: Toolchain) -> None:
    found = submit(sandbox, toolchain, "cpp", CPP_SEGV)
    assert found.verdict.verdict == "runtime_error", found.verdict.message
    assert found.verdict.signal == signal.SIGSEGV
    assert found.verdict.message.startswith("Runtime Error on test 1 (sample-1): killed by SIGSEGV")
    aborted = submit(sandbox, toolchain, "python", "import os\nos.abort()\n")
    assert aborted.verdict.signal == signal.SIGABRT
    assert "SIGABRT" in aborted.verdict.message


def test_runtime_error_carries_the_exit_code_and_a_samples_stderr(
    sandbox: Sandbox, toolchain: Toolchain
) -> None:
    found = submit(sandbox, toolchain, "python", "import sys\nsys.exit(3)\n")
    assert found.verdict.verdict == "runtime_error"
    assert (found.verdict.exit_code, found.verdict.signal) == (3, None)
    assert found.verdict.message == "Runtime Error on test 1 (sample-1): exit code 3"
    raised = submit(sandbox, toolchain, "python", "print(1 // 0)\n")
    assert raised.verdict.exit_code == 1
    assert raised.verdict.message.rstrip().endswith(
        "ZeroDivisionError: integer division or modulo by zero"
    )


def test_compilation_error_carries_the_compilers_message(
    sandbox: Sandbox, toolchain: Toolchain
) -> None:
    found = submit(sandbox, toolchain, "cpp", "int main() { return undefined_name; }\n")
    assert found.verdict.verdict == "compilation_error"
    assert not found.compiled.ok
    assert "undefined_name" in found.compiled.message
    assert found.verdict.message.startswith("Compilation Error: ")
    assert "undefined_name" in found.verdict.message
    assert found.tests == ()


def test_output_limit_exceeded(sandbox: Sandbox, toolchain: Toolchain) -> None:
    found = submit(sandbox, toolchain, "python", "while True:\n    print('y' * 1000)\n")
    assert found.verdict.verdict == "output_limit_exceeded", found.verdict.message
    assert len(found.tests[0].output_excerpt) < 1000


def test_binary_garbage_on_stdout_is_a_clean_wrong_answer(
    sandbox: Sandbox, toolchain: Toolchain
) -> None:
    garbage = "import sys\nsys.stdout.buffer.write(bytes(range(256)) * 4)\n"
    found = submit(sandbox, toolchain, "python", garbage)
    assert found.verdict.verdict == "wrong_answer"
    assert "\x00" not in found.tests[0].output_excerpt


def test_function_problem_wrong_answer_and_accepted(sandbox: Sandbox, toolchain: Toolchain) -> None:
    two_sum = published("two-sum")
    wrong = submit(
        sandbox, toolchain, "javascript", "function twoSum(n, t) { return [0, 0]; }\n", two_sum
    )
    assert wrong.verdict.verdict == "wrong_answer", wrong.verdict.message
    right = (
        "function twoSum(nums, target) {\n  const seen = new Map();\n"
        "  for (let i = 0; i < nums.length; i++) {\n"
        "    if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i];\n"
        "    seen.set(nums[i], i);\n  }\n}\n"
    )
    found = submit(sandbox, toolchain, "javascript", right, two_sum)
    assert found.verdict.verdict == "accepted", found.verdict.message


def test_custom_checker_rejects_a_wrong_order(sandbox: Sandbox, toolchain: Toolchain) -> None:
    # Prints the courses 1..n in order, whatever the prerequisites: wrong on some test.
    naive = "import sys\nn = int(sys.stdin.read().split()[0])\nprint(*range(1, n + 1))\n"
    found = submit(sandbox, toolchain, "python", naive, published("topological-order"))
    assert found.verdict.verdict == "wrong_answer", found.verdict.message


def test_run_mode_returns_the_output_and_no_tests(sandbox: Sandbox, toolchain: Toolchain) -> None:
    command = RunCode(
        envelope=ENVELOPE,
        submission_id="r",
        user_id="learner",
        problem_id=A_PLUS_B.problem_id,
        problem_revision=A_PLUS_B.revision,
        language="python",
        source="import sys\nprint(input()[::-1])\nprint('debug', file=sys.stderr)\n",
        stdin="hello\n",
    )
    found = evaluate(A_PLUS_B, command, sandbox=sandbox, toolchain=toolchain)
    assert found.mode == "run"
    assert found.tests == ()
    assert found.verdict.verdict == "accepted"
    assert (found.verdict.stdout, found.verdict.stderr) == ("olleh\n", "debug\n")
