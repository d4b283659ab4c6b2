"""Evaluation with a fake sandbox and toolchain: which runs happen, with what, and what comes out.

The fakes subclass the real Sandbox and Toolchain and run no process: a
"program" is a Python function from (argv, stdin) to a RunResult.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from schemas.envelope import Envelope
from schemas.judge import (
    Checker,
    FunctionSignature,
    ProblemPublished,
    RunCode,
    SubmitSolution,
    TestCase,
)
from streams.judge.checkers import CheckResult
from streams.judge.evaluation import (
    RUN_EXCERPT_BYTES,
    TEST_EXCERPT_BYTES,
    SandboxChecker,
    evaluate,
    excerpt,
    run_limits,
    with_room_for,
)
from streams.judge.harness import harnesses
from streams.judge.languages import Language, languages
from streams.judge.limits import Limits
from streams.judge.sandbox import RunResult, Sandbox, SandboxError
from streams.judge.toolchain import Compiled, Toolchain

ENVELOPE = Envelope(
    event_id="01JDQ3Z8M4X7K2N5P9R1T3V6W8",
    type="t",
    schema_version=1,
    occurred_at=1_700_000_000_000_000,
    recorded_at=1_700_000_000_000_100,
    producer="test",
    key="u1",
    correlation_id="c",
)

Program = Callable[[Sequence[str], bytes], RunResult]


def result(stdout: bytes = b"", **fields: Any) -> RunResult:
    values: dict[str, Any] = {
        "exit_code": 0,
        "signal": None,
        "cpu_time_ms": 12,
        "wall_time_ms": 20,
        "memory_kb": 3000,
        "stdout": stdout,
        "stderr": b"",
        "output_truncated": False,
        "cpu_limit_hit": False,
        "wall_limit_hit": False,
        "memory_limit_hit": False,
        "file_size_limit_hit": False,
    }
    values.update(fields)
    return RunResult(**values)


@dataclass
class Call:
    argv: tuple[str, ...]
    workdir: Path
    stdin: bytes
    limits: Limits
    read_only: tuple[Path, ...]
    writable_workdir: bool


class FakeSandbox(Sandbox):
    """Runs nothing: `program` says what the run would have produced."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.calls: list[Call] = []

    def run(
        self,
        argv: Sequence[str],
        *,
        workdir: Path,
        stdin: bytes,
        limits: Limits,
        read_only: Sequence[Path] = (),
        writable_workdir: bool = True,
    ) -> RunResult:
        self.calls.append(
            Call(tuple(argv), workdir, stdin, limits, tuple(read_only), writable_workdir)
        )
        return self.program(argv, stdin)


class FakeToolchain(Toolchain):
    """Compiles nothing: a source containing "syntax error" fails, anything else succeeds."""

    def __init__(
        self, workdir: Path, *, broken: bool = False, cache_dir: Path | None = None
    ) -> None:
        self.workdir = workdir
        self.cache_dir = cache_dir if cache_dir is not None else workdir.parent
        self.broken = broken
        self.calls: list[tuple[str, str, dict[str, str] | None, tuple[str, ...] | None]] = []

    def compile(
        self,
        language: Language,
        source: str,
        *,
        files: Mapping[str, str] | None = None,
        compile_argv: Sequence[str] | None = None,
    ) -> Compiled:
        if self.broken:
            raise SandboxError("bubblewrap refused")
        argv = tuple(compile_argv) if compile_argv is not None else None
        self.calls.append((language.id, source, dict(files) if files else None, argv))
        if "syntax error" in source:
            return Compiled(
                False, False, 40, "main.cpp:1:1: error: expected ';'\x00", self.workdir, "k"
            )
        return Compiled(True, len(self.calls) > 1, 40, "", self.workdir, "k")


def adder(argv: Sequence[str], stdin: bytes) -> RunResult:
    return result(f"{sum(int(t) for t in stdin.split())}\n".encode())


