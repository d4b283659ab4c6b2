"""The typed harnesses (C, C++, Go, Rust, C#, Kotlin, Ruby) in the real sandbox:
what they carry, what they keep apart.

Real parts only: the glue generated per signature, the real Toolchain
compiling with the language table's argv in the real Sandbox. Needs root,
bubblewrap and the languages' toolchains (`python -m onelog.toolchains c cpp
go rust csharp kotlin ruby`); needs no Kafka or Redis. The learners' sources
are data (typed_harness_learners.py); one compile per source and language, as
the module's toolchain cache serves the rest: Kotlin compiles slowly.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from schemas.judge.records import FunctionSignature
from streams.judge.harness import harnesses
from streams.judge.languages import languages
from streams.judge.limits import DEFAULT_LIMITS
from streams.judge.sandbox import RunResult, Sandbox
from streams.judge.toolchain import Toolchain
from tests.integration.judge.typed_harness_learners import LEARNERS

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
    reason="the sandbox needs root and bubblewrap",
)

UIDS = (64_000, 4)  # this module's own uid range

ECHO = FunctionSignature(name="echoWords", params=["words"], types=["string[]"], returns="string[]")
DOUBLES = FunctionSignature(name="halves", params=["xs"], types=["double[]"], returns="double[]")
NESTED = FunctionSignature(
    name="spread", params=["big", "flags"], types=["long", "bool[]"], returns="long[][]"
)
LANGUAGES = list(LEARNERS)
# Ruby's json prints a double as Python's does, not as JavaScript's: its own test below.
JAVASCRIPT_DOUBLES = [language_id for language_id in LANGUAGES if language_id != "ruby"]


def _run(
    sandbox: Sandbox,
    toolchain: Toolchain,
    language_id: str,
    function: FunctionSignature,
    stdin: str,
    source: str | None = None,
) -> RunResult:
    language, harness = languages()[language_id], harnesses()[language_id]
    built = toolchain.compile(
        language,
        LEARNERS[language_id].sources[function.name] if source is None else source,
        files=harness.files_for(function),
        compile_argv=harness.compile_argv(language),
    )
    assert built.ok, built.message
    return sandbox.run(
        harness.run_argv(language, function.name),
        workdir=built.workdir,
        stdin=stdin.encode(),
        limits=DEFAULT_LIMITS.set_to(language.limits),
        read_only=tuple(Path(path) for path in language.read_only),
        writable_workdir=False,
    )


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_strings_come_back_as_every_harness_prints_them_and_the_learners_prints_go_to_stderr(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    words = [
        "plain",
        "a<b>&c",
        'quote " back \\ slash',
        "tab\tnew\nline\b\f\x01",
        "é ü ünï 日本 漢字 🙂",
        "\x01 control",
        "",
    ]
    result = _run(sandbox, toolchain, language_id, ECHO, json.dumps([words]))
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    # Python's harness prints exactly this: the form the expected outputs are written in.
    assert (
        result.stdout.decode()
        == json.dumps(words, separators=(",", ":"), ensure_ascii=False) + "\n"
    )
    for noise in LEARNERS[language_id].noise:
        assert noise in result.stderr


def test_ruby_sends_fd_1_itself_to_stderr(sandbox: Sandbox, toolchain: Toolchain) -> None:
    result = _run(sandbox, toolchain, "ruby", ECHO, '[["x"]]')
    assert result.stdout == b'["x"]\n'
    assert b"straight to fd 1\n" in result.stderr


@pytest.mark.parametrize("language_id", JAVASCRIPT_DOUBLES)
def test_doubles_print_as_javascript_prints_them(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    result = _run(sandbox, toolchain, language_id, DOUBLES, "[[4, 0.2, 3, 2e21, 2e-7, -0.5, 0]]")
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    assert result.stdout == b"[2,0.1,1.5,1e+21,1e-7,-0.25,0]\n"


def test_ruby_doubles_print_as_pythons_and_parse_to_the_same_numbers(
    sandbox: Sandbox, toolchain: Toolchain
) -> None:
    # Ruby's json keeps the float's ".0", as Python's does; the checker compares parsed JSON.
    result = _run(sandbox, toolchain, "ruby", DOUBLES, "[[4, 0.2, 3, 2e21, 2e-7, -0.5, 0]]")
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    assert result.stdout.startswith(b"[2.0,0.1,1.5,")
    assert json.loads(result.stdout) == [2, 0.1, 1.5, 1e21, 1e-7, -0.25, 0]


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_longs_keep_every_digit_and_empty_rows_print_as_empty_arrays(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    result = _run(sandbox, toolchain, language_id, NESTED, "[9007199254740993, [true, false]]")
    assert result.exit_code == 0, result.stderr.decode(errors="replace")
    assert result.stdout == b"[[9007199254740993,-9007199254740993],[]]\n"
    result = _run(sandbox, toolchain, language_id, NESTED, "[1, []]")
    assert result.stdout == b"[]\n"


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_a_crash_or_an_input_of_the_wrong_shape_or_type_is_a_runtime_error(
    sandbox: Sandbox, toolchain: Toolchain, language_id: str
) -> None:
    learner = LEARNERS[language_id]
    crashed = _run(sandbox, toolchain, language_id, ECHO, '[["panic"]]')
    assert crashed.exit_code != 0
    if not learner.crashes_by_signal:
        assert crashed.exit_code is not None
    assert b"the learner gave up" in crashed.stderr
    assert crashed.stdout == b""
    missing = _run(sandbox, toolchain, language_id, ECHO, "[]")
    exit_code, messages = learner.missing
    assert missing.exit_code == exit_code and missing.stdout == b""
    assert any(message in missing.stderr for message in messages), missing.stderr
    if learner.mistyped is not None:
        mistyped = _run(sandbox, toolchain, language_id, ECHO, "[[1, 2]]")
        assert mistyped.exit_code == learner.mistyped[0]
        assert learner.mistyped[1] in mistyped.stderr


def test_ruby_never_calls_a_method_ruby_itself_has(sandbox: Sandbox, toolchain: Toolchain) -> None:
    # `format` is Kernel's: a main.rb that forgot to define it must not get Kernel's called.
    forgot = FunctionSignature(name="format", params=["s"], types=["string"], returns="string")
    result = _run(sandbox, toolchain, "ruby", forgot, '["%d"]', source="def other = 1\n")
    assert result.exit_code == 1 and result.stdout == b""
    assert b"no method format" in result.stderr