def problem(**fields: Any) -> ProblemPublished:
    values: dict[str, Any] = {
        "envelope": ENVELOPE,
        "problem_id": "a-plus-b",
        "revision": 1,
        "title": "A + B",
        "statement": "add",
        "difficulty": "easy",
        "category": "basics",
        "kind": "stdio",
        "time_limit_ms": 1000,
        "memory_limit_kb": 65536,
        "checker": Checker(kind="whitespace"),
        "samples": [
            TestCase(name="sample-1", input="1 2\n", expected="3\n"),
            TestCase(name="sample-2", input="5 5\n", expected="10\n"),
        ],
        "hidden": [
            TestCase(name="hidden-1", input="-1 1\n", expected="0\n"),
            TestCase(name="hidden-2", input="100 23\n", expected="123\n"),
        ],
        "starter": [],
    }
    values.update(fields)
    return ProblemPublished(**values)


def submit(language: str = "python", source: str = "print(sum(...))") -> SubmitSolution:
    return SubmitSolution(
        envelope=ENVELOPE,
        submission_id="s1",
        user_id="u1",
        problem_id="a-plus-b",
        problem_revision=1,
        language=language,
        source=source,
    )


def run_code(
    stdin: str = "",
    language: str = "python",
    *,
    problem_id: str = "a-plus-b",
    source: str = "print(input())",
    tests: Sequence[TestCase] = (),
) -> RunCode:
    """A run of `source`; on its `stdin`, or on the learner's own `tests` if any."""
    return RunCode(
        envelope=ENVELOPE,
        submission_id="r1",
        user_id="u1",
        problem_id=problem_id,
        problem_revision=1,
        language=language,
        source=source,
        stdin=stdin,
        tests=list(tests),
    )


def own_tests(pairs: Sequence[tuple[str, str]]) -> list[TestCase]:
    """The learner's own tests from (input, expected) pairs, named as the gateway names them."""
    return [
        TestCase(name=f"custom-{n}", input=given, expected=expected)
        for n, (given, expected) in enumerate(pairs, start=1)
    ]


@pytest.fixture
def toolchain(tmp_path: Path) -> FakeToolchain:
    return FakeToolchain(tmp_path)


def test_an_accepted_submission_runs_every_test_in_order(toolchain: FakeToolchain) -> None:
    sandbox = FakeSandbox(adder)
    progress: list[tuple[int, int]] = []
    found = evaluate(
        problem(), submit(), sandbox=sandbox, toolchain=toolchain,
        on_progress=lambda k, n: progress.append((k, n)),
    )  # fmt: skip
    assert found.mode == "submit"
    assert found.compiled.ok and found.compiled.message == ""
    assert [t.verdict for t in found.tests] == ["accepted"] * 4
    assert [(t.index, t.name, t.hidden) for t in found.tests] == [
        (0, "sample-1", False),
        (1, "sample-2", False),
        (2, "hidden-1", True),
        (3, "hidden-2", True),
    ]
    assert [t.output_excerpt for t in found.tests] == ["3\n", "10\n", "", ""]
    assert [call.stdin for call in sandbox.calls] == [b"1 2\n", b"5 5\n", b"-1 1\n", b"100 23\n"]
    assert progress == [(1, 4), (2, 4), (3, 4), (4, 4)]
    verdict = found.verdict
    assert (verdict.verdict, verdict.passed, verdict.total) == ("accepted", 4, 4)
    assert (verdict.time_ms, verdict.memory_kb) == (12, 3000)


def test_runs_use_the_compiled_entry_read_only_with_the_problems_limits(
    toolchain: FakeToolchain, tmp_path: Path
) -> None:
    sandbox = FakeSandbox(adder)
    evaluate(problem(), submit(), sandbox=sandbox, toolchain=toolchain)
    python = languages()["python"]
    assert toolchain.calls == [("python", "print(sum(...))", None, None)]
    call = sandbox.calls[0]
    assert call.argv == python.run
    assert call.workdir == tmp_path
    assert not call.writable_workdir
    assert call.read_only == tuple(Path(p) for p in python.read_only)
    assert call.limits == run_limits(problem(), python)
    assert (call.limits.cpu_time_ms, call.limits.wall_time_ms) == (1000, 4000)
    assert call.limits.memory_kb == 65536


def test_jvm_languages_get_twice_the_time_and_the_same_memory() -> None:
    java = run_limits(problem(), languages()["java"])
    assert (java.cpu_time_ms, java.wall_time_ms, java.memory_kb) == (2000, 6000, 65536)


def test_the_output_cap_makes_room_for_a_big_expected_answer(toolchain: FakeToolchain) -> None:
    base = run_limits(problem(), languages()["python"])
    assert with_room_for(base, 1000) == base
    assert with_room_for(base, 95_045).output_kb == 186
    big = problem(samples=[TestCase(name="sample-1", input="1", expected="7" * 100_000)])
    sandbox = FakeSandbox(adder)
    evaluate(big, submit(), sandbox=sandbox, toolchain=toolchain)
    assert [call.limits.output_kb for call in sandbox.calls] == [196]


def test_the_first_failing_test_stops_a_submission(toolchain: FakeToolchain) -> None:
    def wrong_on_five(argv: Sequence[str], stdin: bytes) -> RunResult:
        return result(b"11\n") if stdin == b"5 5\n" else adder(argv, stdin)

    sandbox = FakeSandbox(wrong_on_five)
    found = evaluate(problem(), submit(), sandbox=sandbox, toolchain=toolchain)
    assert [t.verdict for t in found.tests] == ["accepted", "wrong_answer"]
    assert len(sandbox.calls) == 2
    assert found.verdict.verdict == "wrong_answer"
    assert (found.verdict.passed, found.verdict.total) == (1, 4)
    assert found.verdict.message == "Wrong Answer on test 2 (sample-2): token 1 differs"
    assert found.tests[1].output_excerpt == "11\n"

    everything = evaluate(
        problem(), submit(), sandbox=FakeSandbox(wrong_on_five), toolchain=toolchain,
        stop_at_first_failure=False,
    )  # fmt: skip
    assert [t.verdict for t in everything.tests] == [
        "accepted", "wrong_answer", "accepted", "accepted",
    ]  # fmt: skip
    assert (everything.verdict.verdict, everything.verdict.passed) == ("wrong_answer", 3)


def outcome_of(run: RunResult, toolchain: FakeToolchain) -> tuple[str, str]:
    found = evaluate(
        problem(), submit(), sandbox=FakeSandbox(lambda a, s: run), toolchain=toolchain
    )
    return found.verdict.verdict, found.verdict.message


KILL = signal.SIGKILL


@pytest.mark.parametrize(
    ("run", "verdict", "message"),
    [
        (result(b"3\n"), "accepted", "Accepted"),
        (
            result(exit_code=None, signal=KILL, memory_limit_hit=True),
            "memory_limit_exceeded",
            "Memory Limit Exceeded on test 1 (sample-1)",
        ),
        (
            result(exit_code=None, signal=KILL, cpu_limit_hit=True),
            "time_limit_exceeded",
            "Time Limit Exceeded on test 1 (sample-1): CPU time",
        ),
        (
            result(exit_code=None, signal=KILL, wall_limit_hit=True),
            "time_limit_exceeded",
            "Time Limit Exceeded on test 1 (sample-1): wall clock time",
        ),
        (
            result(b"y" * 100, exit_code=None, signal=KILL, output_truncated=True),
            "output_limit_exceeded",
            "Output Limit Exceeded on test 1 (sample-1)",
        ),
        (
            result(exit_code=None, signal=signal.SIGSEGV),
            "runtime_error",
            "Runtime Error on test 1 (sample-1): killed by SIGSEGV",
        ),
        (
            result(exit_code=3),
            "runtime_error",
            "Runtime Error on test 1 (sample-1): exit code 3",
        ),
    ],
)
def test_each_verdict_through_evaluation(
    run: RunResult, verdict: str, message: str, toolchain: FakeToolchain
) -> None:
    # Every test answers 3, so only the first is accepted when the run is clean.
    found = evaluate(
        problem(samples=[TestCase(name="sample-1", input="1 2", expected="3")], hidden=[]),
        submit(), sandbox=FakeSandbox(lambda a, s: run), toolchain=toolchain,
    )  # fmt: skip
    assert (found.verdict.verdict, found.verdict.message) == (verdict, message)
    if verdict != "accepted":
        assert (found.verdict.exit_code, found.verdict.signal) == (run.exit_code, run.signal)


def test_a_runtime_error_shows_the_end_of_stderr_on_samples_only(toolchain: FakeToolchain) -> None:
    trace = b"Traceback (most recent call last):\n" + b"x" * 5000 + b"\nZeroDivisionError\n"
    crash = result(exit_code=1, stderr=trace)
    found = evaluate(
        problem(), submit(), sandbox=FakeSandbox(lambda a, s: crash), toolchain=toolchain
    )
    assert found.tests[0].message.startswith("Runtime Error: exit code 1\n…")
    assert found.tests[0].message.endswith("ZeroDivisionError\n")
    assert found.verdict.message.endswith("ZeroDivisionError\n")

    only_hidden = problem(samples=[])
    found = evaluate(
        only_hidden, submit(), sandbox=FakeSandbox(lambda a, s: crash), toolchain=toolchain
    )
    assert found.tests[0].hidden
    assert found.tests[0].message == "Runtime Error: exit code 1"


def test_a_compilation_error_runs_nothing_and_carries_the_message(
    toolchain: FakeToolchain,
) -> None:
    sandbox = FakeSandbox(adder)
    found = evaluate(problem(), submit("cpp", "syntax error"), sandbox=sandbox, toolchain=toolchain)
    assert sandbox.calls == []
    assert found.tests == ()
    assert not found.compiled.ok
    assert found.compiled.message == "main.cpp:1:1: error: expected ';'"  # NUL stripped
    assert found.verdict.verdict == "compilation_error"
    assert found.verdict.message == "Compilation Error: main.cpp:1:1: error: expected ';'"
    assert (found.verdict.passed, found.verdict.total) == (0, 4)


def test_a_broken_toolchain_or_sandbox_is_an_internal_error(tmp_path: Path) -> None:
    broken = FakeToolchain(tmp_path, broken=True)
    found = evaluate(problem(), submit(), sandbox=FakeSandbox(adder), toolchain=broken)
    assert found.verdict.verdict == "internal_error"
    assert found.compiled.internal

    def refuse(argv: Sequence[str], stdin: bytes) -> RunResult:
        raise SandboxError("bubblewrap: no permission")

    found = evaluate(
        problem(), submit(), sandbox=FakeSandbox(refuse), toolchain=FakeToolchain(tmp_path)
    )
    assert [t.verdict for t in found.tests] == ["internal_error"]
    assert found.verdict.verdict == "internal_error"
    assert found.verdict.message == "Internal Error on test 1 (sample-1): the sandbox failed"


def test_unknown_language_or_missing_harness_is_an_internal_error(
    toolchain: FakeToolchain,
) -> None:
    found = evaluate(problem(), submit("intercal"), sandbox=FakeSandbox(adder), toolchain=toolchain)
    assert found.verdict.verdict == "internal_error"
    assert "intercal" in found.verdict.message
    function = problem(kind="function", function=FunctionSignature(name="add", params=["a", "b"]))
    found = evaluate(function, submit("c"), sandbox=FakeSandbox(adder), toolchain=toolchain)
    assert found.verdict.verdict == "internal_error"
    assert "harness" in found.verdict.message
    assert toolchain.calls == []


def test_a_failing_progress_callback_does_not_fail_the_evaluation(
    toolchain: FakeToolchain,
) -> None:
    def broken(k: int, n: int) -> None:
        raise ConnectionError("redis is down")

    found = evaluate(
        problem(), submit(), sandbox=FakeSandbox(adder), toolchain=toolchain, on_progress=broken
    )
    assert found.verdict.verdict == "accepted"


def test_function_problems_run_the_harness_and_compare_json(toolchain: FakeToolchain) -> None:
    function = problem(
        kind="function",
        function=FunctionSignature(name="twoSum", params=["nums", "target"]),
        samples=[TestCase(name="sample-1", input="[[2,7,11,15],9]", expected="[0,1]")],
        hidden=[TestCase(name="hidden-1", input="[[3,3],6]", expected="[0,1]")],
    )

    def harness(argv: Sequence[str], stdin: bytes) -> RunResult:
        return result(b"[0, 1]\n")  # spaced: equal as JSON, not as text

    sandbox = FakeSandbox(harness)
    found = evaluate(
        function, submit("java", "class Solution {}"), sandbox=sandbox, toolchain=toolchain
    )
    java, language = harnesses()["java"], languages()["java"]
    compile_argv = java.compile_argv(language)
    assert toolchain.calls == [("java", "class Solution {}", java.files, compile_argv)]
    assert sandbox.calls[0].argv == java.run_argv(language, "twoSum")
    assert found.verdict.verdict == "accepted"


def test_a_harness_that_does_not_fit_its_language_is_an_internal_error(
    toolchain: FakeToolchain,
) -> None:
    function = problem(kind="function", function=FunctionSignature(name="add", params=["a", "b"]))
    python = replace(languages()["python"], run=("/usr/bin/python3", "other.py"))
    found = evaluate(
        function,
        submit(),
        sandbox=FakeSandbox(adder),
        toolchain=toolchain,
        language_table={"python": python},
    )
    assert found.verdict.verdict == "internal_error"
    assert "not the program" in found.verdict.message
    assert toolchain.calls == []


def test_a_custom_checker_goes_through_the_port(toolchain: FakeToolchain) -> None:
    seen: list[tuple[bytes, bytes, bytes]] = []

    class Port:
        def check(
            self, checker: Checker, *, input: bytes, expected: bytes, actual: bytes
        ) -> CheckResult:
            seen.append((input, expected, actual))
            return (
                CheckResult("wrong_answer", "groups differ")
                if seen[1:]
                else CheckResult("accepted")
            )

    custom = problem(checker=Checker(kind="custom", language="python", source="..."))
    found = evaluate(
        custom, submit(), sandbox=FakeSandbox(adder), toolchain=toolchain, custom_checker=Port()
    )
    assert seen == [(b"1 2\n", b"3\n", b"3\n"), (b"5 5\n", b"10\n", b"10\n")]
    assert found.verdict.message == "Wrong Answer on test 2 (sample-2): groups differ"


def test_the_sandbox_checker_maps_exit_codes(tmp_path: Path) -> None:
    entry, cache = tmp_path / "entry", tmp_path / "cache"
    entry.mkdir()
    cache.mkdir()
    (entry / "main.py").write_text("checker")
    statuses = iter(
        [
            result(),
            result(b"groups differ\n", exit_code=1),
            result(exit_code=2, stderr=b"Traceback"),
            result(exit_code=None, signal=KILL, wall_limit_hit=True),
        ]
    )
    sandbox = FakeSandbox(lambda argv, stdin: next(statuses))
    checker = SandboxChecker(sandbox, FakeToolchain(entry, cache_dir=cache), languages())
    spec = Checker(kind="custom", language="python", source="checker")

    def run() -> CheckResult:
        return checker.check(spec, input=b"in", expected=b"exp", actual=b"act")

    assert run() == CheckResult("accepted")
    assert run() == CheckResult("wrong_answer", "groups differ")
    assert run().status == "internal_error"
    assert run().status == "internal_error"
    python = languages()["python"]
    call = sandbox.calls[0]
    assert call.argv == (*python.run, "input.txt", "expected.txt", "actual.txt")
    # A fresh box, removed; in the cache's folder, which the run's uid can reach.
    assert call.workdir.parent == cache and not call.workdir.exists()
    broken = SandboxChecker(sandbox, FakeToolchain(entry, cache_dir=cache), languages())
    assert broken.check(
        Checker(kind="custom", language="python", source="syntax error"),
        input=b"", expected=b"", actual=b"",
    ).status == "internal_error"  # fmt: skip


def test_the_sandbox_checker_sees_the_three_files(tmp_path: Path) -> None:
    entry = tmp_path / "entry"
    entry.mkdir()
    (entry / "main.py").write_text("checker")
    seen: dict[str, bytes] = {}

    def look(argv: Sequence[str], stdin: bytes) -> RunResult:
        box = sandbox.calls[-1].workdir
        seen.update({path.name: path.read_bytes() for path in box.iterdir()})
        return result()

    sandbox = FakeSandbox(look)
    SandboxChecker(sandbox, FakeToolchain(entry), languages()).check(
        Checker(kind="custom", language="python", source="checker"),
        input=b"in", expected=b"exp", actual=b"act",
    )  # fmt: skip
    assert seen == {
        "main.py": b"checker", "input.txt": b"in", "expected.txt": b"exp", "actual.txt": b"act",
    }  # fmt: skip


def test_run_mode_runs_once_on_the_learners_stdin(toolchain: FakeToolchain) -> None:
    def echo(argv: Sequence[str], stdin: bytes) -> RunResult:
        return result(stdin * 2, stderr=b"debug\n")

    sandbox = FakeSandbox(echo)
    progress: list[tuple[int, int]] = []
    found = evaluate(
        problem(), run_code("hi\n"), sandbox=sandbox, toolchain=toolchain,
        on_progress=lambda k, n: progress.append((k, n)),
    )  # fmt: skip
    assert found.mode == "run"
    assert found.tests == ()
    assert progress == []
    assert [call.stdin for call in sandbox.calls] == [b"hi\n"]
    verdict = found.verdict
    assert (verdict.verdict, verdict.passed, verdict.total) == ("accepted", 0, 0)
    assert (verdict.stdout, verdict.stderr) == ("hi\nhi\n", "debug\n")

    crash = result(b"partial", exit_code=None, signal=signal.SIGFPE, stderr=b"x" * 10_000)
    found = evaluate(
        problem(), run_code(""), sandbox=FakeSandbox(lambda a, s: crash), toolchain=toolchain
    )
    assert found.verdict.verdict == "runtime_error"
    assert found.verdict.message == "Runtime Error: killed by SIGFPE"
    assert found.verdict.signal == signal.SIGFPE
    assert found.verdict.stdout == "partial"
    assert len(found.verdict.stderr) == RUN_EXCERPT_BYTES + 1  # the end, marked as cut


def test_run_mode_compilation_error(toolchain: FakeToolchain) -> None:
    command = run_code("").model_copy(update={"source": "syntax error"})
    found = evaluate(problem(), command, sandbox=FakeSandbox(adder), toolchain=toolchain)
    assert found.verdict.verdict == "compilation_error"
    assert (found.verdict.passed, found.verdict.total) == (0, 0)


def test_excerpts_are_short_clean_text() -> None:
    assert excerpt(b"ok\n", 10) == "ok\n"
    assert excerpt(b"a\x00b\xff\xfec", 10) == "ab\ufffd\ufffdc"
    long = excerpt(b"x" * 1000, TEST_EXCERPT_BYTES)
    assert long == "x" * TEST_EXCERPT_BYTES + "…"
    # A cut through a character drops the character, not the text's validity.
    snowmen = "☃".encode() * 100  # 3 bytes each
    assert excerpt(snowmen, 10) == "☃☃☃…"
    assert excerpt(snowmen, 10, tail=True) == "…☃☃☃"
    json.dumps(excerpt(bytes(range(256)) * 4, 300))  # any bytes: still encodable
